"""ColissimoCarrier (SLS generateLabel, product CORE) and La Poste tracking, against the fakes."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from labels import Address, LabelItem
from portal.carriers.base import CarrierError, LabelRequest
from portal.carriers.colissimo import ColissimoCarrier, Settings
from portal.carriers.colissimo_tracking import TrackingSettings, TrackingUnavailable, track
from tests.fakes.colissimo_server import FakeColissimo
from tests.integration.helpers import confirm_return, pdf_text

SLOW_SECONDS = 2  # the fakes' "slow" mode (tests/carriers/conftest.py)
NETWORKS = ("colissimo",)  # configured for every test here

REQUEST = LabelRequest(
    rma="R-7Q2K-9D",
    sender=Address(name="Camille Durand", line1="12 rue des Lilas", postcode="69003", city="Lyon"),
    recipient=Address(
        name="Entrepôt Retours", line1="3 allée des Docks", line2="Quai 4", postcode="93200",
        city="Saint-Denis",
    ),
    relay_point=None,
    items=(LabelItem(sku="TSHIRT-M-BLUE", quantity=2),),
    weight_grams=1234,
    status_url="https://shop.example/r/abc",
    locale="fr",
    valid_days=14,
    contact_email="camille@example.fr",
)  # fmt: skip


def carrier(fake: FakeColissimo, **config) -> ColissimoCarrier:
    settings = Settings.from_config(fake.config(**config))
    return ColissimoCarrier(settings, shop_name="Maison Test", today=date(2026, 12, 1))


def failing(c: ColissimoCarrier) -> CarrierError:
    with pytest.raises(CarrierError) as caught:
        c.issue_label(REQUEST)
    return caught.value


def test_a_core_return_label_from_the_customer_to_the_warehouse(colissimo):
    label = carrier(colissimo).issue_label(REQUEST)

    [parcel] = colissimo.parcels
    body = parcel.body
    assert body["outputFormat"]["outputPrintingType"] == "PDF_10x15_300dpi"
    service = body["letter"]["service"]
    assert (service["productCode"], service["orderNumber"], service["depositDate"]) == (
        "CORE", "R-7Q2K-9D", "2026-12-01",
    )  # fmt: skip
    assert body["letter"]["parcel"]["weight"] == 1.24  # kg, rounded up
    sender = body["letter"]["sender"]["address"]
    assert (sender["lastName"], sender["line2"], sender["zipCode"], sender["email"]) == (
        "Camille Durand", "12 rue des Lilas", "69003", "camille@example.fr",
    )  # fmt: skip
    addressee = body["letter"]["addressee"]["address"]
    assert (addressee["companyName"], addressee["line2"], addressee["line3"]) == (
        "Maison Test", "3 allée des Docks", "Quai 4",
    )  # fmt: skip
    assert (label.carrier, label.tracking_code) == ("colissimo", parcel.number)
    page = PdfReader(io.BytesIO(label.pdf)).pages[0]
    assert parcel.number in page.extract_text()
    assert round(float(page.mediabox.width) / 72 * 2.54) == 10


def test_a_postcode_colissimo_rejects_says_what_to_fix(colissimo):
    request = replace(REQUEST, sender=replace(REQUEST.sender, postcode="6900"))
    with pytest.raises(CarrierError) as caught:
        carrier(colissimo).issue_label(request)
    error = caught.value

    assert (error.retryable, error.problem, error.code) == (False, "sender_address", "30109")
    assert "code postal expéditeur" in str(error)
    assert colissimo.parcels == []


def test_wrong_credentials_are_not_retried(colissimo):
    error = failing(carrier(colissimo, COLISSIMO_PASSWORD="nope"))

    assert not error.retryable and "Identifiant ou mot de passe incorrect" in str(error)


@pytest.mark.parametrize("mode", ["500", "503"])
def test_server_errors_are_retried(colissimo, mode):
    colissimo.fail("label", mode)

    assert failing(carrier(colissimo)).retryable
    assert colissimo.parcels == []


@pytest.mark.parametrize(("mode", "made"), [("slow", 1), ("drop_after", 1), ("drop", 0)])
def test_an_unknown_outcome_is_blocked_for_staff(colissimo, mode, made):
    colissimo.fail("label", mode)

    error = failing(carrier(colissimo))

    assert not error.retryable and "may have made the label" in str(error)
    assert len(colissimo.parcels) == made


def test_a_refused_connection_is_retried():
    settings = Settings("800000", "x", api_url="http://127.0.0.1:9/sls", timeout=1)
    with pytest.raises(CarrierError) as caught:
        ColissimoCarrier(settings).issue_label(REQUEST)
    assert caught.value.retryable


# tracking ---------------------------------------------------------------------------------
def test_events_are_mapped_with_their_own_dates(colissimo):
    number = carrier(colissimo).issue_label(REQUEST).tracking_code
    for code, label, when in (
        ("DR1", "Votre Colissimo va bientôt nous être confié !", "2026-12-01T09:00:00+01:00"),
        ("PC1", "Votre colis a été déposé dans un point postal.", "2026-12-01T14:43:00+01:00"),
        ("AG1", "Votre colis est disponible au guichet.", "2026-12-02T10:00:00+01:00"),
        ("ZZ9", "Un code inconnu", "2026-12-02T11:00:00+01:00"),
        ("DI1", "Votre colis est livré.", "2026-12-03T09:38:00+01:00"),
    ):
        colissimo.event(number, code, label, when)

    updates = track(TrackingSettings.from_config(colissimo.config()), number)

    statuses = [u.status for u in updates]
    assert statuses == ["pre_transit", "in_transit", "held_at_point", "delivered"]
    assert updates[1].occurred_at == datetime(2026, 12, 1, 13, 43, tzinfo=UTC)
    assert updates[1].description == "Votre colis a été déposé dans un point postal."
    assert len({u.event_id for u in updates}) == 4  # fmt: skip


def test_a_parcel_la_poste_does_not_know_yet_has_no_events(colissimo):
    assert track(TrackingSettings.from_config(colissimo.config()), "8R000") == []


@pytest.mark.parametrize("mode", ["503", "drop"])
def test_tracking_failures_are_tried_again_later(colissimo, mode):
    colissimo.fail("tracking", mode)

    with pytest.raises(TrackingUnavailable):
        track(TrackingSettings.from_config(colissimo.config()), "8R1")


def test_a_wrong_tracking_key_is_a_failure(colissimo):
    settings = TrackingSettings.from_config(colissimo.config(LAPOSTE_TRACKING_API_KEY="bad"))
    with pytest.raises(TrackingUnavailable):
        track(settings, "8R1")


# the journey ------------------------------------------------------------------------------
def test_the_journey_gets_a_colissimo_return_label(client, factory, mailbox, colissimo):
    journey = confirm_return(client, factory)

    rr = journey.rr
    [parcel] = colissimo.parcels
    assert rr.current_label.carrier == "colissimo"
    assert rr.current_label.tracking_code == parcel.number
    assert f"Tracking number: {parcel.number}" in journey.page
    assert parcel.body["letter"]["service"]["orderNumber"] == rr.rma
    download = client.get(f"{journey.status_path}/label.pdf")
    assert parcel.number in pdf_text(download.data)


def test_the_worker_polls_colissimo_tracking(client, factory, runner, colissimo):
    from datetime import timedelta

    from portal.extensions import db
    from portal.models.base import utcnow
    from tests.integration.helpers import actions, fresh_return, invoke

    journey = confirm_return(client, factory)
    rr = journey.rr
    rr.current_label.issued_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    number = rr.current_label.tracking_code
    colissimo.event(number, "PC1", "Déposé dans un point postal.", "2026-12-01T14:43:00+01:00")
    colissimo.event(number, "AG1", "Disponible au guichet.", "2026-12-02T10:00:00+01:00")

    output = invoke(runner, "tracking", "poll").output.strip()

    assert output == "polled 1, new scans 2, failed 0"
    rr = fresh_return(journey.order)
    assert rr.status == "in_transit"
    assert "arriving_at_warehouse" not in actions(rr)  # held at the counter is not with us
