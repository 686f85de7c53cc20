"""In Chromium, with each network configured against its fake: the customer chooses how to send
the parcel, gets the network's own label, and the warehouse's scan finds the parcel by the
network's tracking number."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from portal.commands.demo import DEMO_PASSWORD
from tests.fakes.colissimo_server import FakeColissimo
from tests.fakes.mondial_relay_server import FakeMondialRelay

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
def app_config(app_config, server_port, request):
    config = {
        **app_config,
        "WTF_CSRF_ENABLED": True,
        "PUBLIC_URL": f"http://127.0.0.1:{server_port}",
    }
    for name in ("mondial_relay", "colissimo"):
        if name in request.fixturenames:
            config |= request.getfixturevalue(name).config()
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


def confirm_and_download(page) -> tuple[str, str, str]:
    page.get_by_role("button", name="Confirmer et obtenir mon étiquette").click()
    rma, tracking = page.locator("#rma").inner_text(), page.locator("#tracking").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger l’étiquette (PDF)").click()
    pdf = download.value.path().read_bytes()
    return rma, tracking, PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def scan_finds(browser, live_server, tracking: str, rma: str) -> None:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    staff = context.new_page()
    staff.goto(live_server + "/staff/login")
    staff.get_by_label("E-mail").fill(WAREHOUSE)
    staff.get_by_label("Password").fill(DEMO_PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    staff.get_by_role("link", name="Scan").click()
    expect(staff.locator("#scan-code")).to_be_focused()
    staff.keyboard.type(tracking)
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
    rma, tracking, text = confirm_and_download(page)

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
    rma, tracking, text = confirm_and_download(page)

    [parcel] = colissimo.parcels
    assert tracking == parcel.number and parcel.number in text
    assert mondial_relay.expeditions == []
    scan_finds(browser, live_server, tracking, rma)
