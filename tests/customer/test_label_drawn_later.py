"""The demo carrier's label is drawn on first need, not in the confirm request: the status
page offers it at once (drawn on download), the worker draws and stores it with the
confirmation e-mail, and every copy says the same thing."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import event, select

from portal.extensions import db
from portal.models import Label
from portal.outbox import deliver_due
from tests.customer.pagekit import confirm, item_fields, page, returns, to_review


def pdf_text(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).pages[0].extract_text()


@pytest.fixture
def no_mail_after_request(app):
    app.config["DELIVER_MAIL_AFTER_REQUEST"] = False  # the worker sends, as in production
    return app


def stored_pdf(label_id: int) -> bytes | None:
    db.session.expire_all()
    return db.session.scalar(select(Label.pdf).where(Label.id == label_id))


def test_confirm_stores_the_words_and_the_download_draws_them(
    en, shop, no_mail_after_request, mailbox
):
    to_review(en, shop.order, shop.point, item_fields(shop.line))
    done = confirm(en)
    rr = returns()[0]
    label = rr.current_label
    assert label is not None and stored_pdf(label.id) is None  # not drawn in the request
    assert label.drawing["tracking_code"] == label.tracking_code

    shown = page(en.get(done.headers["Location"]))
    assert "Download the label (PDF)" in shown.text  # offered at once
    writes = []
    event.listen(
        db.engine,
        "before_cursor_execute",
        lambda _c, _cur, sql, *_a: writes.append(sql) if sql.lstrip()[:6] == "UPDATE" else None,
    )
    download = en.get(done.headers["Location"].split("?")[0] + "/label.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    text = pdf_text(download.data)
    assert rr.rma in text and label.tracking_code in text.replace(" ", "")
    assert writes == [] and stored_pdf(label.id) is None  # a download writes nothing

    assert mailbox.to(shop.order.email) == []
    assert deliver_due() == (1, 0)
    (mail,) = mailbox.to(shop.order.email)
    attached = next(
        part.get_content()
        for part in mail.iter_attachments()
        if part.get_filename() == f"label-{rr.rma}.pdf"
    )
    assert stored_pdf(label.id) == attached  # drawn once by the worker, and kept
    assert pdf_text(attached) == text  # the same words as the early download
    again = en.get(done.headers["Location"].split("?")[0] + "/label.pdf")
    assert again.data == attached


def test_drawn_in_the_request_when_configured(en, shop, app):
    app.config["LABEL_DRAW_ON_FIRST_NEED"] = False
    to_review(en, shop.order, shop.point, item_fields(shop.line))
    confirm(en)
    label = returns()[0].current_label
    stored = stored_pdf(label.id)
    assert stored is not None and label.tracking_code in pdf_text(stored).replace(" ", "")
