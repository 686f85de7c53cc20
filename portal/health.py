"""GET /healthz: 200 when the database answers, 503 otherwise."""

from flask import Blueprint, Flask, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database=False), 503
    return jsonify(status="ok", database=True)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
