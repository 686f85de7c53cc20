"""PrestaShop as a `Platform`: the connection test and the order pages here, the calls that
change the shop in `prestashop_actions` (credit slip, cart rule), `prestashop_exchange`
(replacement order) and `prestashop_holds` (stock held for an exchange); the stock read
by the sync in `prestashop_stock`.

`order_pages` reads the orders updated since a moment, 100 at a time, sorted by id and
paged by id (`filter[id]=[after,…]`, `limit=0,100`) rather than by offset, so an order
updated while the sync runs cannot shift the pages and make another one be skipped. The
upper bound of `filter[date_upd]` is fixed when the sync starts (orders updated after it
are the next poll's). For each page, four more calls (never one per order) bring what the
orders resource does not hold: the customers' e-mails, the delivery addresses, the order
histories (delivery dates) and which vouchers gave free shipping (order_cart_rules);
currencies and countries are read once per sync.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from portal.shops import (
    platform,
    prestashop_actions,
    prestashop_exchange,
    prestashop_holds,
    prestashop_stock,
)
from portal.shops.platform import (
    REFUSED,
    Answer,
    CheckResult,
    Credentials,
    PlatformCredit,
    PlatformError,
    PlatformRefund,
    ReplacementOrder,
    Reservation,
    StockLevel,
)
from portal.shops.prestashop import PrestaShopClient, clean_address
from portal.shops.prestashop_mapping import BadPayload, Settings, to_local_text
from portal.shops.prestashop_orders import apply_page

MAX_ID = 4294967295  # an unsigned INT, PrestaShop's id columns

# (method, resource): what each part of the connector needs the key to allow
READ = tuple(
    ("GET", name)
    for name in (
        "orders",
        "order_histories",
        "order_cart_rules",
        "customers",
        "addresses",
        "currencies",
        "countries",
    )
)
WRITE = (
    ("GET", "order_slip"),
    ("POST", "order_slip"),
    ("GET", "cart_rules"),
    ("POST", "cart_rules"),
    ("GET", "languages"),
    ("POST", "carts"),
    ("POST", "orders"),
    ("GET", "products"),
    ("GET", "combinations"),
    ("GET", "stock_availables"),
    ("PUT", "stock_availables"),
)


def config(name: str, default=None):
    return current_app.config.get(name, default) if has_app_context() else default


def settings() -> Settings:
    return Settings.from_config(current_app.config) if has_app_context() else Settings()


def client_for(credentials: Credentials, *, retries: int = 3) -> PrestaShopClient:
    address = clean_address(credentials.address)
    if address is None:
        raise PlatformError("not_found", f"{credentials.address!r} is not a shop address")
    return PrestaShopClient(
        address,
        credentials.secrets.get("key") or "",
        timeout=float(config("PRESTASHOP_TIMEOUT", 10)),
        retries=retries,
    )


def _ids(values) -> str:
    return "[" + "|".join(sorted({str(v) for v in values if str(v).isdigit()})) + "]"


class PrestaShop:
    name = "prestashop"
    title = "PrestaShop"
    # a credit slip records the refund; the shop pays it back through its payment provider
    refund_moves_money = False
    fields = (
        ("address", _l("Shop address"), _l("The shop's address, e.g. https://boutique.fr")),
        (
            "key",
            _l("Webservice key"),
            _l("Advanced Parameters › Webservice › Add new webservice key (32 characters)"),
        ),
    )

    # -- the connection test ----------------------------------------------------------------
    def check(self, credentials: Credentials) -> CheckResult:
        if clean_address(credentials.address) is None:
            return CheckResult(
                False,
                str(_l("Give the shop's address starting with https://, e.g. https://boutique.fr")),
            )
        try:
            allowed = client_for(credentials, retries=0).root()
        except PlatformError as exc:
            return CheckResult(False, _explain(exc, credentials.address))
        missing = [
            f"{method} {name}"
            for method, name in READ + WRITE
            if method not in allowed.get(name, set())
        ]
        if missing:
            return CheckResult(
                False,
                str(
                    _l(
                        "The key works, but it is not allowed: %(missing)s. In PrestaShop, "
                        "Advanced Parameters › Webservice, edit the key and tick them.",
                        missing=", ".join(missing),
                    )
                ),
            )
        return CheckResult(True, str(_l("Connected: the key may use everything Retours needs.")))

    # -- orders in --------------------------------------------------------------------------
    def apply_orders(self, page: list, result) -> None:
        """Write one page of the shop's orders (`flask shop sync`)."""
        apply_page(page, Settings.from_config(current_app.config), result)

    def order_pages(self, credentials: Credentials, since: datetime) -> Iterator[list[dict]]:
        client = client_for(credentials)
        try:
            zone = settings().zone
        except BadPayload as exc:
            raise PlatformError("bad_answer", str(exc)) from exc
        size = max(1, min(int(config("PRESTASHOP_PAGE_SIZE", 100)), 1000))
        window = f"[{to_local_text(since, zone)},{to_local_text(datetime.now(UTC), zone)}]"
        currencies = _table(client, "currencies", "iso_code")
        countries = _table(client, "countries", "iso_code")
        after = 0
        while True:
            page = client.listing(
                "orders",
                {
                    "display": "full",
                    "filter[date_upd]": window,
                    "date": "1",
                    "filter[id]": f"[{after + 1},{MAX_ID}]",
                    "sort": "[id_ASC]",
                    "limit": f"0,{size}",
                },
            )
            if not page:
                return
            _enrich(client, page, currencies, countries)
            yield page
            if len(page) < size:
                return
            after = max(int(o["id"]) for o in page if str(o.get("id", "")).isdigit())

    # -- stock in ----------------------------------------------------------------------------
    def stock_pages(self, credentials: Credentials) -> Iterator[list[StockLevel]]:
        """What the shop can still sell of each variant, a page of stock_availables at a
        time (`prestashop_stock`); nothing when the shop manages no stock."""
        size = max(1, min(int(config("PRESTASHOP_PAGE_SIZE", 100)), 1000))
        return prestashop_stock.pages(client_for(credentials), size)

    # -- the shop's side of refunds, credit, exchanges ---------------------------------------
    def refund(self, credentials: Credentials, refund: PlatformRefund) -> Answer:
        return _write(prestashop_actions.refund, credentials, refund)

    def issue_credit(self, credentials: Credentials, credit: PlatformCredit) -> Answer:
        return _write(prestashop_actions.issue_credit, credentials, credit)

    def create_replacement(self, credentials: Credentials, order: ReplacementOrder) -> Answer:
        return _write(prestashop_exchange.create_replacement, credentials, order)

    def reserve(self, credentials: Credentials, reservation: Reservation) -> Answer:
        return _write(prestashop_holds.reserve, credentials, reservation)

    def release(self, credentials: Credentials, external_id: str) -> Answer:
        return _write(prestashop_holds.release, credentials, external_id)

    # -- beyond the protocol ----------------------------------------------------------------
    def tracking(self, credentials: Credentials, external_order_id: str) -> str | None:
        """The replacement order's tracking number once the shop ships it (None before);
        PlatformError when the shop cannot be read."""
        return prestashop_exchange.tracking(client_for(credentials), external_order_id)


def _write(call, credentials: Credentials, what) -> Answer:
    """A call that changes the shop: an address or a setting that cannot be used is a
    refusal a person reads, never an exception."""
    try:
        client = client_for(credentials, retries=1)
        return call(client, what)
    except PlatformError as exc:
        return prestashop_actions.answer_for(exc)
    except BadPayload as exc:  # PRESTASHOP_TIMEZONE is not a time zone
        return Answer(REFUSED, reason=str(exc))


def _table(client: PrestaShopClient, resource: str, field: str) -> dict[str, str]:
    rows = client.listing(resource, {"display": f"[id,{field}]"})
    return {str(r.get("id")): str(r.get(field) or "") for r in rows}


def _some(client, resource: str, display: str, field: str, values) -> list[dict]:
    """The rows whose `field` is one of `values`, in one call (none when no values)."""
    wanted = _ids(values)
    if wanted == "[]":
        return []
    return client.listing(resource, {"display": display, f"filter[{field}]": wanted})


def _enrich(client, page: list[dict], currencies: dict, countries: dict) -> None:
    """Add under "_retours" what the mapping needs and the orders resource does not hold."""
    customers = {
        str(c.get("id")): c
        for c in _some(
            client, "customers", "[id,email]", "id", (o.get("id_customer") for o in page)
        )
    }
    addresses = {
        str(a.get("id")): a
        for a in _some(
            client, "addresses", "full", "id", (o.get("id_address_delivery") for o in page)
        )
    }
    histories: dict[str, list[dict]] = {}
    for history in _some(
        client, "order_histories", "full", "id_order", (o.get("id") for o in page)
    ):
        histories.setdefault(str(history.get("id_order")), []).append(history)
    free_shipping = {
        str(rule.get("id_order"))
        for rule in _some(
            client,
            "order_cart_rules",
            "[id,id_order,free_shipping]",
            "id_order",
            (o.get("id") for o in page),
        )
        if str(rule.get("free_shipping") or "0") == "1"
    }
    for order in page:
        address = addresses.get(str(order.get("id_address_delivery")), {})
        order["_retours"] = {
            "currency": currencies.get(str(order.get("id_currency"))),
            "email": customers.get(str(order.get("id_customer")), {}).get("email"),
            "address": address,
            "country": countries.get(str(address.get("id_country")), ""),
            "histories": histories.get(str(order.get("id")), []),
            "free_shipping": str(order.get("id")) in free_shipping,
        }


def _explain(exc: PlatformError, address: str) -> str:
    """What the staff page says, for the shop owner."""
    if exc.kind == "auth":
        return str(_l("PrestaShop refused the webservice key (wrong key, or the key is off)."))
    if exc.kind == "not_found":
        return str(
            _l(
                "No webservice at %(address)s/api: check the address, that the webservice is "
                "on (Advanced Parameters › Webservice) and that URL rewriting works.",
                address=address,
            )
        )
    if exc.kind == "unreachable":
        return str(_l("%(address)s did not answer: check the address.", address=address))
    if exc.kind == "bad_answer":
        return str(
            _l("%(address)s answers, but it is not a PrestaShop webservice.", address=address)
        )
    return str(_l("The shop answered with an error: %(error)s", error=str(exc)))


def install() -> None:
    platform.register(PrestaShop())
