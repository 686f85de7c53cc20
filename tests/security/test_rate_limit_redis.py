"""With REDIS_URL set, lookup rate limits are shared by every process: attempts made in
this process count in another one (a subprocess with its own app), as they would across
gunicorn workers. With the in-memory default they are not (the control)."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/0"

OTHER_PROCESS = """
import json, sys
from portal import create_app
config = json.loads(sys.argv[1])
app = create_app(config)
with app.app_context():
    from portal.extensions import db
    db.create_all()
    client = app.test_client()
    response = client.post("/lookup", data={"number": config["NUMBER"], "contact": "x@y.fr"},
                           environ_overrides={"REMOTE_ADDR": "10.9.9.9"})
    print(response.status_code)
"""


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def _config(tmp_path, storage: str, prefix: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "t",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'limits.sqlite'}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": storage,
        "RATELIMIT_KEY_PREFIX": prefix,
        "LOOKUP_RATE_LIMIT": "3 per minute",
        "MAIL_DIR": str(tmp_path / "mail"),
    }


def _other_process_status(config: dict, number: str) -> int:
    out = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, json.dumps({**config, "NUMBER": number})],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379 (.ci/run starts it)")
def test_attempts_in_one_process_count_in_another(tmp_path):
    from portal import create_app
    from portal.extensions import db

    config = _config(tmp_path, REDIS, f"t-{uuid.uuid4().hex}")
    here = create_app(config)
    number = "T-77777"
    with here.app_context():
        db.create_all()
        client = here.test_client()
        codes = [
            client.post(
                "/lookup",
                data={"number": number, "contact": "a@b.fr"},
                environ_overrides={"REMOTE_ADDR": f"10.8.0.{n}"},
            ).status_code
            for n in range(3)
        ]
    assert codes == [404, 404, 404]
    assert _other_process_status(config, number) == 429


def test_memory_storage_is_per_process(tmp_path):
    """The control: with the in-memory default another process starts from zero."""
    from portal import create_app
    from portal.extensions import db

    config = _config(tmp_path, "memory://", "mem")
    here = create_app(config)
    with here.app_context():
        db.create_all()
        local = here.test_client()
        codes = [
            local.post("/lookup", data={"number": "T-66666", "contact": "a@b.fr"}).status_code
            for _ in range(4)
        ]
    assert codes == [404, 404, 404, 429]
    assert _other_process_status(config, "T-66666") == 404
