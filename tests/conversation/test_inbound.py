"""Replies by e-mail come back into the thread through our inbound SMTP server: matched by
the signed reply address, the quoted part cut; forged or unknown addresses get a 550."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest

from portal.conversation import inbound, reply_to
from portal.extensions import db
from portal.links import status_path
from portal.models import Message
from tests.conftest import free_port
from tests.htmlkit import page

QUOTED_EN = """Thanks, I will drop it off on Monday.
Is the relay point open at 8?

On Tue, Dec 1, 2026 at 10:00 AM Maison Lin <retours@example.com> wrote:
> Hello Anne,
>
> Here is our answer about your return.
"""

QUOTED_FR = """Parfait, merci beaucoup !

Le mar. 1 déc. 2026 à 10:00, Maison Lin <retours@example.com> a écrit :
> Bonjour Anne,
> Voici notre réponse au sujet de votre retour.
"""


@pytest.fixture
def server(app):
    controller = inbound.controller(app, "127.0.0.1", free_port())
    controller.start()
    yield controller
    controller.stop()


def _mail(to: str, body: str, **headers) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "Anne <anne@example.fr>"
    mail["To"] = to
    mail["Subject"] = "Re: Our answer about your return"
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(body)
    return mail


def _send(server, mail: EmailMessage, to: str):
    with smtplib.SMTP(server.hostname, server.port, timeout=10) as smtp:
        return smtp.send_message(mail, to_addrs=[to])


def _bodies() -> list[tuple[str, str, str]]:
    db.session.expire_all()
    return [(m.author, m.source, m.body) for m in db.session.scalars(db.select(Message))]


def test_a_quoted_reply_lands_in_the_thread_without_the_quote(client, factory, server):
    rr = factory.return_(locale="en")
    factory.question(rr, "Can I drop it off on Monday?")
    address = reply_to.address(rr.rma)
    assert _send(server, _mail(address, QUOTED_EN), address) == {}
    assert _bodies()[-1] == (
        "customer",
        "email",
        "Thanks, I will drop it off on Monday.\nIs the relay point open at 8?",
    )
    thread = page(client.get(status_path(rr))).by_id("thread-messages")
    assert "Is the relay point open at 8?" in thread and "by e-mail" in thread
    assert "Here is our answer" not in thread


def test_a_french_reply_loses_its_french_quote(factory, server):
    rr = factory.return_(locale="fr")
    address = reply_to.address(rr.rma)
    _send(server, _mail(address, QUOTED_FR), address)
    assert _bodies() == [("customer", "email", "Parfait, merci beaucoup !")]


def test_an_html_only_reply_is_read_as_text(factory, server):
    rr = factory.return_()
    address = reply_to.address(rr.rma)
    mail = _mail(address, "x")
    mail.set_content("<html><body><p>Merci&nbsp;!</p><div>Anne</div></body></html>", subtype="html")
    _send(server, mail, address)
    assert _bodies() == [("customer", "email", "Merci\xa0!\n\nAnne")]


@pytest.mark.parametrize(
    "address",
    [
        "reply+r-aaaa-bb.aaaaaaaaaaaaaaaaaaaaaaaaaa@in.retours.test",  # forged signature
        "reply+r-aaaa-bb@in.retours.test",  # unsigned
        "someone@in.retours.test",
        "support@elsewhere.test",
    ],
)
def test_forged_or_unknown_addresses_are_refused_with_550(factory, server, address):
    factory.return_()
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        _send(server, _mail(address, "let me in"), address)
    assert refused.value.recipients[address][0] == 550
    assert _bodies() == []


def test_a_signature_for_another_return_cannot_be_reused(factory, server):
    first, second = factory.return_(), factory.return_()
    good = reply_to.address(first.rma)
    forged = good.replace(first.rma.lower(), second.rma.lower())
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        _send(server, _mail(forged, "hijack"), forged)
    assert _bodies() == []


def test_an_oversize_message_is_refused(app, factory, server):
    rr = factory.return_()
    address = reply_to.address(rr.rma)
    big = _mail(address, "x" * (app.config["INBOUND_MAX_BYTES"] + 10))
    with pytest.raises((smtplib.SMTPDataError, smtplib.SMTPSenderRefused)) as refused:
        _send(server, big, address)
    assert refused.value.smtp_code == 552
    assert _bodies() == []


def test_an_empty_reply_and_an_auto_reply_are_refused(factory, server):
    rr = factory.return_()
    address = reply_to.address(rr.rma)
    with pytest.raises(smtplib.SMTPDataError) as empty:
        _send(server, _mail(address, "\n> only the quote\n"), address)
    assert empty.value.smtp_code == 550
    with pytest.raises(smtplib.SMTPDataError) as auto:
        _send(server, _mail(address, "I am away", Auto_Submitted="auto-replied"), address)
    assert auto.value.smtp_code == 550
    assert _bodies() == []


def test_inbound_read_takes_one_message_from_stdin(runner, factory):
    rr = factory.return_()
    address = reply_to.address(rr.rma)
    result = runner.invoke(args=["inbound", "read"], input=_mail(address, QUOTED_EN).as_bytes())
    assert result.exit_code == 0, result.output
    assert _bodies()[-1][2].startswith("Thanks, I will drop it off on Monday.")


def test_inbound_read_refuses_a_forged_address(runner, factory):
    rr = factory.return_()
    forged = reply_to.address(rr.rma).replace("reply+", "reply+x")
    result = runner.invoke(args=["inbound", "read"], input=_mail(forged, "hi").as_bytes())
    assert result.exit_code == 67
    assert "550" in result.output
    assert _bodies() == []


def test_the_lmtp_server_takes_a_reply_too(app, factory):
    rr = factory.return_()
    address = reply_to.address(rr.rma)
    controller = inbound.controller(app, "127.0.0.1", free_port(), lmtp=True)
    controller.start()
    try:
        with smtplib.LMTP(controller.hostname, controller.port, timeout=10) as lmtp:
            assert lmtp.send_message(_mail(address, QUOTED_FR), to_addrs=[address]) == {}
    finally:
        controller.stop()
    assert _bodies() == [("customer", "email", "Parfait, merci beaucoup !")]


def test_a_reply_by_e_mail_after_our_answer_puts_the_thread_back_in_the_inbox(factory, server):
    from portal.conversation import threads

    rr = factory.return_(locale="en")
    factory.question(rr, "Where is it?")
    threads.reply(rr, factory.staff("support"), "On its way.")
    db.session.commit()
    assert threads.summary().unanswered == 0
    address = reply_to.address(rr.rma)
    _send(server, _mail(address, QUOTED_EN), address)
    db.session.expire_all()
    assert threads.summary().unanswered == 1
    assert [m.author for m in threads.thread_of(rr).messages] == ["customer", "staff", "customer"]
