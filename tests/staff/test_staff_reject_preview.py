"""Rejecting an item: the worker sees the customer's e-mail, with the typed reason, before
anything is saved or sent; "Send" then saves the diagnosis and the same e-mail goes out."""

from __future__ import annotations

from portal.extensions import db
from portal.models import OutboxMessage
from portal.services import warehouse
from tests.staff.staffkit import actions, flush_mail, page, reload, text_of

REASON = "Worn beyond our policy: stains on the collar"


def received(factory, locale="en"):
    rr = factory.return_(locale=locale)
    warehouse.receive_parcel(rr, {i.id: i.quantity for i in rr.items}, actor="w")
    db.session.commit()
    return rr


def test_the_form_says_the_customer_reads_the_reason(client, factory, warehouse):
    rr = received(factory)
    shown = page(client.get(f"/staff/returns/{rr.rma}")).page
    assert "reads a reason to reject word for word" in shown.by_id("reject-help")
    item = rr.items[0]
    assert shown.control(f"reject-{item.id}").attrs["aria-describedby"] == "reject-help"


def test_a_reason_shows_the_email_first_and_changes_nothing(
    client, factory, desk, warehouse, mailbox
):
    rr = received(factory)
    flush_mail(mailbox)
    before = actions(rr)
    response = desk.diagnose(rr, grade="C", reject=REASON, send=False)
    assert response.status_code == 200
    text = page(response)
    assert "Check the e-mail before sending" in text
    assert "Nothing is saved and nothing is sent until you press “Send”" in text
    mail = text.page.by_id("preview-text")
    assert f"We cannot accept this item: {REASON}. We will send it back to you." in mail
    assert text.page.by_id("preview-to").endswith("<anne@example.fr>")
    assert rr.rma in text.page.by_id("preview-subject")
    # nothing changed, nothing queued, nothing sent
    rr = reload(rr)
    item = rr.items[0]
    assert (item.grade, item.outcome) == (None, None) and not item.rejection_reason
    assert actions(rr) == before
    assert db.session.query(OutboxMessage).filter_by(kind="diagnosis").count() == 0
    assert mailbox.kinds("anne@example.fr") == []


def test_send_saves_and_emails_what_was_previewed(client, factory, desk, warehouse, mailbox):
    rr = received(factory)
    flush_mail(mailbox)
    preview = page(desk.diagnose(rr, grade="C", reject=REASON, send=False))
    shown_mail = preview.page.by_id("preview-text")
    form = preview.page.form_posting_to(f"/staff/returns/{rr.rma}/diagnose")
    assert form.values()["send"] == "1" and "csrf_token" in form.values()
    done = page(client.post(form.action, data=form.values(), follow_redirects=True))
    assert "Diagnosis saved for 1 item(s)." in done
    item = reload(rr).items[0]
    assert (item.outcome, item.rejection_reason) == ("rejected", REASON)
    [sent] = mailbox.to("anne@example.fr")
    body = text_of(sent)
    assert f"We cannot accept this item: {REASON}." in body
    assert " ".join(body.split()) == " ".join(shown_mail.replace("\xa0", " ").split())


def test_the_preview_is_in_the_customers_language(client, factory, desk, warehouse):
    rr = received(factory, locale="fr")
    text = page(desk.diagnose(rr, grade="C", reject="Taché", send=False))
    assert "Nous ne pouvons pas accepter cet article : Taché." in text.page.by_id(
        "preview-text"
    ).replace("\xa0", " ")


def test_change_the_reason_and_preview_again(client, factory, desk, warehouse):
    rr = received(factory)
    preview = page(desk.diagnose(rr, grade="C", reject="first try", send=False)).page
    form = preview.form_posting_to(f"/staff/returns/{rr.rma}/diagnose")
    change = [f for f in preview.forms if f.attrs.get("id") == "change-form"][0]
    data = {**change.values(), f"reject-{rr.items[0].id}": "second try"}
    again = page(client.post(change.action, data=data)).page
    assert "second try" in again.by_id("preview-text")
    assert "first try" not in again.by_id("preview-text")
    assert "send" not in change.values() and form.values()["send"] == "1"
    assert reload(rr).items[0].outcome is None


def test_a_bad_grade_in_the_preview_says_why_and_changes_nothing(client, factory, desk, warehouse):
    rr = received(factory)
    response = desk.diagnose(rr, grade="Z", reject="no", send=False)
    assert response.status_code == 400
    assert "choose a condition" in page(response).page.by_id("preview-error")
    assert reload(rr).items[0].grade is None


def test_accepting_needs_no_preview(client, factory, desk, warehouse):
    rr = received(factory)
    text = page(desk.diagnose(rr, grade="A", send=False))
    assert "Diagnosis saved for 1 item(s)." in text
