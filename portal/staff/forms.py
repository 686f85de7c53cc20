"""Staff forms (Flask-WTF: CSRF on every one) and small parsers for per-item fields."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from portal.edge import MAX_ID, SingleLine, bounded_int
from portal.models.staff import ROLES
from portal.services.errors import ValidationFailed


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), SingleLine(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class ScanForm(FlaskForm):
    code = StringField(
        _l("Tracking number or return number"),
        validators=[DataRequired(), SingleLine(), Length(max=64)],
    )


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new = PasswordField(
        _l("New password (10 characters or more)"), validators=[DataRequired(), Length(max=200)]
    )
    confirm = PasswordField(_l("New password again"), validators=[DataRequired(), Length(max=200)])


class StaffForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), SingleLine(), Length(max=254)])
    role = SelectField(_l("Role"), choices=list(ROLES))
    password = PasswordField(
        _l("Password (10 characters or more)"), validators=[DataRequired(), Length(max=200)]
    )


def parse_quantity(raw: str | None, field: str) -> int:
    """A whole number of units, blank meaning 0."""
    raw = (raw or "").strip()
    if not raw:
        return 0
    value = bounded_int(raw)
    if value is None:
        raise ValidationFailed({field: _("Enter a whole number of units.")})
    return value


def parse_amount(raw: str | None) -> int:
    """'12,50', '12.50' or '12' → 1250 cents (at most what an amount column holds)."""
    text = (raw or "").strip().replace("€", "").replace(" ", "").replace(",", ".")
    wrong = ValidationFailed({"amount": _("Enter an amount such as 10 or 12,50.")})
    if len(text) > 20:
        raise wrong
    try:
        value = Decimal(text)
        if not value.is_finite() or value != value.quantize(Decimal("0.01")):
            raise wrong
    except InvalidOperation as exc:
        raise wrong from exc
    cents = int(value * 100)
    if abs(cents) > MAX_ID:
        raise wrong
    return cents
