"""The customer's pages: find the order, choose items, relay point, label, status."""

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.customer import (  # noqa: F401
        claims,
        conversation,
        feedback,
        gift,
        journey,
        policy_page,
        relay_view,
        repairs,
        status,
        summary_view,
        typography,
    )
    from portal.customer.blueprint import bp

    app.register_blueprint(bp)
