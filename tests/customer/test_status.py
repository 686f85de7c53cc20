"""The status page: a signed link; cancel before drop-off; another relay point."""

from __future__ import annotations

import io

import pytest
from itsdangerous import URLSafeSerializer
from pypdf import PdfReader
from sqlalchemy import event, select

from portal.carriers.base import TrackingUpdate
from portal.extensions import db
from portal.links import status_path
from portal.models import Label, ReturnRequest, Variant
from portal.outbox import deliver_due
from portal.services.label_pdf import draw_for_mail
from portal.services.tracking import apply_tracking
from tests.customer.pagekit import page


@pytest.fixture
def exchange(shop, factory, mailbox):
    """An exchange of TEE-M for TEE-L (one L reserved), label issued, mailbox empty."""
    rr = factory.return_(shop.order, resolution="exchange", exchange_sku="TEE-L", locale="en")
    deliver_due()
    mailbox.clear()
    return rr


YES = {"confirm": "yes"}  # the question's answer: what the confirmation page sends


def reserved(sku: str) -> int:
    db.session.expire_all()
    return db.session.query(Variant).filter_by(sku=sku).one().stock_reserved


def test_cancel_before_drop_off_releases_stock_and_emails(en, exchange, mailbox):
    path = status_path(exchange)
    assert reserved("TEE-L") == 1
    shown = page(en.get(path))
    assert f"{path}/cancel" in shown.links  # a link to the question, not a button that acts
    ask = page(en.get(f"{path}/cancel"))
    assert "Cancel return " + exchange.rma + "?" in ask.text
    assert "The label stops working: do not send a parcel with it." in ask.text
    assert "The TEE shirt (Blue · L) we kept for your exchange is released" in ask.text
    assert reserved("TEE-L") == 1 and mailbox.kinds() == []  # asking changed nothing
    assert path in ask.links  # "No, keep my return" goes back to the status page
    form = ask.form_posting_to(f"{path}/cancel")
    response = en.post(form.action, data=form.values())
    assert response.headers["Location"] == path
    after = page(en.get(path))
    assert "Your return is cancelled." in after.text
    assert "This return was cancelled." in after.by_id("next-step")
    assert not [f for f in after.forms if f.action.endswith("/cancel")]  # no button any more
    assert "/label.pdf" not in " ".join(after.links)
    assert en.get(f"{path}/label.pdf").status_code == 404
    db.session.expire_all()
    assert db.session.get(ReturnRequest, exchange.id).status == "cancelled"
    assert reserved("TEE-L") == 0
    mails = mailbox.to(exchange.contact_email)
    assert [m["X-Retours-Kind"] for m in mails] == ["cancelled"]
    assert exchange.rma in mails[0]["Subject"] and "cancelled" in mails[0]["Subject"]


def test_cancel_without_the_answer_only_asks(en, exchange, mailbox):
    """A post without the question's answer (an old page's button) changes nothing."""
    path = status_path(exchange)
    response = en.post(path + "/cancel")
    assert response.headers["Location"] == path + "/cancel"
    db.session.expire_all()
    assert db.session.get(ReturnRequest, exchange.id).status == "label_issued"
    assert reserved("TEE-L") == 1
    assert mailbox.kinds() == []
    assert exchange.current_label.voided_at is None


def test_cancelled_items_can_be_returned_again(en, exchange):
    en.post(status_path(exchange) + "/cancel", data=YES)
    assert (
        en.post(
            "/lookup", data={"number": exchange.order.number, "contact": exchange.order.email}
        ).status_code
        == 302
    )
    line = exchange.order.lines[0]
    assert "still returnable: 1" in page(en.get("/return/items")).by_id(f"item-{line.id}-details")


def test_cancel_twice_changes_nothing_more(en, exchange, mailbox):
    path = status_path(exchange)
    en.post(path + "/cancel", data=YES)
    again = en.post(path + "/cancel", data=YES)
    assert again.headers["Location"] == path
    assert "can no longer be cancelled" in page(en.get(path)).text
    assert reserved("TEE-L") == 0
    assert mailbox.kinds(exchange.contact_email) == ["cancelled"]


def test_cancel_after_drop_off_is_refused_and_changes_nothing(en, exchange, mailbox):
    outcome = apply_tracking(
        TrackingUpdate("evt-1", exchange.current_label.tracking_code, "in_transit"),
        provider="local",
    )
    assert outcome == "applied"
    db.session.commit()
    mailbox.clear()
    path = status_path(exchange)
    before = page(en.get(path))
    assert not [f for f in before.forms if f.action.endswith("/cancel")]
    assert f"{path}/cancel" not in before.links
    asking = en.get(path + "/cancel")  # an old tab still showing the link
    assert asking.headers["Location"] == path
    assert "This return can no longer be cancelled." in page(en.get(path)).text
    response = en.post(path + "/cancel", data=YES)  # an old tab still showing the question
    assert response.headers["Location"] == path
    shown = page(en.get(path))
    assert "This return can no longer be cancelled: the parcel is already on its way." in shown.text
    db.session.expire_all()
    assert db.session.get(ReturnRequest, exchange.id).status == "in_transit"
    assert reserved("TEE-L") == 1
    assert mailbox.kinds(exchange.contact_email) == []
    assert "Parcel dropped off" in shown.text


def _forgeries(rr, app):
    good = status_path(rr)[len("/r/") :]
    other_secret = URLSafeSerializer("not-the-secret", salt="return-status").dumps(rr.access_key)
    other_salt = URLSafeSerializer(app.config["SECRET_KEY"], salt="other").dumps(rr.access_key)
    unknown = URLSafeSerializer(app.config["SECRET_KEY"], salt="return-status").dumps("nope")
    not_text = URLSafeSerializer(app.config["SECRET_KEY"], salt="return-status").dumps([1])
    dot = good.rindex(".") + 1  # change the signature's first character
    flipped = good[:dot] + ("A" if good[dot] != "A" else "B") + good[dot + 1 :]
    return [
        good + "x",
        flipped,
        other_secret,
        other_salt,
        unknown,
        not_text,
        rr.access_key,
        rr.rma,
        "x" * 300,
    ]


@pytest.mark.parametrize("suffix", ["", "/label.pdf", "/relay"])
def test_forged_or_tampered_token_is_a_plain_404(en, exchange, app, suffix):
    for token in _forgeries(exchange, app):
        response = en.get(f"/r/{token}{suffix}")
        assert response.status_code == 404, token
        shown = page(response)
        assert "Page not found" in shown.text
        assert "This link is not valid." in shown.text
        assert exchange.rma not in shown.text


def test_forged_token_cannot_cancel(en, exchange, app, mailbox):
    for token in _forgeries(exchange, app):
        assert en.post(f"/r/{token}/cancel").status_code == 404
    db.session.expire_all()
    assert db.session.get(ReturnRequest, exchange.id).status == "label_issued"
    assert reserved("TEE-L") == 1
    assert mailbox.kinds() == []


def test_status_page_needs_no_login_and_shows_no_order_number(client, exchange):
    shown = page(client.get(status_path(exchange)))
    assert exchange.rma in shown.text
    assert exchange.order.number not in shown.text
    assert exchange.order.email not in shown.text


def test_change_relay_point_gives_a_new_label(en, exchange, factory):
    other = factory.relay_point(name="Librairie du Canal")
    db.session.commit()
    path = status_path(exchange)
    old = exchange.current_label.tracking_code
    choose = page(en.get(path + "/relay"))
    assert "Librairie du Canal" in choose.text
    response = en.post(path + "/relay", data={"relay_point_id": other.id})
    assert response.headers["Location"] == path
    shown = page(en.get(path))
    assert "Here is your new label. The previous one no longer works." in shown.text
    db.session.expire_all()
    rr = db.session.get(ReturnRequest, exchange.id)
    assert rr.relay_point_id == other.id
    assert rr.current_label.tracking_code != old
    assert shown.by_id("tracking") == rr.current_label.tracking_code


@pytest.mark.parametrize("choice", ["inactive", "999999", "abc", ""])
def test_change_relay_refuses_unknown_or_inactive_points(en, exchange, factory, choice):
    closed = factory.relay_point(name="Closed for good")
    closed.active = False
    db.session.commit()
    value = str(closed.id) if choice == "inactive" else choice
    path = status_path(exchange)
    old = exchange.current_label.tracking_code
    response = en.post(path + "/relay", data={"relay_point_id": value})
    assert response.headers["Location"] == path + "/relay"
    assert "Please choose a drop-off point from the list." in page(en.get(path + "/relay")).text
    db.session.expire_all()
    rr = db.session.get(ReturnRequest, exchange.id)
    assert rr.current_label.tracking_code == old
    assert rr.relay_point_id != closed.id


@pytest.mark.parametrize("state", ["in_transit", "cancelled"])
def test_relay_point_cannot_change_after_drop_off_or_cancel(en, exchange, factory, state):
    if state == "in_transit":
        apply_tracking(
            TrackingUpdate("evt-2", exchange.current_label.tracking_code, "in_transit"),
            provider="local",
        )
        db.session.commit()
    else:
        en.post(status_path(exchange) + "/cancel", data=YES)
    other = factory.relay_point(name="Librairie du Canal")
    db.session.commit()
    path = status_path(exchange)
    assert en.get(path + "/relay").headers["Location"] == path
    response = en.post(path + "/relay", data={"relay_point_id": other.id})
    assert response.headers["Location"] == path
    assert "A new label can only be issued before the parcel is sent." in page(en.get(path)).text
    db.session.expire_all()
    rr = db.session.get(ReturnRequest, exchange.id)
    assert rr.status == state
    assert rr.relay_point_id != other.id
    assert len(rr.labels) == 1


def test_an_approved_refund_is_not_shown_as_done_until_it_is_paid(en, factory, app):
    """Manual provider: support's click approves the refund; the status page must not tick
    'Refunded' nor say 'All done' until the shop marks it paid."""
    from portal.models import Refund
    from portal.services import resolve, timeline, warehouse

    rr = factory.return_()
    item = rr.items[0]
    warehouse.receive_parcel(rr, {item.id: 1}, actor="w")
    warehouse.diagnose(rr, {item.id: ("A", "", "")}, actor="w")
    resolve.issue_refund(rr, item, actor="s")
    db.session.commit()
    shown = page(en.get(status_path(rr)))
    assert "Your refund is approved" in shown.text and "All done" not in shown.text
    resolved = {s.key: s for s in timeline.steps(rr)}["resolved"]
    assert not resolved.done  # "Refunded or exchange shipped" stays unticked
    refund = db.session.query(Refund).one()
    resolve.mark_refund_paid(refund, actor="s")
    db.session.commit()
    assert "All done" in page(en.get(status_path(rr))).text
    assert {s.key: s for s in timeline.steps(rr)}["resolved"].done


def test_a_stored_label_is_sent_in_one_statement_and_a_new_one_is_drawn_unwritten(
    en, exchange, factory, app
):
    """The download reads the return with its current label's PDF in one statement; a label
    reissued and not drawn yet is drawn from its words, without writing, never the old one."""
    first = exchange.current_label
    draw_for_mail({first.id})
    db.session.commit()
    stored = db.session.scalar(select(Label.pdf).where(Label.id == first.id))
    path = status_path(exchange)
    sent: list[str] = []

    def record(_conn, _cursor, sql, *_args):
        sent.append(sql)

    event.listen(db.engine, "before_cursor_execute", record)
    db.session.expunge_all()
    download = en.get(path + "/label.pdf")
    assert download.status_code == 200 and download.data == stored
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="label-{exchange.rma}.pdf"'
    )
    assert len(sent) == 1 and "labels.pdf" in sent[0], sent

    other = factory.relay_point(name="Librairie du Canal")
    db.session.commit()
    app.config["DELIVER_MAIL_AFTER_REQUEST"] = False  # the worker draws it, as in production
    en.post(path + "/relay", data={"relay_point_id": other.id})
    db.session.expire_all()
    new = db.session.get(ReturnRequest, exchange.id).current_label
    assert new.id != first.id and new.voided_at is None
    new_id, new_code = new.id, new.tracking_code
    db.session.expunge_all()
    sent.clear()
    download = en.get(path + "/label.pdf")
    assert download.status_code == 200 and download.data != stored
    assert new_code in _pdf_text(download.data)
    assert [s for s in sent if s.lstrip()[:6] in ("INSERT", "UPDATE", "DELETE")] == []
    assert len(sent) == 2, sent  # the return with the label, then the label's words
    event.remove(db.engine, "before_cursor_execute", record)
    assert db.session.scalar(select(Label.pdf).where(Label.id == new_id)) is None


def _pdf_text(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).pages[0].extract_text().replace(" ", "")
