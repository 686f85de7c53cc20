"""EasyPostCarrier: the real easypost SDK against a fake EasyPost API on loopback."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import easypost
import pytest
from pypdf import PdfReader

from labels import Address, LabelItem
from portal.carriers.base import CarrierError, LabelRequest, TrackingUpdate
from portal.carriers.easypost_carrier import EasyPostCarrier
from portal.carriers.easypost_webhook import WebhookSignatureError, parse_webhook
from tests.fakes.easypost_server import FakeEasyPost, sign_webhook, tracker_event

CUSTOMER = Address(name="Camille Durand", line1="12 rue des Lilas", postcode="69003", city="Lyon")
WAREHOUSE = Address(
    name="Entrepôt Retours",
    line1="3 allée des Docks",
    line2="Quai 4",
    postcode="93200",
    city="Saint-Denis",
)
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
)
SECRET = "whsec-ﬁne-😀"  # NFKD-normalisation matters for the "ﬁ" ligature


@pytest.fixture
def fake() -> Iterator[FakeEasyPost]:
    server = FakeEasyPost(slow_seconds=2.5).start()
    yield server
    server.stop()


def make_carrier(fake: FakeEasyPost, **config: object) -> EasyPostCarrier:
    base = {"EASYPOST_API_KEY": fake.api_key, "EASYPOST_API_BASE": fake.url}
    return EasyPostCarrier.from_config(
        base | {"EASYPOST_TIMEOUT": 1, "SHOP_NAME": "Maison Test"} | config
    )


def label_request(previous_shipment_id: str | None = None, **changes: Any) -> LabelRequest:
    return replace(REQUEST, previous_shipment_id=previous_shipment_id, **changes)


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def issue_failing(carrier: EasyPostCarrier, request: LabelRequest | None = None) -> CarrierError:
    with pytest.raises(CarrierError) as caught:
        carrier.issue_label(request or label_request())
    return caught.value


# buying -------------------------------------------------------------------------------------------
def test_buys_the_cheapest_rate_and_returns_its_pdf(fake: FakeEasyPost) -> None:
    label = make_carrier(fake).issue_label(label_request())

    [purchase] = fake.purchases
    # "12.40" < "5.20" as strings: the cheapest is only found comparing amounts.
    assert (purchase.carrier, purchase.service, purchase.rate) == ("ColisPrive", "Relais", "5.20")
    assert label.carrier == "easypost"
    assert label.shipment_id == purchase.shipment_id
    shipment = fake.shipments[label.shipment_id]
    assert label.tracking_code == shipment["tracking_code"]
    assert label.pdf.startswith(b"%PDF-")
    assert label.tracking_code in pdf_text(label.pdf)


def test_the_return_shipment_runs_from_the_customer_to_the_warehouse(fake: FakeEasyPost) -> None:
    label = make_carrier(fake).issue_label(label_request())

    shipment = fake.shipments[label.shipment_id]
    # We send the outbound addresses with is_return=True; EasyPost swaps them (as the fake does).
    assert shipment["is_return"] is True
    assert shipment["to_address"]["name"] == "Entrepôt Retours"
    assert shipment["to_address"]["company"] == "Maison Test"
    assert shipment["to_address"]["street2"] == "Quai 4"
    assert shipment["from_address"]["name"] == "Camille Durand"
    assert shipment["from_address"]["zip"] == "69003"
    assert shipment["reference"] == "R-7Q2K-9D"
    assert shipment["options"]["label_format"] == "PDF"
    assert shipment["parcel"]["weight"] == 42.4  # 1200 g in ounces, rounded up


@pytest.mark.parametrize(
    ("config", "bought"),
    [
        ({"EASYPOST_CARRIERS": ["LaPoste", "UPS"]}, ("LaPoste", "Colissimo", "7.90")),
        ({"EASYPOST_CARRIERS": "laposte, ups"}, ("LaPoste", "Colissimo", "7.90")),
        ({"EASYPOST_SERVICES": ["Standard"]}, ("UPS", "Standard", "12.40")),
        (
            {"EASYPOST_CARRIERS": ["UPS", "LaPoste"], "EASYPOST_SERVICES": ["Colissimo"]},
            ("LaPoste", "Colissimo", "7.90"),
        ),
    ],
)
def test_only_allowed_carriers_and_services_are_bought(
    fake: FakeEasyPost, config: dict, bought: tuple[str, str, str]
) -> None:
    make_carrier(fake, **config).issue_label(label_request())

    [purchase] = fake.purchases
    assert (purchase.carrier, purchase.service, purchase.rate) == bought


def test_no_allowed_rate_is_a_final_error_and_buys_nothing(fake: FakeEasyPost) -> None:
    error = issue_failing(make_carrier(fake, EASYPOST_CARRIERS=["DHL"]))

    assert not error.retryable
    assert error.shipment_id in fake.shipments
    assert "DHL".lower() in str(error) and "ColisPrive/Relais 5.20" in str(error)
    assert fake.purchases == []


# a buy whose answer was lost ---------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["slow", "drop_after"])
def test_a_lost_buy_answer_is_retried_without_buying_twice(fake: FakeEasyPost, mode: str) -> None:
    carrier = make_carrier(fake)
    fake.fail("buy", mode)

    error = issue_failing(carrier)

    assert error.retryable
    assert error.shipment_id in fake.shipments
    assert fake.purchases_of(error.shipment_id) == 1  # it went through server-side
    label = carrier.issue_label(label_request(previous_shipment_id=error.shipment_id))
    assert label.shipment_id == error.shipment_id
    assert label.tracking_code == fake.shipments[error.shipment_id]["tracking_code"]
    assert label.tracking_code in pdf_text(label.pdf)
    assert len(fake.purchases) == 1
    assert fake.count("buy") == 1
    assert fake.count("create") == 1


def test_a_lost_buy_that_lands_during_the_retry_is_used_not_repeated(fake: FakeEasyPost) -> None:
    carrier = make_carrier(fake)
    fake.fail("buy", "drop")
    first = issue_failing(carrier)
    elsewhere = easypost.EasyPostClient(fake.api_key, api_base=fake.url, timeout=1)

    def earlier_buy_lands_now(**request: Any) -> None:
        # Between our look-up (not bought yet) and our buy, the lost buy goes through.
        if request["path"].endswith("/buy") and not fake.purchases:
            shipment = elsewhere.shipment.retrieve(first.shipment_id)
            elsewhere.shipment.buy(first.shipment_id, rate=shipment.rates[0])

    carrier._client.subscribe_to_request_hook(earlier_buy_lands_now)
    label = carrier.issue_label(label_request(previous_shipment_id=first.shipment_id))

    assert label.shipment_id == first.shipment_id
    assert label.tracking_code == fake.shipments[first.shipment_id]["tracking_code"]
    assert len(fake.purchases) == 1


def test_our_timeout_is_the_configured_one(fake: FakeEasyPost) -> None:
    fake.fail("create", "slow")
    started = time.monotonic()

    error = issue_failing(make_carrier(fake, EASYPOST_TIMEOUT=1))

    assert time.monotonic() - started < 2.4  # the fake answers after 2.5 s
    assert error.retryable
    assert error.shipment_id is None
    assert "1 s" in str(error)


def test_timeout_defaults_to_ten_seconds() -> None:
    carrier = EasyPostCarrier.from_config({"EASYPOST_API_KEY": "EZTK123"})
    assert carrier.timeout == 10.0


def test_a_missing_api_key_is_refused() -> None:
    with pytest.raises(ValueError, match="EASYPOST_API_KEY"):
        EasyPostCarrier.from_config({"EASYPOST_API_KEY": ""})


# error mapping ---------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["500", "503", "drop"])
def test_server_errors_on_create_are_retryable(fake: FakeEasyPost, mode: str) -> None:
    fake.fail("create", mode)

    error = issue_failing(make_carrier(fake))

    assert error.retryable
    assert error.shipment_id is None
    assert fake.purchases == []


@pytest.mark.parametrize("mode", ["500", "503", "drop"])
def test_server_errors_on_buy_keep_the_shipment_for_the_retry(
    fake: FakeEasyPost, mode: str
) -> None:
    carrier = make_carrier(fake)
    fake.fail("buy", mode)

    error = issue_failing(carrier)

    assert error.retryable
    assert error.shipment_id in fake.shipments
    assert fake.purchases == []
    label = carrier.issue_label(label_request(previous_shipment_id=error.shipment_id))
    assert label.shipment_id == error.shipment_id  # the same shipment, bought once
    assert [p.shipment_id for p in fake.purchases] == [error.shipment_id]
    assert fake.count("create") == 1


def test_rate_limit_is_retryable_after_the_delay_easypost_asked(fake: FakeEasyPost) -> None:
    fake.fail("create", "429")

    error = issue_failing(make_carrier(fake))

    assert error.retryable
    assert error.retry_after == 3.0


def test_payment_required_is_final_and_says_the_account_needs_funds(fake: FakeEasyPost) -> None:
    fake.fail("buy", "402")

    error = issue_failing(make_carrier(fake))

    assert not error.retryable
    assert "funds" in str(error)
    assert error.shipment_id in fake.shipments
    assert fake.purchases == []


def test_a_validation_error_is_final_with_easyposts_message(fake: FakeEasyPost) -> None:
    no_street = Address(name="Camille Durand", line1="", postcode="69003", city="Lyon")

    error = issue_failing(make_carrier(fake), label_request(sender=no_street))

    assert not error.retryable
    assert "Missing required parameter: to_address.street1" in str(error)


def test_a_wrong_api_key_is_final(fake: FakeEasyPost) -> None:
    error = issue_failing(make_carrier(fake, EASYPOST_API_KEY="EZTKwrong"))

    assert not error.retryable
    assert "EASYPOST_API_KEY" in str(error)


def test_a_failed_label_download_is_retried_without_buying_again(fake: FakeEasyPost) -> None:
    carrier = make_carrier(fake)
    fake.fail("label_pdf", "503")

    error = issue_failing(carrier)

    assert error.retryable
    assert fake.purchases_of(error.shipment_id) == 1
    label = carrier.issue_label(label_request(previous_shipment_id=error.shipment_id))
    assert label.tracking_code in pdf_text(label.pdf)
    assert len(fake.purchases) == 1


def test_a_label_bought_without_a_pdf_is_converted_to_pdf() -> None:
    with FakeEasyPost(pdf_at_purchase=False) as fake:
        label = make_carrier(fake).issue_label(label_request())

        assert fake.count("convert") == 1
        assert fake.requests[-1] == ("label_pdf", f"/labels/{label.shipment_id}.pdf")
    assert label.tracking_code in pdf_text(label.pdf)


def test_a_failed_lookup_of_the_previous_shipment_keeps_its_id(fake: FakeEasyPost) -> None:
    carrier = make_carrier(fake)
    fake.fail("buy", "drop_after")
    first = issue_failing(carrier)
    fake.fail("retrieve", "503")

    error = issue_failing(carrier, label_request(previous_shipment_id=first.shipment_id))

    assert error.retryable
    assert error.shipment_id == first.shipment_id
    assert len(fake.purchases) == 1


def test_an_unknown_previous_shipment_means_a_new_one(fake: FakeEasyPost) -> None:
    label = make_carrier(fake).issue_label(label_request(previous_shipment_id="shp_" + "0" * 32))

    assert label.shipment_id in fake.shipments
    assert len(fake.purchases) == 1


def test_a_refunded_previous_shipment_is_not_reused(fake: FakeEasyPost) -> None:
    carrier = make_carrier(fake)
    first = carrier.issue_label(label_request())
    carrier.void_label(first.tracking_code, first.shipment_id)

    second = carrier.issue_label(label_request(previous_shipment_id=first.shipment_id))

    assert second.shipment_id != first.shipment_id
    assert second.tracking_code != first.tracking_code
    assert len(fake.purchases) == 2


def test_a_previous_shipment_of_another_return_is_refused(fake: FakeEasyPost) -> None:
    carrier = make_carrier(fake)
    other = carrier.issue_label(label_request(rma="R-OTHER-01"))

    error = issue_failing(carrier, label_request(previous_shipment_id=other.shipment_id))

    assert not error.retryable
    assert "R-OTHER-01" in str(error)
    assert len(fake.purchases) == 1


# void -----------------------------------------------------------------------------------------
def test_void_refunds_the_shipment(fake: FakeEasyPost) -> None:
    carrier = make_carrier(fake)
    label = carrier.issue_label(label_request())

    carrier.void_label(label.tracking_code, label.shipment_id)

    assert fake.shipments[label.shipment_id]["refund_status"] == "submitted"


def test_void_errors_are_carrier_errors(fake: FakeEasyPost) -> None:
    carrier = make_carrier(fake)
    label = carrier.issue_label(label_request())
    fake.fail("refund", "503")

    with pytest.raises(CarrierError) as caught:
        carrier.void_label(label.tracking_code, label.shipment_id)

    assert caught.value.retryable
    assert fake.shipments[label.shipment_id]["refund_status"] is None
    with pytest.raises(CarrierError) as caught:
        carrier.void_label(label.tracking_code, None)
    assert not caught.value.retryable


# webhooks -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("theirs", "ours"),
    [
        ("pre_transit", "pre_transit"),
        ("in_transit", "in_transit"),
        ("out_for_delivery", "out_for_delivery"),
        ("delivered", "delivered"),
        ("available_for_pickup", "held_at_point"),
        ("return_to_sender", "returned_to_sender"),
        ("failure", "failure"),
        ("error", "failure"),
        ("cancelled", "cancelled"),
    ],
)
def test_a_signed_tracker_event_becomes_a_tracking_update(theirs: str, ours: str) -> None:
    body = tracker_event("CO1234567890FR", theirs, event_id="evt_abc")

    update = parse_webhook(body, sign_webhook(body, SECRET), SECRET)

    assert update == TrackingUpdate(
        event_id="evt_abc",
        tracking_code="CO1234567890FR",
        status=ours,
        occurred_at=datetime(2025, 3, 4, 10, 15, tzinfo=UTC),
    )


def test_header_names_are_case_insensitive_and_the_method_works_too() -> None:
    body = tracker_event("CO1234567890FR", "in_transit", description="tracker.created")
    headers = {k.lower(): v for k, v in sign_webhook(body, SECRET).items()}

    update = EasyPostCarrier.parse_webhook(body, headers, SECRET)

    assert update is not None and update.status == "in_transit"


def test_a_tampered_body_is_refused() -> None:
    body = tracker_event("CO1234567890FR", "delivered")
    headers = sign_webhook(body, SECRET)
    tampered = body.replace(b"CO1234567890FR", b"CO0000000000FR")

    with pytest.raises(WebhookSignatureError):
        parse_webhook(tampered, headers, SECRET)


@pytest.mark.parametrize(
    ("headers", "secret"),
    [({}, SECRET), (None, "another-secret"), (None, ""), ({"X-Hmac-Signature": ""}, SECRET)],
    ids=["missing-header", "wrong-secret", "no-secret-configured", "empty-header"],
)
def test_unsigned_or_wrongly_signed_events_are_refused(headers: dict | None, secret: str) -> None:
    body = tracker_event("CO1234567890FR", "delivered")
    headers = sign_webhook(body, SECRET) if headers is None else headers

    with pytest.raises(WebhookSignatureError):
        parse_webhook(body, headers, secret)


@pytest.mark.parametrize(
    "body",
    [
        tracker_event("CO1234567890FR", "delivered", description="shipment.invoice.created"),
        tracker_event("CO1234567890FR", "unknown"),
        json.dumps({"id": "evt_1", "description": "tracker.updated", "result": None}).encode(),
        b"not json at all",
    ],
    ids=["other-event", "unknown-status", "no-result", "not-json"],
)
def test_events_we_do_not_follow_are_ignored(body: bytes) -> None:
    assert parse_webhook(body, sign_webhook(body, SECRET), SECRET) is None
