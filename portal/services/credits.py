"""Store credit: unique, unguessable codes with a balance and a history."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from portal.extensions import db
from portal.models import CreditTransaction, StoreCredit
from portal.services.errors import InsufficientBalance, UnknownCredit, ValidationFailed

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_credit_code() -> str:
    """CR-XXXX-XXXX-XXXX-XXXX: 80 random bits."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "CR-" + "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def issue_credit(
    *,
    amount: int,
    currency: str,
    owner_name: str,
    owner_email: str,
    kind: str,
    return_id: int | None = None,
    note: str = "",
) -> StoreCredit:
    if amount <= 0:
        raise ValidationFailed({"amount": "must be more than zero"})
    credit = StoreCredit(
        code=new_credit_code(),
        currency=currency,
        balance=amount,
        initial_amount=amount,
        kind=kind,
        owner_name=owner_name,
        owner_email=owner_email,
        return_id=return_id,
        note=note,
    )
    db.session.add(credit)
    db.session.flush()
    db.session.add(
        CreditTransaction(credit_id=credit.id, amount=amount, kind="issue", balance_after=amount)
    )
    db.session.flush()
    return credit


def find_credit(code: str, *, lock: bool = False) -> StoreCredit | None:
    query = select(StoreCredit).where(StoreCredit.code == code.strip().upper())
    if lock:
        query = query.with_for_update()
    return db.session.scalar(query)


def redeem(code: str, amount: int, idempotency_key: str) -> tuple[CreditTransaction, bool]:
    """Spend `amount` from credit `code` once per idempotency key.

    Returns (transaction, replayed). The credit row is locked (FOR UPDATE on
    PostgreSQL; SQLite serialises writers) and the balance has a CHECK >= 0, so two
    concurrent redemptions can never spend more than the balance.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationFailed({"amount": "must be a positive integer (minor units)"})
    if not isinstance(idempotency_key, str) or not idempotency_key or len(idempotency_key) > 128:
        raise ValidationFailed({"idempotency_key": "is required (at most 128 characters)"})
    credit = find_credit(code, lock=True)
    if credit is None:
        raise UnknownCredit(f"No store credit has the code {code}.")
    done = db.session.scalar(
        select(CreditTransaction).where(
            CreditTransaction.credit_id == credit.id,
            CreditTransaction.idempotency_key == idempotency_key,
        )
    )
    if done is not None:
        if -done.amount != amount:
            raise ValidationFailed({"idempotency_key": "was already used for another amount"})
        return done, True
    if amount > credit.balance:
        raise InsufficientBalance(f"The balance is {credit.balance}; {amount} cannot be spent.")
    credit.balance -= amount
    tx = CreditTransaction(
        credit_id=credit.id,
        amount=-amount,
        kind="redeem",
        idempotency_key=idempotency_key,
        balance_after=credit.balance,
    )
    db.session.add(tx)
    db.session.flush()
    return tx, False
