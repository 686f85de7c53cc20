"""Retours: a self-service returns and exchanges portal.

`create_app` is made of small `register_*` steps; nothing runs at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.environ.get("RETOURS_INSTANCE_PATH") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
    )
    register_config(app, test_config)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    register_hooks(app)
    return app


def register_config(app: Flask, test_config: dict | None) -> None:
    from portal.config import ensure_secret_key, from_environment
    from portal.services import holidays

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(from_environment(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = ensure_secret_key(app.instance_path)
    holidays.read_config(app.config)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})


def register_extensions(app: Flask) -> None:
    from portal import i18n, security, sqlite
    from portal.extensions import csrf, db, limiter, migrate

    db.init_app(app)
    sqlite.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    limiter.init_app(app)
    _limits_in_their_views_only(app, limiter)
    i18n.init_app(app)
    security.init_app(app)


def _limits_in_their_views_only(app: Flask, limiter) -> None:
    """Flask-Limiter's before-request check is for limits on every route or on a blueprint
    (RATELIMIT_DEFAULT, RATELIMIT_APPLICATION, RATELIMIT_META, a decorated blueprint);
    a decorated view checks its own limits when it runs, as `lookup_limits` does. The
    portal sets none of the first kind, so on every request the check resolved the
    route's limits only to find nothing to count. It now runs only when one is set."""
    check = limiter._check_request_limit  # noqa: SLF001 (the hook Flask-Limiter added)
    manager = limiter.limit_manager

    def limits_on_every_route() -> None:
        if (
            manager.default_limits
            or manager.application_limits
            or manager._blueprint_limits  # noqa: SLF001
            or limiter._meta_limits  # noqa: SLF001
        ):
            check()

    hooks = app.before_request_funcs.get(None, [])
    app.before_request_funcs[None] = [limits_on_every_route if f == check else f for f in hooks]


def register_blueprints(app: Flask) -> None:
    from portal import api, customer, errors, health, staff

    errors.init_app(app)
    health.init_app(app)
    api.init_app(app)
    customer.init_app(app)
    staff.init_app(app)
    if app.debug or app.config.get("DEV_MAIL_PAGE"):
        from portal import devmail

        devmail.init_app(app)


def register_commands(app: Flask) -> None:
    from portal import commands

    commands.init_app(app)


def register_hooks(app: Flask) -> None:
    from portal import lifecycle, outbox, payments, shops
    from portal.services import label_voids

    outbox.init_app(app)
    payments.init_app(app)
    shops.init_app(app)
    label_voids.init_app(app)
    app.jinja_env.globals.update(can=lifecycle.can, in_phase=lifecycle.is_in)
