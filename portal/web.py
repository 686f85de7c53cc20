"""One commit path for every blueprint.

A route parses its input, then calls one service verb through `commit_verb`: if the verb
returns, the request's one commit happens here; if it raises (a domain error to show, or a
bug), the transaction is rolled back here and the error goes on to the route or to the
error handlers. `run_or_flash` is the HTML routes' usual shape: a domain error becomes a
flashed message. (Whatever a request leaves uncommitted is rolled back when its app
context ends: Flask-SQLAlchemy removes the session.) The JSON API maps the same domain
errors to JSON answers (`portal.api.blueprint`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash

from portal.extensions import db
from portal.services.errors import AlreadyDone, DomainError, ValidationFailed

T = TypeVar("T")


def commit_verb(verb: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run `verb`, then commit once; on any exception roll back and re-raise."""
    try:
        result = verb(*args, **kwargs)
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    return result


def commit_verb_loaded(verb: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`commit_verb`, the objects in the session staying loaded after the commit instead
    of expired: for a request that goes on at once with the rows it has just written (they
    hold what was committed), where reading them again would only return the same values.
    A verb that needs what another transaction may have changed since locks and re-reads it
    (as `labels.issue_label` does)."""
    session = db.session()
    before, session.expire_on_commit = session.expire_on_commit, False
    try:
        return commit_verb(verb, *args, **kwargs)
    finally:
        session.expire_on_commit = before


def error_text(exc: DomainError) -> str:
    """A domain error in one line for a flashed message."""
    if isinstance(exc, ValidationFailed):
        # Our messages are sentences; the account service's are "must be …" fragments.
        return " ".join(
            str(v) if str(v)[:1].isupper() else f"{k} {v}" for k, v in exc.errors.items()
        )
    return exc.message


def run_or_flash(
    verb: Callable[[], T], success: str | Callable[[T], str] | None = None
) -> tuple[bool, T | None]:
    """`commit_verb(verb)`; a domain error is flashed (AlreadyDone as information) and
    (False, None) returned; on success `success` is flashed and (True, result) returned."""
    try:
        result = commit_verb(verb)
    except AlreadyDone as exc:
        flash(exc.message, "info")
        return False, None
    except DomainError as exc:
        flash(error_text(exc), "error")
        return False, None
    if success is not None:
        flash(success(result) if callable(success) else success, "success")
    return True, result
