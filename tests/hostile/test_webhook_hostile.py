"""POST /webhooks/easypost fed what EasyPost never sends: malformed signatures, bodies
nested too deep to read, ids and tracking codes that no column holds.

EasyPost expects a 2xx for each event and retries anything else ("A successful 2XX
response is expected from each webhook; in the event of a failure, EasyPost retries the
webhook", https://easypost.com/webhooks-guide.html). So: a bad signature is 401 (not from
EasyPost: nothing to acknowledge); a correctly signed event we cannot use is acknowledged
200 "ignored", so that it is not sent again for days; a 5xx is never the answer. Nothing is
stored in any of these cases."""

from __future__ import annotations

import json

import pytest

from tests.fakes.easypost_server import sign_webhook, tracker_event
from tests.hostile.snapshot import fingerprint

URL = "/webhooks/easypost"
SECRET = "whsec-hostile-ünïcode"


@pytest.fixture
def app_config(app_config):
    return app_config | {"EASYPOST_WEBHOOK_SECRET": SECRET}


@pytest.mark.parametrize(
    "signature",
    [
        "hmac-sha256-hex=\xe9" * 3,  # latin-1 in a header: not ASCII, cannot be compared
        "hmac-sha256-hex=" + "\xff" * 64,
        "hmac-sha256-hex=" + "zz" * 32,
        "hmac-sha256-hex=" + "0" * 10_000,
        "sha256=" + "0" * 64,
        "hmac-sha256-hex=",
        " ",
        "hmac-sha256-hex=00, hmac-sha256-hex=11",
    ],
)
def test_a_malformed_signature_is_refused_before_anything_is_read(client, shop, signature):
    body = tracker_event(shop.rr.current_label.tracking_code, "in_transit", "evt_bad_sig")
    before = fingerprint()
    response = client.post(
        URL, data=body, headers={"X-Hmac-Signature": signature, "Content-Type": "application/json"}
    )
    assert response.status_code == 401
    assert response.json["error"] == "unauthorized"
    assert fingerprint() == before


def _nested(depth: int) -> bytes:
    return b'{"description": "tracker.updated", "id": "evt_deep", "result": ' + (
        b"[" * depth + b"]" * depth + b"}"
    )


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        _nested(200_000),
        b"\xff\xfe not json",
        b"",
    ],
    ids=["deep-list", "deep-object", "deep-result", "not-utf8", "empty"],
)
def test_a_signed_body_that_cannot_be_read_is_acknowledged_and_ignored(client, shop, body):
    before = fingerprint()
    response = client.post(URL, data=body, headers=sign_webhook(body, SECRET))
    assert response.status_code == 200
    assert response.json == {"status": "ignored"}
    assert fingerprint() == before


def _event(code: str, event_id: object) -> bytes:
    event = json.loads(tracker_event(code, "in_transit", "evt_placeholder"))
    event["id"] = event_id
    return json.dumps(event).encode()


@pytest.mark.parametrize(
    ("event_id", "code"),
    [
        ("evt_" + "x" * 200, None),
        ("evt_ok", "LP" + "9" * 500),
        ("evt_\u0000nul", None),
        ("evt_ok", "LP\u0000123"),
        ({"nested": "id"}, None),
        (["evt_1"], None),
        ("evt ok\r\n", None),
        ("", None),
    ],
    ids=[
        "long-id",
        "long-code",
        "nul-id",
        "nul-code",
        "object-id",
        "list-id",
        "crlf-id",
        "empty-id",
    ],
)
def test_a_signed_event_with_ids_no_column_holds_is_acknowledged_and_ignored(
    client, shop, event_id, code
):
    body = _event(code or shop.rr.current_label.tracking_code, event_id)
    before = fingerprint()
    response = client.post(URL, data=body, headers=sign_webhook(body, SECRET))
    assert response.status_code == 200
    assert response.json == {"status": "ignored"}
    assert fingerprint() == before
    assert shop.rr.status == "label_issued"


def test_a_good_event_still_applies_after_the_hostile_ones(client, shop):
    code = shop.rr.current_label.tracking_code
    for body in (_nested(100_000), _event(code, "evt_" + "x" * 300)):
        client.post(URL, data=body, headers=sign_webhook(body, SECRET))
    body = tracker_event(code, "in_transit", "evt_good")
    response = client.post(URL, data=body, headers=sign_webhook(body, SECRET))
    assert response.status_code == 200
    assert response.json == {"status": "applied", "event": "evt_good"}
