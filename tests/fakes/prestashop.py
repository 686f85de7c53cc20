"""A fake PrestaShop Webservice on loopback, for portal/shops/prestashop*.py to talk to.

Built from the Webservice reference (docs/shops-prestashop.md cites each page):

    GET  /api/                      the resources the key may use, with one attribute per
                                    HTTP method (XML, as "Testing access" shows it)
    GET  /api/<resource>            a list: display=full|[f1,f2], filter[field]=[a|b] (or),
                                    [a,b] (interval; dates when date=1), [x] (literal),
                                    %[x]% (contains), sort=[field_ASC], limit=count|offset,count
    POST /api/<resource>            an XML body <prestashop><resource_singular>…; the
                                    answer is the object made (JSON with output_format=JSON)
    PUT  /api/stock_availables/<id> an XML body, the whole object

Resources served: orders (POST too: a replacement order from a cart, which takes its units
off `stock_availables.quantity` unless it ends in the error state, as the Stock FAQ's
"remaining available quantity" says), order_histories, customers, addresses, currencies,
countries, languages, order_slip, cart_rules, carts, products, combinations, configurations,
stock_availables (`add_stock`, `add_product`, `add_combination`; `stock_management(False)`).
A "429" failure mode answers Too Many Requests: PrestaShop's core has no rate limit of its
own, but a host or proxy in front of a shop may, and the client retries it.
Every call needs HTTP Basic with the webservice key as user and no password (401
otherwise); a resource or method the key was not given is a 401 too.
Values are strings, ids integers, as the webservice's JSON output gives them; a list with
no result is `[]`, not `{"orders": []}` (PrestaShop issues #10172, #22760, #26752).
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from datetime import datetime

from tests.fakes.loopback import LoopbackFake, Request
from tests.fakes.prestashop_payloads import order, row

__all__ = ["FakePrestaShop", "order", "row"]

ALL = ("GET", "PUT", "POST", "PATCH", "DELETE", "HEAD")
RESOURCES = (
    "addresses",
    "carts",
    "cart_rules",
    "combinations",
    "configurations",
    "countries",
    "currencies",
    "customers",
    "languages",
    "order_carriers",
    "order_cart_rules",
    "order_histories",
    "order_slip",
    "order_states",
    "orders",
    "products",
    "stock_availables",
)
SINGULAR = {
    "addresses": "address",
    "carts": "cart",
    "cart_rules": "cart_rule",
    "combinations": "combination",
    "configurations": "configuration",
    "products": "product",
    "countries": "country",
    "currencies": "currency",
    "customers": "customer",
    "languages": "language",
    "order_carriers": "order_carrier",
    "order_cart_rules": "order_cart_rule",
    "order_histories": "order_history",
    "order_slip": "order_slip",
    "order_states": "order_state",
    "orders": "order",
    "stock_availables": "stock_available",
}
LIST_ASSOCIATIONS = {"order_rows", "cart_rows", "order_slip_details"}
DATE = "%Y-%m-%d %H:%M:%S"


def _xml_values(element: ET.Element) -> dict:
    """<order_slip><id_order>3</id_order><associations>…</associations></order_slip> → dict."""
    values: dict = {}
    for child in element:
        if child.tag == "associations":
            values["associations"] = {
                group.tag: [_xml_values(item) for item in group] for group in child
            }
        elif len(child):  # a multilang field: <name><language id="1">…</language></name>
            values[child.tag] = [{"id": lang.get("id"), "value": lang.text or ""} for lang in child]
        else:
            values[child.tag] = (child.text or "").strip()
    return values


class FakePrestaShop(LoopbackFake):
    name = "prestashop"
    routes = (
        ("GET", re.compile(r"^/api/?$"), "root"),
        ("GET", re.compile(r"^/api/(?P<resource>[a-z_]+)/?$"), "list"),
        ("POST", re.compile(r"^/api/(?P<resource>[a-z_]+)/?$"), "create"),
        ("PUT", re.compile(r"^/api/(?P<resource>[a-z_]+)/(?P<id>\d+)/?$"), "update"),
    )
    endpoints = tuple(f"{verb} {name}" for name in RESOURCES for verb in ("GET", "POST", "PUT"))

    def __init__(self, *, key: str = "ZR92FNY5UFRERNI3O9Z5QDHWKTP3YIIT") -> None:
        super().__init__()
        self.key = key
        self.permissions: dict[str, set[str]] = {name: set(ALL) for name in RESOURCES}
        self.tables: dict[str, dict[int, dict]] = {name: {} for name in RESOURCES}
        self.next_id: dict[str, int] = {name: 1000 for name in RESOURCES}
        self.not_prestashop = False
        self.free_carts = True  # False: the cart costs something, as without a free rule
        self._seed()

    def _seed(self) -> None:
        self.put("currencies", {"id": 1, "iso_code": "EUR", "name": "Euro"})
        self.put("currencies", {"id": 2, "iso_code": "CHF", "name": "Franc suisse"})
        self.put("countries", {"id": 8, "iso_code": "FR"})
        self.put("countries", {"id": 19, "iso_code": "CH"})
        self.put("languages", {"id": 1, "iso_code": "fr"})
        self.put("languages", {"id": 2, "iso_code": "en"})
        self.put("customers", {"id": 2, "email": "pub@prestashop.com", "firstname": "John"})
        self.put(
            "addresses",
            {
                "id": 5,
                "id_customer": "2",
                "id_country": "8",
                "firstname": "John",
                "lastname": "DOE",
                "address1": "16, Main street",
                "address2": "2nd floor",
                "postcode": "75002",
                "city": "Paris",
            },
        )

    # scripting ----------------------------------------------------------------------------
    def put(self, resource: str, values: dict) -> dict:
        with self.lock:
            self.tables[resource][int(values["id"])] = values
        return values

    def add_order(self, payload: dict, histories: list[tuple[int, str]] = ()) -> dict:
        """An order, and the states it went through as (id_order_state, date_add)."""
        self.put("orders", payload)
        for state, when in histories:
            self.add_history(payload["id"], state, when)
        return payload

    def add_history(self, order_id: int, state: int, when: str) -> dict:
        with self.lock:
            new_id = self._new_id("order_histories")
            return self.put(
                "order_histories",
                {
                    "id": new_id,
                    "id_employee": "0",
                    "id_order_state": str(state),
                    "id_order": str(order_id),
                    "date_add": when,
                },
            )

    def touch(self, order_id: int, date_upd: str, **changes) -> dict:
        with self.lock:
            payload = {**self.tables["orders"][order_id], **changes, "date_upd": date_upd}
            self.tables["orders"][order_id] = payload
        return payload

    def add_stock(self, stock_id: int, product: int, attribute: int, quantity: int) -> dict:
        return self.put(
            "stock_availables",
            {
                "id": stock_id,
                "id_product": str(product),
                "id_product_attribute": str(attribute),
                "id_shop": "1",
                "id_shop_group": "0",
                "quantity": str(quantity),
                "depends_on_stock": "0",
                "out_of_stock": "2",
                "location": "",
            },
        )

    def add_product(self, product_id: int, reference: str = "", default_attribute: int = 0):
        """A product as /api/products shows the fields the stock read asks for."""
        return self.put(
            "products",
            {
                "id": product_id,
                "reference": reference,
                "cache_default_attribute": str(default_attribute),
            },
        )

    def add_combination(self, combination_id: int, product: int, reference: str = "") -> dict:
        return self.put(
            "combinations",
            {"id": combination_id, "id_product": str(product), "reference": reference},
        )

    def stock_management(self, on: bool) -> None:
        """Shop Parameters › Product Settings › Enable stock management (PS_STOCK_MANAGEMENT)."""
        self.put(
            "configurations", {"id": 1, "name": "PS_STOCK_MANAGEMENT", "value": "1" if on else "0"}
        )

    def deny(self, resource: str, *methods: str) -> None:
        """Take methods (all when none given) away from the key on a resource."""
        with self.lock:
            self.permissions[resource] -= set(methods or ALL)

    def made(self, resource: str) -> list[dict]:
        """What the connector created in a resource (ids from 1000 on)."""
        with self.lock:
            return [v for k, v in sorted(self.tables[resource].items()) if k >= 1000]

    def _new_id(self, resource: str) -> int:
        self.next_id[resource] = self.next_id.get(resource, 1000) + 1
        return self.next_id[resource]

    # serving ------------------------------------------------------------------------------
    def refine(self, endpoint: str, request: Request) -> str | None:
        if endpoint == "root":
            return endpoint
        resource = request.path.strip("/").split("/")[1]
        if resource not in RESOURCES:
            return None
        return f"{request.method} {resource}"

    def accepts(self, mode: str) -> bool:
        return mode == "429"

    def scripted(self, endpoint: str, mode: str, request: Request):
        # a proxy's answer, not the webservice's (which has no rate limit): plain text
        return 429, b"Too Many Requests", {"Content-Type": "text/plain", "Retry-After": "1"}

    def unrouted(self, request: Request):
        return 404, self._error(23, "Resource of type unknown does not exists"), {}

    def _error(self, code: int, message: str) -> dict:
        return {"errors": [{"code": code, "message": message}]}

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization") or ""
        if not header.startswith("Basic "):
            return False
        try:
            user = base64.b64decode(header[6:]).decode().split(":", 1)[0]
        except ValueError:
            return False
        return user == self.key

    def handle(self, endpoint: str, match: re.Match, request: Request):
        headers = {"PSWS-Version": "8.1.7", "X-Powered-By": "PrestaShop Webservice"}
        if self.not_prestashop:
            return 200, b"<html><body>Bienvenue</body></html>", {"Content-Type": "text/html"}
        if not self._authorised(request):
            return (
                401,
                self._error(17, "Authentication key is not active or incorrect"),
                {**headers, "WWW-Authenticate": 'Basic realm="Welcome to PrestaShop Webservice"'},
            )
        if endpoint == "root":
            return 200, self._root(), {**headers, "Content-Type": "text/xml;charset=utf-8"}
        resource = match["resource"]
        if not self.permissions[resource]:  # WebserviceRequest::checkResource
            message = f'Resource of type "{resource}" is not allowed with this authentication key'
            return 401, self._error(26, message), headers
        if request.method not in self.permissions[resource]:  # ::checkHTTPMethod
            message = (
                f"Method {request.method} is not allowed for the resource {resource} "
                "with this authentication key"
            )
            return 405, self._error(25, message), headers
        if request.method == "GET":
            return 200, self._list(resource, request.query), headers
        try:
            element = ET.fromstring(request.raw)[0]
        except (ET.ParseError, IndexError):
            return 400, self._error(127, "XML error"), headers
        values = _xml_values(element)
        if request.method == "POST":
            return self._create(resource, values, headers)
        return self._update(resource, int(match["id"]), values, headers)

    def _root(self) -> bytes:
        api = ET.Element("api", {"shopName": "Maison Lin"})
        for name in RESOURCES:
            allowed = self.permissions[name]
            if not allowed:
                continue
            attributes = {"xlink:href": f"http://127.0.0.1/api/{name}"}
            attributes |= {verb.lower(): "true" if verb in allowed else "false" for verb in ALL}
            child = ET.SubElement(api, name, attributes)
            ET.SubElement(child, "description").text = name
        root = ET.Element("prestashop", {"xmlns:xlink": "http://www.w3.org/1999/xlink"})
        root.append(api)
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root)

    # list ---------------------------------------------------------------------------------
    def _list(self, resource: str, query: dict[str, str]) -> dict | list:
        items = list(self.tables[resource].values())
        for key, value in query.items():
            if key.startswith("filter[") and key.endswith("]"):
                field = key[7:-1]
                items = [i for i in items if _matches(i.get(field), value, query.get("date"))]
        sort = query.get("sort")
        if sort:
            field, _, direction = sort.strip("[]").rpartition("_")
            items.sort(key=lambda i: _key(i.get(field)), reverse=direction == "DESC")
        else:
            items.sort(key=lambda i: int(i["id"]))
        limit = query.get("limit")
        if limit:
            start, _, count = limit.rpartition(",")
            first = int(start or 0)
            items = items[first : first + int(count)]
        display = query.get("display")
        if display == "full":
            shown = items
        elif display:
            fields = display.strip("[]").split(",")
            shown = [{f: i.get(f) for f in fields} for i in items]
        else:
            shown = [{"id": i["id"]} for i in items]
        return {resource: shown} if shown else []  # the webservice's JSON for no result

    # writes -------------------------------------------------------------------------------
    def _create(self, resource: str, values: dict, headers: dict):
        singular = SINGULAR[resource]
        codes = {r.get("code") for r in self.tables[resource].values()}
        if resource == "cart_rules" and values.get("code") and values["code"] in codes:
            return 400, self._error(90, "This cart rule code is already used"), headers
        if resource == "orders":
            cart = self.tables["carts"].get(int(values.get("id_cart") or 0))
            if cart is None:
                return 400, self._error(91, "Cart not found"), headers
            values.setdefault("associations", {})["order_rows"] = [
                {
                    "id": str(self._new_id("order_details")),
                    "product_id": r.get("id_product"),
                    "product_attribute_id": r.get("id_product_attribute") or "0",
                    "product_quantity": r.get("quantity"),
                }
                for r in cart.get("associations", {}).get("cart_rows", [])
            ]
            values["reference"] = f"RPL{len(self.tables['orders']):06d}"
            # PS_OS_WS_PAYMENT (11) when the amount paid is the cart's, else PS_OS_ERROR (8)
            values["current_state"] = "11" if self.free_carts else "8"
            if self.free_carts:
                self._take_stock(values["associations"]["order_rows"])
            values["date_add"] = values["date_upd"] = datetime.now().strftime(DATE)
        new_id = self._new_id(resource)
        values["id"] = new_id
        self.put(resource, values)
        return 201, {singular: values}, headers

    def _take_stock(self, rows: list[dict]) -> None:
        """An order takes its units off what the shop can still sell."""
        for ordered in rows:
            for stock in self.tables["stock_availables"].values():
                if (stock["id_product"], stock["id_product_attribute"]) == (
                    str(ordered["product_id"]),
                    str(ordered["product_attribute_id"] or "0"),
                ):
                    left = int(stock["quantity"]) - int(ordered["product_quantity"] or 0)
                    stock["quantity"] = str(left)

    def _update(self, resource: str, item_id: int, values: dict, headers: dict):
        if item_id not in self.tables[resource]:
            return 404, self._error(87, f"Id {item_id} not found"), headers
        if str(values.get("id")) != str(item_id):
            return 400, self._error(89, "id is required when modifying a resource"), headers
        values["id"] = item_id
        self.put(resource, {**self.tables[resource][item_id], **values})
        return 200, {SINGULAR[resource]: self.tables[resource][item_id]}, headers


def _key(value):
    text = str(value if value is not None else "")
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


def _matches(actual, wanted: str, dates: str | None) -> bool:
    text = "" if actual is None else str(actual)
    if wanted.startswith("%[") and wanted.endswith("]%"):
        return wanted[2:-2].lower() in text.lower()
    if wanted.startswith("[") and wanted.endswith("]%"):
        return text.lower().startswith(wanted[1:-2].lower())
    inner = wanted.strip("[]")
    if "|" in inner:
        return text in inner.split("|")
    if "," in inner:
        low, high = inner.split(",", 1)
        if dates and "-" in low:  # date=1 and a date field: "YYYY-MM-DD HH:MM:SS" sorts as read
            return low <= text <= high
        try:
            return float(low) <= float(text) <= float(high)
        except ValueError:
            return False
    return text.lower() == inner.lower()
