"""Staff accounts: argon2id passwords, roles, disabling (logs out everywhere)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import StaffUser
from portal.models.staff import ROLES
from portal.services.errors import ValidationFailed

MIN_PASSWORD = 10


@cache
def hasher() -> PasswordHasher:
    # argon2id, t=2, m=19 MiB, p=1: OWASP's minimum recommendation.
    return PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@cache
def _dummy_hash() -> str:
    return hasher().hash("not-a-real-password")


def normalize_email(raw: str) -> str:
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed({"email": "is not a valid e-mail address"}) from exc


def find_staff(email: str) -> StaffUser | None:
    return db.session.scalar(
        select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower())
    )


def create_staff(email: str, role: str, password: str, first_name: str = "") -> StaffUser:
    email = normalize_email(email)
    if role not in ROLES:
        raise ValidationFailed({"role": f"must be one of {', '.join(ROLES)}"})
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed({"password": f"must be at least {MIN_PASSWORD} characters"})
    if find_staff(email) is not None:
        raise ValidationFailed({"email": "already has an account"})
    user = StaffUser(email=email, role=role, password_hash=hasher().hash(password))
    if first_name.strip():
        set_first_name(user, first_name)
    db.session.add(user)
    db.session.flush()
    return user


def set_first_name(user: StaffUser, first_name: str) -> None:
    """How this person signs replies to customers (docs/conversation.md)."""
    name = " ".join((first_name or "").split())
    if not name or len(name) > 80:
        raise ValidationFailed({"first_name": "is 1 to 80 characters"})
    user.first_name = name


def set_password(user: StaffUser, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed({"password": f"must be at least {MIN_PASSWORD} characters"})
    user.password_hash = hasher().hash(password)
    end_sessions(user)


def change_password(user: StaffUser, current: str, new: str) -> None:
    """The person's own change: the current password first. Every session ends."""
    try:
        hasher().verify(user.password_hash, current or "")
    except (VerificationError, InvalidHashError) as exc:
        raise ValidationFailed({"current": "is not your password"}) from exc
    set_password(user, new)
    db.session.flush()


def end_sessions(user: StaffUser) -> None:
    """Every session cookie issued for this account stops working at once: the loader
    (`portal.security.load_user`) accepts only the current generation. Flushes nothing."""
    user.session_version = (user.session_version or 0) + 1


def disable_staff(email: str) -> StaffUser:
    user = find_staff(email)
    if user is None:
        raise ValidationFailed({"email": "no staff account with this e-mail"})
    user.active = False
    end_sessions(user)  # every open session stops matching at once
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> StaffUser | None:
    """The user if e-mail and password match an active account; same work either way."""
    user = find_staff(email or "")
    try:
        hasher().verify(user.password_hash if user else _dummy_hash(), password or "")
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hasher().hash(password)
    return user
