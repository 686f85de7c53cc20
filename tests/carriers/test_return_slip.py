"""The return slip: downloadable from the status page next to the label, attached to the
confirmation e-mail, and its QR code (or the RMA, or the network's tracking number) finds the
return at the scan station."""

from __future__ import annotations

import pytest

from tests.integration.helpers import confirm_return, pdf_text, status_text
from tests.labels.conftest import ReadPdf


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return app_config | {"DEFAULT_LOCALE": "en", "PUBLIC_URL": "https://retours.example.com"}


def test_the_slip_is_downloadable_and_in_the_confirmation_email(client, factory, mailbox):
    journey = confirm_return(client, factory)
    rr = journey.rr
    item = rr.items[0]
    assert "Download the return slip (PDF)" in journey.page

    download = client.get(f"{journey.status_path}/slip.pdf")

    assert download.status_code == 200 and download.mimetype == "application/pdf"
    text = " ".join(pdf_text(download.data).split())
    assert rr.rma in text and item.display_name in text and item.order_line.variant.sku in text
    assert "Too small" in text and "A refund" in text
    assert f"tracking number {rr.current_label.tracking_code}" in text
    assert ReadPdf.codes(download.data, scale=3) == {
        "QRCode": [f"https://retours.example.com/staff/scan?code={rr.rma}"]
    }
    [_label, slip] = mailbox.to(journey.order.email)[0].iter_attachments()
    assert slip.get_filename() == f"return-slip-{rr.rma}.pdf"
    assert " ".join(pdf_text(slip.get_content()).split()) == text


def test_no_slip_for_a_cancelled_return(client, factory):
    journey = confirm_return(client, factory)
    client.post(f"{journey.status_path}/cancel", data={"confirm": "yes"})

    assert client.get(f"{journey.status_path}/slip.pdf").status_code == 404


@pytest.mark.parametrize("how", ["qr", "rma", "tracking"])
def test_the_scan_station_finds_the_return_by_anything_on_the_parcel(client, factory, auth, how):
    journey = confirm_return(client, factory)
    rr = journey.rr
    scanned = {
        "qr": f"https://retours.example.com/staff/scan?code={rr.rma}",
        "rma": rr.rma.lower().replace("-", " "),
        "tracking": rr.current_label.tracking_code,
    }[how]
    auth.login("warehouse")

    response = client.post("/staff/scan", data={"code": scanned})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/returns/{rr.rma}")
    assert rr.rma in status_text(client, response.headers["Location"])


def test_the_qr_code_opened_with_a_phone_goes_to_the_return(client, factory, auth):
    journey = confirm_return(client, factory)
    rma = journey.rr.rma
    auth.login("warehouse")

    found = client.get(f"/staff/scan?code={rma}")
    missing = client.get("/staff/scan?code=R-0000-00")

    assert found.status_code == 302 and found.headers["Location"].endswith(f"/returns/{rma}")
    assert missing.status_code == 404 and "Nothing found for “R-0000-00”" in missing.text


def test_the_qr_code_needs_a_staff_login(client, factory):
    journey = confirm_return(client, factory)

    response = client.get(f"/staff/scan?code={journey.rr.rma}")

    assert response.status_code in (302, 303) and "/staff/login" in response.headers["Location"]


def test_another_address_in_the_scan_field_finds_nothing(client, factory, auth):
    journey = confirm_return(client, factory)
    auth.login("warehouse")

    response = client.post(
        "/staff/scan", data={"code": f"https://evil.example/other?code={journey.rr.rma}"}
    )

    assert response.status_code == 404


@pytest.mark.parametrize("code", ["http://[::1/staff/scan?code=R", "/scan?code=%ZZ&code=", "://"])
def test_a_mangled_address_in_the_scan_field_finds_nothing(client, factory, auth, code):
    confirm_return(client, factory)
    auth.login("warehouse")

    assert client.post("/staff/scan", data={"code": code}).status_code == 404
    assert client.get("/staff/scan", query_string={"code": code}).status_code == 404
