"""Back office for warehouse and support staff."""

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.staff.routes import bp

    app.register_blueprint(bp)
