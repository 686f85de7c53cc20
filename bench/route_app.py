"""The app gunicorn serves for bench_routes.py: the portal plus a hello-world route."""

import os

from portal import create_app


def make():
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": os.environ["BENCH_DATABASE_URL"],
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_DIR": os.environ["BENCH_MAIL_DIR"],
            "DELIVER_MAIL_AFTER_REQUEST": False,
        }
    )

    @app.get("/bench/hello")
    def hello():
        return "hello"

    return app
