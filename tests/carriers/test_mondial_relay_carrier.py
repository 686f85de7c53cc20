"""MondialRelayCarrier: zeep with our WSDL against the fake Mondial Relay service on loopback."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from pypdf import PdfReader

from labels import Address, LabelItem
from portal.carriers.base import CarrierError, LabelRequest
from portal.carriers.mondial_relay import MondialRelayCarrier
from portal.carriers.mondial_relay_client import Client, Settings, security_key
from tests.fakes.mondial_relay_server import FakeMondialRelay

CUSTOMER = Address(name="Camille Durand", line1="12 rue des Lilas", postcode="69003", city="Lyon")
WAREHOUSE = Address(
    name="Entrepôt Retours", line1="3 allée des Docks", line2="Quai 4", postcode="93200",
    city="Saint-Denis",
)  # fmt: skip
REQUEST = LabelRequest(
    rma="R-7Q2K-9D",
    sender=CUSTOMER,
    recipient=WAREHOUSE,
    relay_point=None,
    items=(LabelItem(sku="TSHIRT-M-BLUE", quantity=1),),
    weight_grams=1200,
    status_url="https://shop.example/r/abc",
    locale="fr",
    valid_days=14,
    relay_point_code="020811",
    contact_email="camille@example.fr",
)


@pytest.fixture
def fake() -> Iterator[FakeMondialRelay]:
    server = FakeMondialRelay(slow_seconds=2).start()
    yield server
    server.stop()


def make_carrier(fake: FakeMondialRelay, **config: Any) -> MondialRelayCarrier:
    return MondialRelayCarrier.from_config(fake.config(SHOP_NAME="Maison Test") | config)


def pdf_page(pdf: bytes) -> tuple[str, tuple[float, float]]:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return page.extract_text(), (float(page.mediabox.width), float(page.mediabox.height))


def failing(carrier: MondialRelayCarrier, request: LabelRequest = REQUEST) -> CarrierError:
    with pytest.raises(CarrierError) as caught:
        carrier.issue_label(request)
    return caught.value


# the Security key -------------------------------------------------------------------------------
def test_the_security_key_matches_requests_mondial_relay_accepted() -> None:
    """Two requests recorded against the real service with the public test account (BDTEST13)
    in akretion/roulier's cassettes, each with the Security value Mondial Relay accepted."""
    client = Client(Settings(enseigne="BDTEST13", private_key="TestAPI1key"))
    creation = {
        "Enseigne": "BDTEST13", "ModeCol": "REL", "ModeLiv": "LCC", "Expe_Langage": "FR",
        "Expe_Ad1": "Akretion", "Expe_Ad3": "27 rue Henri Rolland", "Expe_Ad4": "Batiment B",
        "Expe_Ville": "Villeurbanne", "Expe_CP": "69100", "Expe_Pays": "FR",
        "Expe_Tel1": "+33482538457", "Dest_Langage": "FR", "Dest_Ad1": "Hugo",
        "Dest_Ad3": "6 Place des Vosges", "Dest_Ville": "Paris", "Dest_CP": "75004",
        "Dest_Pays": "FR", "Dest_Tel1": "+33600000000", "Dest_Mail": "hugo.victor@example.com",
        "Poids": "1200", "NbColis": "1", "CRT_Valeur": "0", "CRT_Devise": "EUR",
        "Exp_Devise": "EUR", "COL_Rel_Pays": "FR", "COL_Rel": "AUTO",
    }  # fmt: skip
    order = client.parameter_order("WSI2_CreationEtiquette")
    assert security_key(order, creation, "TestAPI1key") == "6A2E3C16861A41EC4E665C619F496EFA"
    search = {"Enseigne": "BDTEST13", "Pays": "FR", "CP": "69100"}
    order = client.parameter_order("WSI4_PointRelais_Recherche")
    assert security_key(order, search, "TestAPI1key") == "B92B23556C301E4A5D56F79566107A48"


def test_a_wrong_private_key_is_refused_with_stat_97(fake: FakeMondialRelay) -> None:
    error = failing(make_carrier(fake, MONDIAL_RELAY_PRIVATE_KEY="not-the-key"))

    assert not error.retryable and error.code == "97"
    assert "STAT 97 (invalid security key)" in str(error)
    assert "MONDIAL_RELAY_PRIVATE_KEY" in str(error)
    assert fake.expeditions == []


# a return expedition ------------------------------------------------------------------------------
def test_a_return_expedition_runs_from_the_customer_to_the_warehouse(fake: FakeMondialRelay):
    label = make_carrier(fake).issue_label(REQUEST)

    [expedition] = fake.expeditions
    p = expedition.params
    assert (p["ModeCol"], p["COL_Rel"], p["COL_Rel_Pays"], p["ModeLiv"]) == (
        "REL", "020811", "FR", "LCC",
    )  # fmt: skip
    assert (p["Expe_Ad1"], p["Expe_Ad3"], p["Expe_CP"], p["Expe_Ville"]) == (
        "Camille Durand", "12 rue des Lilas", "69003", "Lyon",
    )  # fmt: skip
    assert p["Expe_Mail"] == "camille@example.fr"
    # accents are sent plain, as the service's fields take them
    assert (p["Dest_Ad1"], p["Dest_Ad2"], p["Dest_Ad3"], p["Dest_Ad4"]) == (
        "Entrepot Retours", "Maison Test", "3 allee des Docks", "Quai 4",
    )  # fmt: skip
    assert (p["Dest_CP"], p["Dest_Ville"], p["Poids"], p["NbColis"]) == (
        "93200", "Saint-Denis", "1200", "1",
    )  # fmt: skip
    assert p["NDossier"] == "R-7Q2K-9D"
    assert (label.carrier, label.tracking_code, label.shipment_id) == (
        "mondial_relay", expedition.number, expedition.number,
    )  # fmt: skip


def test_the_label_is_the_10x15_pdf_behind_the_returned_url(fake: FakeMondialRelay) -> None:
    label = make_carrier(fake).issue_label(REQUEST)

    assert fake.label_formats == ["10x15"]  # the service answers format=A4; we ask for 10x15
    text, (width, height) = pdf_page(label.pdf)
    assert label.tracking_code in text and "Mondial Relay" in text
    assert (round(width / 72 * 2.54), round(height / 72 * 2.54)) == (10, 15)  # cm


def test_any_point_of_the_network_when_none_was_chosen(fake: FakeMondialRelay) -> None:
    make_carrier(fake).issue_label(replace(REQUEST, relay_point_code=None))

    [expedition] = fake.expeditions
    assert (expedition.params["ModeCol"], expedition.params["COL_Rel"]) == ("REL", "AUTO")


def test_items_without_weight_still_get_a_label(fake: FakeMondialRelay) -> None:
    make_carrier(fake).issue_label(replace(REQUEST, weight_grams=0))

    assert fake.expeditions[0].params["Poids"] == "1000"


# the network's own error codes ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("stat", "problem", "words"),
    [
        (36, "sender_address", "invalid sender postcode"),
        (35, "sender_address", "invalid sender city"),
        (19, "sender_address", "invalid postcode"),
        (11, "relay_point", "invalid collection relay point number"),
        (20, None, "invalid parcel weight"),
        (56, None, "invalid recipient postcode"),
    ],
)
def test_input_errors_say_what_to_fix_and_are_not_retried(fake, stat, problem, words) -> None:
    fake.fail("creation", f"stat:{stat}")

    error = failing(make_carrier(fake))

    assert not error.retryable
    assert (error.problem, error.code) == (problem, str(stat))
    assert f"STAT {stat} ({words})" in str(error)
    assert fake.expeditions == []


def test_a_point_that_left_the_network_is_refused_by_the_service(fake: FakeMondialRelay):
    error = failing(make_carrier(fake), replace(REQUEST, relay_point_code="999999"))

    assert (error.problem, error.code, error.retryable) == ("relay_point", "11", False)
    assert fake.expeditions == []


@pytest.mark.parametrize("stat", [90, 98, 99])
def test_service_failures_are_retried(fake: FakeMondialRelay, stat: int) -> None:
    fake.fail("creation", f"stat:{stat}")

    error = failing(make_carrier(fake))

    assert error.retryable and error.shipment_id is None
    assert fake.expeditions == []


# transport failures -------------------------------------------------------------------------
@pytest.mark.parametrize(("mode", "created"), [("500", 0), ("503", 0)])
def test_http_errors_are_retried(fake: FakeMondialRelay, mode: str, created: int) -> None:
    fake.fail("creation", mode)

    error = failing(make_carrier(fake))

    assert error.retryable and str(error).startswith("Mondial Relay is unavailable")
    assert len(fake.expeditions) == created
    assert len(make_carrier(fake).issue_label(REQUEST).pdf) > 0  # the next attempt works
    assert len(fake.expeditions) == 1


@pytest.mark.parametrize(("mode", "created"), [("slow", 1), ("drop_after", 1), ("drop", 0)])
def test_an_unknown_outcome_is_never_retried_blindly(fake: FakeMondialRelay, mode, created):
    """The service has no idempotency key and no lookup by our reference: after a timeout or a
    dropped connection nobody can tell whether the expedition exists, so staff must check."""
    fake.fail("creation", mode)
    started = time.monotonic()

    error = failing(make_carrier(fake))

    assert time.monotonic() - started < 1.9  # our 1 s timeout, not the fake's 2 s
    assert not error.retryable
    assert "may have created the expedition" in str(error)
    assert "labels retry --unblock" in str(error)
    assert len(fake.expeditions) == created


def test_a_refused_connection_is_retried(fake: FakeMondialRelay) -> None:
    carrier = make_carrier(fake, MONDIAL_RELAY_API_URL="http://127.0.0.1:9/Web_Services.asmx")

    error = failing(carrier)

    assert error.retryable and "could not connect" in str(error)


def test_a_label_that_could_not_be_fetched_is_fetched_again_not_created_again(fake):
    fake.fail("label_pdf", "503")
    carrier = make_carrier(fake)

    error = failing(carrier)

    [expedition] = fake.expeditions
    assert error.retryable and error.shipment_id == expedition.number
    label = carrier.issue_label(replace(REQUEST, previous_shipment_id=error.shipment_id))
    assert label.tracking_code == expedition.number
    assert len(fake.expeditions) == 1 and fake.count("labels") == 1
    assert fake.label_formats == ["10x15"]


def test_an_unknown_previous_expedition_makes_a_new_one(fake: FakeMondialRelay) -> None:
    label = make_carrier(fake).issue_label(replace(REQUEST, previous_shipment_id="12345678"))

    [expedition] = fake.expeditions
    assert label.tracking_code == expedition.number != "12345678"


def test_voiding_calls_nothing(fake: FakeMondialRelay) -> None:
    carrier = make_carrier(fake)
    label = carrier.issue_label(REQUEST)
    before = fake.count("creation") + fake.count("labels")

    carrier.void_label(label.tracking_code, label.shipment_id)

    assert fake.count("creation") + fake.count("labels") == before
