"""The verbs behind /staff/shops, for any registered platform (flush, never commit).

A platform is shown from its `fields` (the address first, then its secrets); it may offer
`clean(address, values)` (what is wrong, by field), `address_of(address)` (the address
as stored), `webhooks(credentials)` and `register_webhooks(credentials, address)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _

from portal.extensions import db
from portal.models import ShopConnection
from portal.models.base import utcnow
from portal.services.errors import ValidationFailed
from portal.shops import credentials, secrets
from portal.shops.platform import PLATFORMS, CheckResult, Platform, PlatformError


@dataclass
class Card:
    platform: Platform
    row: ShopConnection | None
    from_env: bool
    can_register: bool


def platforms() -> list[Platform]:
    return list(PLATFORMS.values())


def get(name: str) -> Platform | None:
    return PLATFORMS.get(name)


def cards() -> list[Card]:
    out = []
    for connector in platforms():
        row = credentials.saved(connector.name)
        from_env = False
        if row is None:
            try:
                from_env = credentials.current(connector.name) is not None
            except secrets.SecretsUnavailable:
                from_env = False
        can = hasattr(connector, "register_webhooks")
        out.append(Card(connector, row, from_env, can))
    return out


def save(connector: Platform, address: str | None, values: dict[str, str | None]) -> ShopConnection:
    address = (address or "").strip()
    given = {k: (v or "").strip() for k, v in values.items()}
    clean = getattr(connector, "clean", None)
    if clean is not None:
        problems = {k: str(v) for k, v in clean(address, given).items()}
    else:
        problems = {
            name: _("%(label)s is required.", label=str(label))
            for name, label, _help in connector.fields
            if not (address if name == connector.fields[0][0] else given.get(name))
        }
    if problems:
        raise ValidationFailed(problems)
    stored = getattr(connector, "address_of", lambda a: a)(address)
    try:
        row = credentials.save(connector.name, stored, given)
    except secrets.SecretsUnavailable as exc:
        first = connector.fields[-1][0]
        raise ValidationFailed(
            {first: _("The token cannot be stored safely: %(why)s.", why=str(exc))}
        ) from exc
    row.last_sync_at = row.last_sync_ok = row.last_sync_counts = row.last_sync_errors = None
    row.webhooks = row.webhooks_checked_at = None
    return row


def _current(connector: Platform):
    try:
        creds = credentials.current(connector.name)
    except secrets.SecretsUnavailable as exc:
        return None, _("The saved token cannot be read: %(why)s.", why=str(exc))
    if creds is None:
        return None, _("No %(title)s shop is connected yet.", title=connector.title)
    return creds, None


def check(connector: Platform) -> CheckResult:
    creds, problem = _current(connector)
    if creds is None:
        return CheckResult(False, problem)
    return connector.check(creds)


def webhook_address(connector: Platform) -> str:
    endpoint = getattr(connector, "webhook_endpoint", f"webhooks.{connector.name}")
    return url_for(endpoint, _external=True)


def register_webhooks(connector: Platform) -> CheckResult:
    """Subscribe our webhook address to the platform's topics; list what is registered."""
    creds, problem = _current(connector)
    if creds is None:
        return CheckResult(False, problem)
    address = webhook_address(connector)
    try:
        added = connector.register_webhooks(creds, address)
        hooks = connector.webhooks(creds)
    except PlatformError as exc:
        return CheckResult(False, str(exc))
    row = credentials.saved(connector.name)
    if row is not None:
        row.webhooks, row.webhooks_checked_at = hooks, utcnow()
    if added:
        return CheckResult(
            True,
            _(
                "Webhooks registered at %(address)s: %(topics)s.",
                address=address,
                topics=", ".join(added),
            ),
        )
    return CheckResult(
        True, _("Every webhook was already registered at %(address)s.", address=address)
    )


@dataclass
class RefusedCall:
    id: int
    rma: str | None
    platform: str
    what: str
    reason: str


def refused_rows() -> list[RefusedCall]:
    """The calls a platform refused, in words, for the staff page."""
    from portal.models import ReturnRequest
    from portal.shops import calls

    what = {
        calls.CREDIT: _("Store credit (gift card)"),
        calls.RESERVE: _("Hold the exchange's stock"),
        calls.RELEASE: _("Release the exchange's stock"),
        calls.REPLACEMENT: _("The exchange's replacement order"),
    }
    rows = []
    for call in calls.refused_calls():
        rr = db.session.get(ReturnRequest, call.return_id) if call.return_id else None
        connector = PLATFORMS.get(call.platform)
        rows.append(
            RefusedCall(
                call.id,
                rr.rma if rr else None,
                connector.title if connector else call.platform,
                what.get(call.kind, call.kind),
                call.reason,
            )
        )
    return rows
