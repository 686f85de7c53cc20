"""JSON API for the shop (/api/v1) and carrier webhooks (/webhooks)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.api import (  # noqa: F401  (routes register on bp)
        credits,
        routes,
        shopify_webhooks,
        webhooks,
        woocommerce_webhooks,
    )
    from portal.api.blueprint import bp, webhooks_bp
    from portal.extensions import csrf

    csrf.exempt(bp)
    csrf.exempt(webhooks_bp)
    app.register_blueprint(bp)
    app.register_blueprint(webhooks_bp)
