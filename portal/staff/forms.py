"""Staff forms (Flask-WTF: CSRF on every one) and small parsers for per-item fields."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from portal import money
from portal.edge import MAX_ID, SingleLine, bounded_int
from portal.models.staff import ROLES
from portal.services.errors import ValidationFailed
from portal.words import word


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), SingleLine(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class ScanForm(FlaskForm):
    code = StringField(
        _l("Tracking number or return number"),
        validators=[DataRequired(), SingleLine(), Length(max=300)],  # a slip's QR: a URL
    )


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new = PasswordField(
        _l("New password (10 characters or more)"), validators=[DataRequired(), Length(max=200)]
    )
    confirm = PasswordField(_l("New password again"), validators=[DataRequired(), Length(max=200)])


def _role_choices() -> list[tuple[str, str]]:
    return [(role, word("role", role)) for role in ROLES]


class StaffForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), SingleLine(), Length(max=254)])
    first_name = StringField(
        _l("First name (signs replies to customers)"), validators=[SingleLine(), Length(max=80)]
    )
    role = SelectField(_l("Role"), choices=_role_choices)
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


def parse_amount(raw: str | None, currency: str = "EUR") -> int:
    """'12,50', '12.50' or '12' → minor units of `currency` (1250 for EUR, 12 for JPY), at
    most what an amount column holds."""
    wrong = ValidationFailed({"amount": _("Enter an amount such as 10 or 12,50.")})
    if len((raw or "").strip()) > 20:
        raise wrong
    try:
        minor = money.parse(raw, currency)
    except money.BadAmount as exc:
        raise wrong from exc
    if abs(minor) > MAX_ID:
        raise wrong
    return minor
