"""JSON API for the shop (/api/v1) and carrier webhooks (/webhooks)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.api import credits, routes, webhooks  # noqa: F401  (routes register on bp)
    from portal.api.blueprint import bp, webhooks_bp
    from portal.extensions import csrf

    csrf.exempt(bp)
    csrf.exempt(webhooks_bp)
    app.register_blueprint(bp)
    app.register_blueprint(webhooks_bp)
