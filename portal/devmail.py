"""/dev/mail: in debug mode only, the e-mails written to instance/mail/ (no SMTP_URL)."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, render_template

bp = Blueprint("devmail", __name__, url_prefix="/dev/mail")


def _files() -> list[Path]:
    folder = Path(current_app.config["MAIL_DIR"])
    return sorted(folder.glob("*.eml"), reverse=True) if folder.exists() else []


@bp.get("/")
def index():
    mails = []
    for path in _files()[:200]:
        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        mails.append({"name": path.name, "to": msg["To"], "subject": msg["Subject"]})
    return render_template("dev/mail_index.html", mails=mails)


@bp.get("/<name>")
def show(name: str):
    path = next((p for p in _files() if p.name == name), None)
    if path is None:
        abort(404)
    msg = message_from_bytes(path.read_bytes(), policy=policy.default)
    body = msg.get_body(preferencelist=("plain",))
    attachments = [part.get_filename() for part in msg.iter_attachments()]
    return render_template(
        "dev/mail_show.html",
        msg=msg,
        text=body.get_content() if body else "",
        attachments=attachments,
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
