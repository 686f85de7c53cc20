"""Back office for warehouse and support staff.

Modules: `auth` (login, logout), `home` (queues, scan station), `returns` (the return
page), `actions` (receive, refund, exchange, send back, goodwill, labels), `diagnose` (the
diagnosis and the preview of a rejection e-mail), `wording` (codes in words),
`refunds` (refunds to pay), `users` (staff management, admins only).
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.staff import (  # noqa: F401
        actions,
        auth,
        claims,
        conversation,
        diagnose,
        home,
        insights,
        kept,
        photos,
        refunds,
        repairs,
        returns,
        shops,
        users,
        wording,
    )
    from portal.staff.blueprint import bp

    app.register_blueprint(bp)
