"""Staff forms (Flask-WTF: CSRF on every one) and small parsers for per-item fields."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from portal import money
from portal.models.staff import ROLES
from portal.services.errors import ValidationFailed


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class ScanForm(FlaskForm):
    code = StringField(
        _l("Tracking number or return number"), validators=[DataRequired(), Length(max=64)]
    )


class StaffForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=list(ROLES))
    password = PasswordField(
        _l("Password (10 characters or more)"), validators=[DataRequired(), Length(max=200)]
    )


def parse_quantity(raw: str | None, field: str) -> int:
    """A whole number of units, blank meaning 0."""
    raw = (raw or "").strip()
    if not raw:
        return 0
    try:
        return int(raw)
    except ValueError as exc:
        raise ValidationFailed({field: _("Enter a whole number of units.")}) from exc


def parse_amount(raw: str | None, currency: str = "EUR") -> int:
    """'12,50', '12.50' or '12' → minor units of `currency` (1250 for EUR, 12 for JPY)."""
    try:
        return money.parse(raw, currency)
    except money.BadAmount as exc:
        raise ValidationFailed({"amount": _("Enter an amount such as 10 or 12,50.")}) from exc
