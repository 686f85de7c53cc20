"""Small named errors raised by the service layer.

`InvalidTransition`: the step is not allowed from the current state (shown plainly,
nothing changes); `IllegalTransition` is the lifecycle table's own refusal.
`AlreadyDone`: the step was already taken (a double click, a replay); callers treat it
as success without doing anything twice.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base class; `message` is fit to show to the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidTransition(DomainError):
    pass


class AlreadyDone(DomainError):
    pass


class IllegalTransition(InvalidTransition):
    """The lifecycle table does not allow this event from this state (or by this actor)."""

    def __init__(self, message: str, *, machine: str, event: str, state: str | None) -> None:
        super().__init__(message)
        self.machine, self.event, self.state = machine, event, state


class LabelUnavailable(DomainError):
    """The carrier could not make a label now; what the customer had still works."""


class InsufficientBalance(DomainError):
    """A store credit's balance is lower than the amount to spend."""


class UnknownCredit(DomainError, LookupError):
    """No store credit has this code."""


class OutOfStock(DomainError):
    def __init__(self, message: str, sku: str) -> None:
        super().__init__(message)
        self.sku = sku


class ValidationFailed(DomainError):
    """Bad input; `errors` maps a field path to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class MessageRefused(DomainError):
    """A question or a reply that cannot be taken (empty, too long, not allowed now)."""


class InboundRefused(DomainError):
    """An e-mail to the inbound address that we do not take; `code` is the SMTP reply."""

    def __init__(self, message: str, code: int = 550) -> None:
        super().__init__(message)
        self.code = code
