"""Every HTML form field, customer and staff, fed Hypothesis-generated hostile text through
the test client: control characters, NUL, numbers beyond any column, very long strings,
files where text is expected, unexpected extra fields, hostile URL segments.

Two promises, checked on every example: no 500, ever; and a refused request (an error
status, or a page that shows an error message) leaves the database exactly as it was
(row counts of every table, and the columns these forms can change).

Examples per form: HOSTILE_EXAMPLES (30 by default, so that the suite stays quick)."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from portal.extensions import db
from portal.links import status_path
from portal.models.returns import REASONS, RESOLUTIONS
from portal.models.staff import ROLES
from portal.services import warehouse
from tests.factories import PASSWORD
from tests.hostile.snapshot import fingerprint
from tests.hostile.strategies import ANY_CHAR, FUZZ, NASTY_CONSTANTS, hostile, hostile_form

ERROR_SHOWN = ('class="flash flash-error"', 'role="alert"', 'class="error"', 'class="field-error"')


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def send(client, method: str, path: str, body=None, *, ignore=()):
    """One request; assert no 500 and, if it was refused, that nothing changed."""
    before = fingerprint(ignore)
    if method == "GET":
        response = client.get(path, query_string=body, follow_redirects=True)
    else:
        response = client.post(path, data=body, follow_redirects=True)
    assert response.status_code < 500, (path, body, response.get_data(as_text=True)[:2000])
    text = response.get_data(as_text=True)
    if response.status_code >= 400 or any(marker in text for marker in ERROR_SHOWN):
        assert fingerprint(ignore) == before, (path, body)
    return response


@pytest.fixture
def world(factory):
    """A shop with an order (and its gift code), a return waiting for its parcel, a
    received one waiting for its diagnosis."""
    variants = factory.variants("TEE", M=5, L=5)
    order = factory.order([("TEE-M", 2)], gift_code="GIFT-2024-ABCD")
    point = factory.relay_point()
    waiting = factory.return_(factory.order([("TEE-M", 1)]))
    received = factory.return_(factory.order([("TEE-M", 1)]))
    warehouse.receive_parcel(received, {received.items[0].id: 1}, "", "tests")
    db.session.commit()
    return {
        "order": order,
        "line": order.lines[0],
        "point": point,
        "large": variants[1],
        "waiting": waiting,
        "received": received,
        "token_path": status_path(waiting),
    }


@pytest.fixture
def admin(client, factory):
    user = factory.staff("admin")
    response = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return user


# customer forms ---------------------------------------------------------------------------------
def test_lookup(client, world):
    order = world["order"]

    @FUZZ
    @given(hostile_form({"number": (order.number,), "contact": (order.email, "75011")}))
    def run(body):
        send(client, "POST", "/lookup", body)

    run()


def test_gift_code(client, world):
    @FUZZ
    @given(hostile_form({"code": ("GIFT-2024-ABCD", "gift 2024 abcd")}))
    def run(body):
        send(client, "POST", "/gift", body)

    run()


def test_gift_contact(client, world):
    assert client.post("/gift", data={"code": "GIFT-2024-ABCD"}).status_code == 302
    fields = {
        "name": ("Léa Martin",),
        "email": ("lea@example.fr",),
        "line1": ("2 rue Oberkampf",),
        "postcode": ("75011",),
        "city": ("Paris",),
    }

    @FUZZ
    @given(hostile_form(fields))
    def run(body):
        send(client, "POST", "/return/contact", body)

    run()


def test_items(client, world):
    order, line = world["order"], world["line"]
    assert client.post("/lookup", data={"number": order.number, "contact": "75011"}).status_code
    key = f"item-{line.id}"
    fields = {
        f"{key}-quantity": ("1", "2", "3"),
        f"{key}-reason": REASONS,
        f"{key}-resolution": RESOLUTIONS,
        f"{key}-comment": ("Trop petit",),
        f"{key}-exchange": (str(world["large"].id),),
    }
    photos = st.one_of(
        hostile(),
        st.builds(lambda: [(io.BytesIO(_jpeg()), "photo.jpg")]),
    )

    @FUZZ
    @given(hostile_form(fields), photos)
    def run(body, photo):
        # Photos sent with a form that has other mistakes are kept on purpose (no second
        # upload): the draft photos are left out of "nothing changed".
        send(
            client,
            "POST",
            "/return/items",
            {**body, f"{key}-photos": photo},
            ignore=("draft_photos",),
        )

    run()


def test_relay_choice_and_search(client, world):
    order, line = world["order"], world["line"]
    client.post("/lookup", data={"number": order.number, "contact": "75011"})
    client.post(
        "/return/items",
        data={f"item-{line.id}-quantity": "1", f"item-{line.id}-reason": "too_small",
              f"item-{line.id}-resolution": "refund"},
    )  # fmt: skip

    @FUZZ
    @given(hostile_form({"relay_point_id": (str(world["point"].id),)}), hostile("75011"))
    def run(body, postcode):
        send(client, "POST", "/return/relay", body)
        send(client, "GET", "/return/relay", {"postcode": postcode})

    run()


def test_status_page_forms(client, world):
    path = world["token_path"]

    @FUZZ
    @given(hostile_form({"relay_point_id": (str(world["point"].id),)}), hostile("75011", "1"))
    def run(body, value):
        send(client, "POST", path + "/relay", body)
        send(client, "GET", path + "/relay", {"postcode": value})
        send(client, "GET", path, {"new": value})

    run()
    # last: cancelling (a form with nothing but its token) with hostile extra fields
    send(client, "POST", path + "/cancel", {"\x00": "\x00", "confirm": "9" * 50})


def test_query_strings_on_public_pages(client, world):
    @FUZZ
    @given(st.sampled_from(["/", "/policy", "/gift", "/lang/en", "/lang/fr", "/lookup"]),
           hostile_form({"next": ("/policy",), "q": ("x",)}))  # fmt: skip
    def run(path, query):
        send(client, "GET", path, query)

    run()


# staff forms ------------------------------------------------------------------------------------
def test_staff_login(client, world, factory):
    user = factory.staff("warehouse")

    @FUZZ
    @given(hostile_form({"email": (user.email, user.email.upper()), "password": (PASSWORD,)}))
    def run(body):
        send(client, "POST", "/staff/login", body)
        client.post("/staff/logout")

    run()


def test_staff_scan_and_search(client, world, admin):
    rr = world["waiting"]
    code = rr.current_label.tracking_code

    @FUZZ
    @given(
        hostile_form({"code": (rr.rma, code, code.lower())}),
        hostile_form({"q": (rr.rma, "anne"), "sort": ("oldest", "newest"), "queue": ("late",)}),
    )
    def run(body, query):
        send(client, "POST", "/staff/scan", body)
        send(client, "GET", "/staff/", query)

    run()


def test_staff_receive(client, world, admin):
    rr = world["waiting"]
    item = rr.items[0].id
    fields = {"note": ("Carton abîmé",), f"qty-{item}": ("0", "1"), f"note-{item}": ("ok",)}

    @FUZZ
    @given(hostile_form(fields))
    def run(body):
        send(client, "POST", f"/staff/returns/{rr.rma}/receive", body)

    run()


def test_staff_diagnose(client, world, admin):
    rr = world["received"]
    item = rr.items[0].id
    fields = {
        f"grade-{item}": ("A", "B", "C", "c"),
        f"diagnosis-note-{item}": ("Comme neuf",),
        f"reject-{item}": ("", "1"),
    }

    @FUZZ
    @given(hostile_form(fields))
    def run(body):
        send(client, "POST", f"/staff/returns/{rr.rma}/diagnose", body)

    run()


def test_staff_goodwill(client, world, admin):
    rr = world["waiting"]

    @FUZZ
    @given(hostile_form({"amount": ("5", "12,50", "0,01"), "note": ("Désolés",)}))
    def run(body):
        send(client, "POST", f"/staff/returns/{rr.rma}/goodwill", body)

    run()


def test_staff_accounts(client, world, admin):
    fields = {"email": ("new@shop.example.com",), "role": ROLES, "password": ("long enough pw",)}

    @FUZZ
    @given(hostile_form(fields))
    def run(body):
        send(client, "POST", "/staff/users", body)

    run()


def test_staff_password(client, world, admin):
    fields = {"current": (PASSWORD,), "new": ("x" * 12,), "confirm": ("x" * 12,)}

    @FUZZ
    @given(hostile_form(fields))
    def run(body):
        send(client, "POST", "/staff/password", body)

    run()


SEGMENT = st.one_of(
    st.text(ANY_CHAR, min_size=1, max_size=30),
    NASTY_CONSTANTS.filter(bool),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


def test_hostile_url_segments(client, world, admin):
    rr = world["waiting"]
    item = rr.items[0].id
    templates = [
        ("GET", "/staff/returns/{}"),
        ("POST", "/staff/returns/{}/receive"),
        ("POST", f"/staff/returns/{rr.rma}/items/{{}}/refund"),
        ("POST", f"/staff/returns/{rr.rma}/items/{{}}/send-back"),
        ("GET", f"/staff/returns/{rr.rma}/photos/{{}}"),
        ("POST", "/staff/refunds/{}/paid"),
        ("POST", "/staff/users/{}/disable"),
        ("GET", "/r/{}"),
        ("GET", "/r/{}/label.pdf"),
        ("POST", "/r/{}/cancel"),
        ("GET", "/lang/{}"),
    ]
    assert item

    @FUZZ
    @given(st.sampled_from(templates), SEGMENT)
    def run(template, segment):
        method, pattern = template
        send(client, method, pattern.format(quote(segment, safe="")))

    run()
