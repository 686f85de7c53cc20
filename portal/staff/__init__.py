"""Back office for warehouse and support staff.

Modules: `auth` (login, logout), `home` (queues, scan station), `returns` (the return
page), `actions` (receive, diagnose, refund, exchange, send back, goodwill, labels),
`refunds` (refunds to pay), `users` (staff management, admins only).
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.staff import actions, auth, home, photos, refunds, returns, shops, users  # noqa: F401
    from portal.staff.blueprint import bp

    app.register_blueprint(bp)
