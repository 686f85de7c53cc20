"""The return slip is drawn once, for the label's confirmation, and kept with the label:
the download and a confirmation sent again carry the same bytes without drawing it."""

from __future__ import annotations

import pytest
from sqlalchemy import event, update

from portal.extensions import db
from portal.models import Label, OutboxMessage
from portal.models.base import utcnow
from portal.outbox import deliver_due
from portal.services import return_slip
from tests.integration.helpers import confirm_return


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return app_config | {"DEFAULT_LOCALE": "en"}


def _slip_of(mail) -> bytes:
    [_label, slip] = mail.iter_attachments()
    return slip.get_content()


def _not_drawn_again(*_args, **_kwargs):
    raise AssertionError("the return slip was drawn again")


def test_the_slip_is_kept_with_the_label_and_never_drawn_again(
    client, factory, mailbox, monkeypatch
):
    journey = confirm_return(client, factory)
    label_id = journey.rr.current_label.id
    sent = _slip_of(mailbox.to(journey.order.email)[0])
    assert sent.startswith(b"%PDF")
    db.session.expire_all()
    assert db.session.get(Label, label_id).slip_pdf == sent  # kept

    monkeypatch.setattr(return_slip, "render_return_slip", _not_drawn_again)
    writes: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if statement.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        download = client.get(f"{journey.status_path}/slip.pdf")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert download.status_code == 200 and download.data == sent
    assert writes == []  # a download reads

    # the confirmation once more (as after a failed send): the kept slip goes with it
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.kind == "confirmation")
        .values(status="pending", next_attempt_at=utcnow(), sent_at=None)
    )
    db.session.commit()
    mailbox.clear()
    assert deliver_due() == (1, 0)
    assert _slip_of(mailbox.to(journey.order.email)[0]) == sent


def test_a_slip_not_kept_yet_is_drawn_for_the_download_without_writing(client, factory):
    journey = confirm_return(client, factory)
    label_id = journey.rr.current_label.id
    db.session.execute(update(Label).where(Label.id == label_id).values(slip_pdf=None))
    db.session.commit()
    download = client.get(f"{journey.status_path}/slip.pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    db.session.expire_all()
    assert db.session.get(Label, label_id).slip_pdf is None
