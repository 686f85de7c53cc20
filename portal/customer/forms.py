"""Customer forms (Flask-WTF: CSRF on every one)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email, Length

from portal.edge import SingleLine


class LookupForm(FlaskForm):
    number = StringField(
        _l("Order number"), validators=[DataRequired(), SingleLine(), Length(max=64)]
    )
    contact = StringField(
        _l("E-mail address or shipping postcode"),
        validators=[DataRequired(), SingleLine(), Length(max=254)],
    )


class GiftForm(FlaskForm):
    code = StringField(_l("Gift code"), validators=[DataRequired(), SingleLine(), Length(max=40)])


class ContactForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), SingleLine(), Length(max=200)])
    email = EmailField(
        _l("Your e-mail address"),
        validators=[DataRequired(), SingleLine(), Email(), Length(max=254)],
    )
    line1 = StringField(
        _l("Street address"), validators=[DataRequired(), SingleLine(), Length(max=200)]
    )
    postcode = StringField(
        _l("Postcode"), validators=[DataRequired(), SingleLine(), Length(max=16)]
    )
    city = StringField(_l("City"), validators=[DataRequired(), SingleLine(), Length(max=100)])


class PlainForm(FlaskForm):
    """A form with nothing but its CSRF token (confirm, cancel, choose…)."""
