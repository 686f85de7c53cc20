"""Flask-Limiter's before-request check runs only when a limit on every route is set: a
RATELIMIT_DEFAULT in an instance's config still holds on every page. (In a process of its
own: Flask-Limiter keeps default limits on its one extension object, for every app.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys
from portal import create_app
app = create_app(json.loads(sys.argv[1]))
with app.app_context():
    from portal.extensions import db
    db.create_all()
    client = app.test_client()
    print(json.dumps([client.get(path).status_code for path in sys.argv[2:]]))
"""


def _statuses(tmp_path, extra: dict, paths: list[str]) -> list[int]:
    config = {
        "TESTING": True,
        "SECRET_KEY": "t",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'every.sqlite'}",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_DIR": str(tmp_path / "mail"),
        **extra,
    }
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(config), *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_default_limit_still_holds_on_every_page(tmp_path):
    paths = ["/healthz", "/healthz", "/healthz"]  # a default limit counts per route
    assert _statuses(tmp_path, {"RATELIMIT_DEFAULT": "2 per minute"}, paths) == [200, 200, 429]


def test_without_one_pages_are_not_limited(tmp_path):
    assert _statuses(tmp_path, {}, ["/healthz"] * 4) == [200] * 4
