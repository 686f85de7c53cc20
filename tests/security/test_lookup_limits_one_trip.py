"""The lookup's limits on Redis: every limit of LOOKUP_RATE_LIMIT holds, per address and per
order number (or gift code), and one attempt costs one round trip to Redis, not one per
limit and key."""

from __future__ import annotations

import uuid

import pytest
import redis
from redis.connection import Connection

from tests.security.test_rate_limit_redis import REDIS, _config, _redis_up

pytestmark = pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")


@pytest.fixture
def limited(tmp_path):
    from portal import create_app
    from portal.extensions import db

    prefix = f"t-{uuid.uuid4().hex}"
    # the hour's limit is the tighter one: the fourth attempt is refused by it alone
    config = {**_config(tmp_path, REDIS, prefix), "LOOKUP_RATE_LIMIT": "5 per minute;3 per hour"}
    app = create_app(config)
    with app.app_context():
        db.create_all()
        yield app
    keys = redis.Redis.from_url(REDIS).keys(f"*{prefix}*")
    if keys:
        redis.Redis.from_url(REDIS).delete(*keys)


def _post(client, path, data, ip):
    return client.post(path, data=data, environ_overrides={"REMOTE_ADDR": ip}).status_code


def test_every_limit_holds_per_address(limited):
    client = limited.test_client()
    codes = [
        _post(client, "/lookup", {"number": f"T-1000{n}", "contact": "a@b.fr"}, "10.7.0.1")
        for n in range(4)
    ]
    assert codes == [404, 404, 404, 429]
    # another address is not held back
    assert _post(client, "/lookup", {"number": "T-2", "contact": "a@b.fr"}, "10.7.0.2") == 404


def test_every_limit_holds_per_order_number_and_gift_code(limited):
    client = limited.test_client()
    codes = [
        _post(client, "/lookup", {"number": "T-31337", "contact": "a@b.fr"}, f"10.7.1.{n}")
        for n in range(4)
    ]
    assert codes == [404, 404, 404, 429]
    gifts = [_post(client, "/gift", {"code": "GIFT-QQQQ-RRRR"}, f"10.7.2.{n}") for n in range(4)]
    assert gifts == [404, 404, 404, 429]


def test_one_round_trip_per_attempt(limited, monkeypatch):
    client = limited.test_client()
    _post(client, "/lookup", {"number": "T-9", "contact": "a@b.fr"}, "10.7.3.1")  # warm
    sent: list[int] = []
    real = Connection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(1)
        return real(self, command, check_health)

    monkeypatch.setattr(Connection, "send_packed_command", counting)
    # four counters (two keys × two limits)
    assert _post(client, "/lookup", {"number": "T-8", "contact": "a@b.fr"}, "10.7.3.1") == 404
    assert len(sent) == 1
