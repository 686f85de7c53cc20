"""In Chromium, with each network configured against its fake: the customer chooses how to send
the parcel (a point list with lockers, any post office, their own letterbox), gets the network's
own label and our return slip, and the warehouse's scan finds the parcel by the network's
tracking number and by the slip's QR code."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from portal.commands.demo import DEMO_PASSWORD
from tests.fakes.colissimo_server import FakeColissimo
from tests.fakes.mondial_relay_server import FakeMondialRelay
from tests.labels.conftest import ReadPdf

CUSTOMER = "camille.martin@example.fr"
WAREHOUSE = "warehouse@maison-lin.example"


@pytest.fixture
def mondial_relay() -> Iterator[FakeMondialRelay]:
    fake = FakeMondialRelay().start()
    yield fake
    fake.stop()


@pytest.fixture
def colissimo() -> Iterator[FakeColissimo]:
    fake = FakeColissimo().start()
    yield fake
    fake.stop()


@pytest.fixture
def colissimo_letterbox() -> Iterator[FakeColissimo]:
    fake = FakeColissimo().start()
    yield fake
    fake.stop()


@pytest.fixture
def app_config(app_config, server_port, request):
    config = {
        **app_config,
        "WTF_CSRF_ENABLED": True,
        "PUBLIC_URL": f"http://127.0.0.1:{server_port}",
    }
    for name in ("mondial_relay", "colissimo"):
        if name in request.fixturenames:
            config |= request.getfixturevalue(name).config()
    if "colissimo_letterbox" in request.fixturenames:
        config |= request.getfixturevalue("colissimo_letterbox").config(COLISSIMO_LETTERBOX="1")
    return config


def start_return(page, live_server) -> None:
    page.goto(live_server + "/")
    page.get_by_label("Numéro de commande").fill("FR-10001")
    page.get_by_label("Adresse e-mail ou code postal de livraison").fill(CUSTOMER)
    page.get_by_role("button", name="Retrouver ma commande").click()
    jeans = page.locator("section", has_text="JEAN-SLIM-INDIGO-32")
    jeans.get_by_label("Combien en retourner").select_option("1")
    jeans.get_by_label("Pourquoi le retournez-vous ?").select_option("changed_mind")
    jeans.get_by_label("Remboursement sur mon moyen de paiement").check()
    page.get_by_role("button", name="Continuer").click()


def confirm_and_download(page, live_server) -> tuple[str, str, str]:
    """Confirm; download the label and the return slip; check the slip. (RMA, tracking, label
    text)."""
    page.get_by_role("button", name="Confirmer et obtenir mon étiquette").click()
    rma, tracking = page.locator("#rma").inner_text(), page.locator("#tracking").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger l’étiquette (PDF)").click()
    pdf = download.value.path().read_bytes()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le bon de retour (PDF)").click()
    slip = download.value.path().read_bytes()
    slip_text = " ".join(PdfReader(io.BytesIO(slip)).pages[0].extract_text().split())
    assert rma in slip_text and "JEAN-SLIM-INDIGO-32" in slip_text
    assert "Un remboursement" in slip_text and f"numéro de suivi {tracking}" in slip_text
    assert ReadPdf.codes(slip, scale=3) == {"QRCode": [f"{live_server}/staff/scan?code={rma}"]}
    return rma, tracking, PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def scan_finds(browser, live_server, tracking: str, rma: str) -> None:
    """The scan station finds the return by the network's tracking number, then by what a USB
    scanner types from the slip's QR code."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    staff = context.new_page()
    staff.goto(live_server + "/staff/login")
    staff.get_by_label("E-mail").fill(WAREHOUSE)
    staff.get_by_label("Password").fill(DEMO_PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    for code in (tracking, f"{live_server}/staff/scan?code={rma}"):
        staff.get_by_role("link", name="Scan").click()
        expect(staff.locator("#scan-code")).to_be_focused()
        staff.keyboard.type(code)
        staff.keyboard.press("Enter")
        expect(staff.locator("#rma")).to_have_text(rma)
    context.close()


def test_a_mondial_relay_locker_and_its_label(page, live_server, browser, mondial_relay):
    start_return(page, live_server)

    expect(page.get_by_text("Comment souhaitez-vous envoyer votre colis ?")).to_be_visible()
    locker = page.locator("li", has_text="LOCKER 24/7 MONOPRIX VOLTAIRE")
    expect(locker).to_contain_text("Casier")
    expect(locker).to_contain_text("Lundi")
    locker.get_by_role("button", name="Choisir LOCKER 24/7 MONOPRIX VOLTAIRE").click()
    rma, tracking, text = confirm_and_download(page, live_server)

    [expedition] = mondial_relay.expeditions
    assert tracking == expedition.number and expedition.params["COL_Rel"] == "031384"
    assert expedition.number in text and "Mondial Relay" in text
    scan_finds(browser, live_server, tracking, rma)


COLISSIMO_ANY = "Déposez-le dans n'importe quel bureau de poste ou point de retrait Colissimo"


def test_any_post_office_with_colissimo(page, live_server, browser, mondial_relay, colissimo):
    start_return(page, live_server)

    page.get_by_role(
        "button",
        name="Déposez-le dans n'importe quel bureau de poste ou point de retrait Colissimo",
    ).click()
    rma, tracking, text = confirm_and_download(page, live_server)

    [parcel] = colissimo.parcels
    assert tracking == parcel.number and parcel.number in text
    assert mondial_relay.expeditions == []
    scan_finds(browser, live_server, tracking, rma)


def test_letterbox_collection_with_colissimo(page, live_server, browser, colissimo_letterbox):
    start_return(page, live_server)

    letterbox = page.locator("#letterbox")
    expect(letterbox).to_contain_text("déposez-le dans votre propre boîte aux lettres")
    letterbox.get_by_label("vendredi 4 décembre 2026").check()
    letterbox.get_by_role("button", name="Nous le collectons dans votre boîte aux lettres").click()
    expect(page.locator("#collection")).to_contain_text("vendredi 4 décembre 2026")
    rma, tracking, text = confirm_and_download(page, live_server)

    expect(page.locator("#next-step")).to_contain_text("le vendredi 4 décembre 2026")
    [parcel] = colissimo_letterbox.parcels
    assert parcel.body["letter"]["service"]["mailBoxPickingDate"] == "2026-12-04"
    [pickup] = colissimo_letterbox.pickups
    assert tracking == parcel.number == pickup.parcel_number and parcel.number in text
    scan_finds(browser, live_server, tracking, rma)
