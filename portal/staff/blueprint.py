"""The staff blueprint and what its routes share: finding a return, running one verb."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, abort
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.models import ReturnItem, ReturnRequest
from portal.models.base import utcnow
from portal.web import run_or_flash

bp = Blueprint("staff", __name__, url_prefix="/staff")


def actor() -> str:
    """Who does it, for the audit trail: the staff member's e-mail."""
    return current_user.email if current_user.is_authenticated else ""


def return_or_404(rma: str) -> ReturnRequest:
    rr = db.session.query(ReturnRequest).filter_by(rma=rma.strip().upper()).one_or_none()
    if rr is None:
        abort(404)
    return rr


def item_or_404(rr: ReturnRequest, item_id: int) -> ReturnItem:
    item = db.session.get(ReturnItem, item_id)
    if item is None or item.return_id != rr.id:
        abort(404)
    return item


def run(verb: Callable[[], Any], success: str | Callable[[Any], str]) -> bool:
    """Call one service verb and commit once; on a domain error roll back and say why."""
    ok, _result = run_or_flash(verb, success)
    return ok


def age(since: datetime | None, now: datetime | None = None) -> str:
    """'3 d 4 h' or '5 h': how long something has waited."""
    if since is None:
        return ""
    delta: timedelta = (now or utcnow()) - since
    hours = max(int(delta.total_seconds() // 3600), 0)
    days, hours = divmod(hours, 24)
    if days:
        return _("%(d)d d %(h)d h", d=days, h=hours)
    return _("%(h)d h", h=hours)


@bp.app_template_filter("staff_age")
def _age_filter(since: datetime | None) -> str:
    return age(since)


@bp.app_template_filter("utc")
def _utc_filter(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""
