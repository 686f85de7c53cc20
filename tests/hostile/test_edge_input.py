"""Input no page expects: NUL bytes, control characters, huge numbers, files for text.

Each is refused with a clear answer (400/404/422 and words a person can act on), never a
500, and the database is exactly as before (on SQLite and on PostgreSQL, where a NUL in a
text parameter or an integer beyond 64 bits used to raise inside the driver)."""

from __future__ import annotations

import io

import pytest

from tests.factories import PASSWORD
from tests.hostile.snapshot import fingerprint

NUL_REFUSED = "contains characters that cannot be accepted"
HUGE = "9" * 30


def _staff(client, auth, role="admin"):
    user = auth.factory.staff(role)
    client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    return user


def _start(client, shop):
    response = client.post("/lookup", data={"number": shop.order.number, "contact": "75011"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("post", "/lookup", {"number": "T-0\x001", "contact": "anne@example.fr"}),
        ("post", "/lookup", {"number": "T-00001", "contact": "anne\x00@example.fr"}),
        ("post", "/gift", {"code": "GIFT\x00"}),
        ("post", "/staff/login", {"email": "a\x00@shop.example.com", "password": "x"}),
        ("post", "/staff/login", {"email": "a@shop.example.com", "password": "pw\x00"}),
        ("get", "/?q=\x00", None),
        ("get", "/return/relay?postcode=75\x0011", None),
    ],
)
def test_a_nul_byte_is_refused_before_it_reaches_the_database(client, shop, method, path, data):
    before = fingerprint()
    response = getattr(client, method)(path, data=data)
    assert response.status_code == 400
    assert NUL_REFUSED in response.get_data(as_text=True)
    assert fingerprint() == before


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/staff/scan", {"code": "R-\x00"}),
        ("/staff/?q=\x00", None),
        ("/staff/returns/{rma}/receive", {"note": "box\x00", "qty-{item}": "1"}),
        ("/staff/returns/{rma}/goodwill", {"amount": "5", "note": "sorry\x00"}),
        ("/staff/returns/R-\x00", None),
        ("/staff/users", {"email": "new\x00@shop.example.com", "role": "admin", "password": "x"}),
    ],
)
def test_a_nul_byte_in_a_staff_form_is_refused(client, auth, shop, path, data):
    _staff(client, auth)
    item = shop.rr.items[0].id
    path = path.format(rma=shop.rr.rma)
    if data is not None:
        data = {k.format(item=item): v for k, v in data.items()}
    before = fingerprint()
    response = client.post(path, data=data) if data is not None else client.get(path)
    assert response.status_code == 400
    assert NUL_REFUSED in response.get_data(as_text=True)
    assert fingerprint() == before


@pytest.mark.parametrize(
    ("bad", "status", "message"),
    [
        ("Anne\r\nBcc: x@evil.example", 422, "Use letters, digits and punctuation on one line"),
        ("Anne\nOrsted", 422, "Use letters, digits and punctuation on one line"),
        ("A\u2028B", 422, "Use letters, digits and punctuation on one line"),
        ("A\u202eB", 422, "Use letters, digits and punctuation on one line"),
        ("Anne\x07", 400, NUL_REFUSED),
    ],
)
def test_a_gift_contact_name_with_a_line_break_is_refused_with_a_message(
    client, shop, bad, status, message
):
    assert client.post("/gift", data={"code": "GIFT-2024-ABCD"}).status_code == 302
    response = client.post(
        "/return/contact",
        data={
            "name": bad,
            "email": "gift@example.fr",
            "line1": "2 rue Oberkampf",
            "postcode": "75011",
            "city": "Paris",
        },
    )
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert client.get("/return/relay").status_code == 302  # not kept: back to the contact form


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/staff/returns/{rma}/items/" + HUGE + "/refund", 404),
        ("/staff/returns/{rma}/items/" + HUGE + "/ship-exchange", 404),
        ("/staff/returns/{rma}/items/" + HUGE + "/send-back", 404),
        ("/staff/refunds/" + HUGE + "/paid", 404),
        ("/staff/users/" + HUGE + "/disable", 404),
        ("/staff/users/2147483648/disable", 404),
    ],
)
def test_an_id_beyond_any_row_is_not_found(client, auth, shop, path, expected):
    _staff(client, auth)
    before = fingerprint()
    response = client.post(path.format(rma=shop.rr.rma))
    assert response.status_code == expected
    assert fingerprint() == before


@pytest.mark.parametrize(
    "field",
    ["qty-{item}", "qty-{item}#neg"],
)
def test_a_huge_received_quantity_is_a_message(client, auth, shop, field):
    _staff(client, auth)
    item = shop.rr.items[0].id
    value = "-" + HUGE if field.endswith("#neg") else HUGE
    before = fingerprint()
    response = client.post(
        f"/staff/returns/{shop.rr.rma}/receive",
        data={field.split("#")[0].format(item=item): value},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert fingerprint() == before


def test_a_huge_goodwill_amount_is_a_message(client, auth, shop):
    _staff(client, auth)
    before = fingerprint()
    response = client.post(
        f"/staff/returns/{shop.rr.rma}/goodwill",
        data={"amount": HUGE, "note": "sorry"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Enter an amount" in response.get_data(as_text=True)
    assert fingerprint() == before


def test_huge_ids_in_the_customer_forms_are_messages(client, shop):
    _start(client, shop)
    line = shop.order.lines[0].id
    before = fingerprint()
    for data in (
        {f"item-{line}-quantity": HUGE, f"item-{line}-reason": "too_small"},
        {
            f"item-{line}-quantity": "1",
            f"item-{line}-reason": "too_small",
            f"item-{line}-resolution": "exchange",
            f"item-{line}-exchange": HUGE,
        },
        {f"item-{HUGE}-quantity": "1"},
    ):
        response = client.post("/return/items", data=data)
        assert response.status_code == 422, data
    response = client.post("/return/relay", data={"relay_point_id": HUGE})
    assert response.status_code == 302
    assert fingerprint() == before


def test_a_huge_relay_point_on_the_status_page_is_a_message(client, shop):
    from portal.links import status_path

    path = status_path(shop.rr) + "/relay"
    before = fingerprint()
    response = client.post(path, data={"relay_point_id": HUGE}, follow_redirects=True)
    assert response.status_code == 200
    assert "Please choose a drop-off point from the list." in response.get_data(as_text=True)
    assert fingerprint() == before


@pytest.mark.parametrize(
    ("path", "field", "data"),
    [
        ("/lookup", "number", {"contact": "75011"}),
        ("/gift", "code", {}),
        ("/staff/login", "email", {"password": "x"}),
    ],
)
def test_a_text_field_sent_as_a_file_is_refused(client, shop, path, field, data):
    before = fingerprint()
    response = client.post(
        path,
        data={**data, field: (io.BytesIO(b"T-00001"), "number.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "This form does not take files" in response.get_data(as_text=True)
    assert fingerprint() == before


@pytest.mark.parametrize("name", ["\r", "item-1\n-quantity", "a\tb"])
def test_a_field_whose_name_breaks_the_multipart_header_is_refused(client, shop, name):
    """A part named "\\r" parses to a field named None (found by the fuzz campaign: the
    items page then failed with a 500)."""
    _start(client, shop)
    before = fingerprint(("draft_photos",))
    response = client.post(
        "/return/items",
        data={name: "x"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert NUL_REFUSED in response.get_data(as_text=True)
    assert fingerprint(("draft_photos",)) == before
