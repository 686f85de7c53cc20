"""Labels we draw ourselves (the local demo carrier) are drawn on first need, not in the
customer's confirm request.

At issue, the carrier gives what the label says (`IssuedLabel.drawing`, a
`labels.LabelData`), checked as drawing it would check it; it is stored as JSON in
`Label.drawing` with `Label.pdf` left empty. The worker draws it when it builds the
confirmation e-mail, and stores it (`draw_for_mail`); a download before that draws the
same PDF from the same stored words (`current_pdf`), without writing. The words are frozen at
issue, so a label drawn later says exactly what it would have said then.

A carrier's own PDF (Mondial Relay, Colissimo, EasyPost) is stored as it comes.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from functools import cache

from sqlalchemy import Row, Select, and_, bindparam, select, update

from labels import Address, LabelData, LabelItem, RelayPointInfo, render_label
from portal.extensions import db
from portal.models import Label, ReturnRequest


def to_json(data: LabelData) -> dict:
    out = asdict(data)
    out["items"] = [asdict(item) for item in data.items]
    out["issued_on"] = data.issued_on.isoformat()
    out["valid_until"] = data.valid_until.isoformat() if data.valid_until else None
    return out


def from_json(raw: dict) -> LabelData:
    point = raw.get("relay_point")
    until = raw.get("valid_until")
    return LabelData(
        **{
            **raw,
            "relay_point": RelayPointInfo(**point) if point else None,
            "sender": Address(**raw["sender"]),
            "recipient": Address(**raw["recipient"]),
            "items": tuple(LabelItem(**item) for item in raw["items"]),
            "issued_on": date.fromisoformat(raw["issued_on"]),
            "valid_until": date.fromisoformat(until) if until else None,
        }
    )


def draw(drawing: dict) -> bytes:
    return render_label(from_json(drawing))


@cache  # built on first use, then shared: a statement is immutable
def _with_current_pdf() -> Select:
    live = and_(Label.return_id == ReturnRequest.id, Label.voided_at.is_(None))
    return (
        select(ReturnRequest, Label.id, Label.pdf)
        .outerjoin(Label, live)
        .where(ReturnRequest.access_key == bindparam("access_key"))
        .order_by(Label.id.desc())
        .limit(1)
    )


def with_current_pdf(access_key: str) -> Row | None:
    """The return of this access key with its current label's id and stored PDF, in one
    statement: (return, label id, pdf), the id None without a live label, the pdf None for
    a label not drawn yet (`current_pdf`); None without such a return. The current label is
    the last one not voided, as `ReturnRequest.current_label`; no other label's PDF is read."""
    return db.session.execute(_with_current_pdf(), {"access_key": access_key}).first()


def current_pdf(label_id: int, pdf: bytes | None) -> bytes:
    """The PDF `with_current_pdf` read: as stored, or drawn now from the label's stored
    words (nothing written)."""
    if pdf is not None:
        return pdf
    drawing = db.session.scalar(select(Label.drawing).where(Label.id == label_id))
    if not drawing:
        raise LookupError(f"label {label_id} has neither a PDF nor a drawing")
    return draw(drawing)


def draw_for_mail(label_ids: set[int]) -> dict[int, bytes]:
    """The PDFs of these labels, by id, drawing and storing (flush; the caller commits)
    those not drawn yet. Only a label still undrawn is written: two workers drawing the
    same label store the same bytes once."""
    if not label_ids:
        return {}
    rows = db.session.execute(
        select(Label.id, Label.pdf, Label.drawing).where(Label.id.in_(label_ids))
    ).all()
    pdfs = {}
    for label_id, pdf, drawing in rows:
        if pdf is None and drawing:
            pdf = draw(drawing)
            db.session.execute(
                update(Label)
                .where(Label.id == label_id, Label.pdf.is_(None))
                .values(pdf=pdf)
                .execution_options(synchronize_session=False)
            )
        if pdf is not None:
            pdfs[label_id] = pdf
    return pdfs
