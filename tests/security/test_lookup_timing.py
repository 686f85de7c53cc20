"""Order and gift lookups take the same time whichever half is wrong (median gap < 10 ms
over 200 tries each), so timing tells an attacker nothing a 404 does not."""

from __future__ import annotations

import statistics
import time

import pytest

TRIES = 200
GAP_MS = 10.0


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _timed(client, path: str, data: dict) -> float:
    start = time.perf_counter()
    response = client.post(path, data=data)
    elapsed = time.perf_counter() - start
    assert response.status_code == 404
    return elapsed


@pytest.mark.timing
def test_order_lookup_timing_does_not_say_which_half_was_wrong(client, factory):
    order = factory.order()
    known_number = {"number": order.number, "contact": "someone.else@example.fr"}
    unknown_number = {"number": "ZZ-99999", "contact": order.email}
    wrong_postcode = {"number": order.number, "contact": "99999"}
    samples: dict[str, list[float]] = {"known": [], "unknown": [], "postcode": []}
    for _ in range(TRIES):  # interleaved, so that a busy moment hits all three alike
        samples["known"].append(_timed(client, "/lookup", known_number))
        samples["unknown"].append(_timed(client, "/lookup", unknown_number))
        samples["postcode"].append(_timed(client, "/lookup", wrong_postcode))
    medians = {k: _median_ms(v) for k, v in samples.items()}
    assert max(medians.values()) - min(medians.values()) < GAP_MS, medians


@pytest.mark.timing
def test_gift_code_timing_does_not_say_how_close_a_guess_was(client, factory):
    real = "GIFT-K7QP-M3XR-T9WA"
    factory.order(gift_code=real)
    near = real[:-1] + ("A" if real[-1] != "A" else "B")  # one character off
    samples: dict[str, list[float]] = {"near": [], "far": []}
    for _ in range(TRIES):
        samples["near"].append(_timed(client, "/gift", {"code": near}))
        samples["far"].append(_timed(client, "/gift", {"code": "GIFT-ZZZZ-ZZZZ-ZZZZ"}))
    medians = {k: _median_ms(v) for k, v in samples.items()}
    assert abs(medians["near"] - medians["far"]) < GAP_MS, medians
