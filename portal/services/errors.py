"""Small named errors raised by the service layer.

`InvalidTransition`: the step is not allowed from the current state (shown plainly,
nothing changes). `AlreadyDone`: the step was already taken (a double click, a
replay); callers treat it as success without doing anything twice.
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


class NotEligible(DomainError):
    pass


class OutOfStock(DomainError):
    def __init__(self, message: str, sku: str) -> None:
        super().__init__(message)
        self.sku = sku


class ValidationFailed(DomainError):
    """Bad input; `errors` maps a field path to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
