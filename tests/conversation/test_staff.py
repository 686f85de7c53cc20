"""Support answers from the return's page; the customer gets the reply by e-mail, signed
with the staff member's first name, in their language; the inbox puts what waits first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from portal.conversation import reply_to
from portal.extensions import db
from portal.links import status_path
from portal.models import Message, OutboxMessage
from portal.outbox import deliver_due
from tests.conftest import PASSWORD
from tests.htmlkit import page
from tests.staff.staffkit import text_of


def _login(client, factory, role="support", first_name="Camille"):
    user = factory.staff(role)
    user.first_name = first_name
    db.session.commit()
    response = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return user


def replies(mailbox, rr) -> list:
    return [m for m in mailbox.to(rr.contact_email) if m["X-Retours-Kind"] == "reply"]


def _reply(client, rr, body):
    return client.post(f"/staff/returns/{rr.rma}/reply", data={"body": body})


def test_support_replies_and_the_customer_gets_it_in_french(client, factory, mailbox):
    rr = factory.return_(locale="fr")
    factory.question(rr, "Quand arrive mon remboursement ?")
    _login(client, factory)
    shown = page(client.get(f"/staff/returns/{rr.rma}"))
    assert "Quand arrive mon remboursement ?" in shown.by_id("conversation")
    assert "Answer due by" in shown.by_id("conversation")
    mailbox.clear()
    response = _reply(client, rr, "Bonjour,\nIl part demain.")
    assert response.status_code == 302
    after = page(client.get(response.headers["Location"]))
    assert "Your reply is sent to the customer by e-mail." in after.text
    assert "Il part demain." in after.by_id("thread-messages")
    [mail] = replies(mailbox, rr)
    assert mail["Subject"] == f"Notre réponse au sujet de votre retour {rr.rma}"
    body = text_of(mail)
    assert "Bonjour,\nIl part demain." in body
    assert "Camille, pour le service client Maison Lin" in body
    assert mail["Reply-To"] == reply_to.address(rr.rma)
    assert mail["Reply-To"].startswith("reply+") and mail["Reply-To"].endswith("@in.retours.test")
    # the customer sees the thread on the status page, signed with the first name
    client.get("/staff/logout")
    status = page(client.get(status_path(rr), headers={"Accept-Language": "fr"}))
    thread = status.by_id("thread-messages")
    assert "Camille, service client" in thread and "Il part demain." in thread


def test_an_english_customer_gets_an_english_reply(client, factory, mailbox):
    rr = factory.return_(locale="en")
    factory.question(rr, "When is my refund coming?")
    _login(client, factory, first_name="Sam")
    mailbox.clear()
    _reply(client, rr, "Tomorrow.")
    [mail] = replies(mailbox, rr)
    assert mail["Subject"] == f"Our answer about your return {rr.rma}"
    body = text_of(mail)
    assert "Here is our answer about your return" in body and "Tomorrow." in body
    assert "Sam, for the Maison Lin customer service team" in body


def test_every_e_mail_about_a_return_carries_its_signed_reply_address(client, factory, mailbox):
    rr = factory.return_()
    deliver_due()
    [confirmation] = mailbox.to(rr.contact_email)
    assert confirmation["Reply-To"] == reply_to.address(rr.rma)
    assert reply_to.read(confirmation["Reply-To"]) == rr.rma


def test_nothing_to_answer_is_refused_and_sends_nothing(client, factory, mailbox):
    rr = factory.return_()
    _login(client, factory)
    mailbox.clear()
    response = _reply(client, rr, "Hello")
    shown = page(client.get(response.headers["Location"]))
    assert "The customer has not written about this return: nothing to answer." in shown.text
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 0
    assert replies(mailbox, rr) == []


def test_an_empty_reply_is_refused_and_sends_nothing(client, factory, mailbox):
    rr = factory.return_()
    factory.question(rr)
    _login(client, factory)
    mailbox.clear()
    shown = page(client.get(_reply(client, rr, "  ").headers["Location"]))
    assert "Please write your message." in shown.text
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 1
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(
        OutboxMessage.kind == "reply")) == 0  # fmt: skip


def test_the_same_reply_twice_is_sent_once(client, factory, mailbox):
    rr = factory.return_()
    factory.question(rr)
    _login(client, factory)
    mailbox.clear()
    _reply(client, rr, "On it.")
    shown = page(client.get(_reply(client, rr, "On it.").headers["Location"]))
    assert "This reply was already sent." in shown.text
    assert len(replies(mailbox, rr)) == 1


def test_warehouse_staff_cannot_reply_nor_open_the_inbox(client, factory, mailbox):
    rr = factory.return_()
    factory.question(rr)
    _login(client, factory, role="warehouse")
    assert client.get("/staff/inbox").status_code == 403
    assert _reply(client, rr, "Hi").status_code == 403
    assert "reply-form" not in page(client.get(f"/staff/returns/{rr.rma}")).ids
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 1


def test_the_inbox_puts_missed_promises_on_top_then_the_oldest(client, factory):
    now = datetime.now(UTC)
    answered, recent, old, missed = (factory.return_() for _ in range(4))
    factory.question(answered, "done?", created_at=now - timedelta(days=30))
    user = _login(client, factory)
    db.session.add(
        Message(thread=answered and factory_thread(answered), author="staff",
                staff_user_id=user.id, body="yes")
    )  # fmt: skip
    db.session.commit()
    factory.question(recent, "new", created_at=now - timedelta(minutes=5))
    factory.question(old, "older", created_at=now - timedelta(minutes=50))
    factory.question(missed, "ignored", created_at=now - timedelta(days=10))
    shown = page(client.get("/staff/inbox"))
    rows = [tr.get("id") for tr in shown.soup.select("#inbox tbody tr")]
    assert rows == [f"inbox-{rr.rma}" for rr in (missed, old, recent, answered)]
    assert "promise missed" in shown.by_id(f"inbox-{missed.rma}")
    assert "promise missed" not in shown.by_id(f"inbox-{recent.rma}")
    assert "answered" in shown.by_id(f"inbox-{answered.rma}")
    # the staff home: how many wait, the oldest's age, the missed promise
    home = page(client.get("/staff/"))
    assert "3 questions wait for an answer" in home.by_id("home-inbox")
    assert "the oldest for 10 d 0 h." in home.by_id("home-inbox")
    assert "1 promise missed" in home.by_id("home-inbox")
    # the return's page says it too
    assert "Promise missed" in page(client.get(f"/staff/returns/{missed.rma}")).text


def factory_thread(rr):
    from portal.conversation.threads import thread_of

    return thread_of(rr)


def test_the_staff_home_says_when_nothing_waits(client, factory):
    _login(client, factory)
    assert "Every question has an answer." in page(client.get("/staff/")).by_id("home-inbox")


def test_an_admin_sets_a_first_name_from_the_command_line(runner, factory):
    user = factory.staff("support")
    result = runner.invoke(args=["staff", "first-name", user.email, "Camille"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(type(user), user.id).first_name == "Camille"
    refused = runner.invoke(args=["staff", "first-name", "nobody@shop.example.com", "X"])
    assert refused.exit_code != 0 and "no staff account" in refused.output
