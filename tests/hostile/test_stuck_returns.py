"""A return whose data breaks its e-mail or its label is never silently stuck: the customer
gets a page that says where things are (not a 500), and the staff home shows the return
with the reason. The bad data is written straight into the database here: it stands for
whatever let it in (an older version, an import, a platform sync)."""

from __future__ import annotations

from datetime import timedelta

from portal.extensions import db
from portal.models import OutboxMessage, ReturnRequest
from portal.models.base import utcnow
from tests.customer.pagekit import item_fields, lookup
from tests.factories import PASSWORD
from tests.staff.staffkit import page


def _confirm(client, factory, **order_changes):
    factory.variants("TEE", M=5, L=5)
    order = factory.order([("TEE-M", 1)])
    point = factory.relay_point()
    for name, value in order_changes.items():
        setattr(order, name, value)
    db.session.commit()
    assert lookup(client, order, contact="75011").status_code == 302
    assert client.post("/return/items", data=item_fields(order.lines[0])).status_code == 302
    client.post("/return/relay", data={"relay_point_id": str(point.id)})
    response = client.post("/return/confirm")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    [rr] = db.session.query(ReturnRequest).all()
    return rr, response.headers["Location"]


def _staff_home(client, factory) -> str:
    user = factory.staff("warehouse")
    client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    return page(client.get("/staff/"))


def test_a_line_break_in_the_name_no_longer_stops_the_return(client, factory, mailbox):
    rr, location = _confirm(client, factory, shipping_name="Anne\r\nBcc: evil@example.com")

    status = client.get(location)
    assert status.status_code == 200
    assert rr.status == "label_issued"
    [mail] = mailbox.to("anne@example.fr")
    assert mail["To"] == '"Anne Bcc: evil@example.com" <anne@example.fr>'
    assert mail["Bcc"] is None
    assert mail.envelope_to == ["anne@example.fr"]


def test_an_address_no_e_mail_can_carry_is_shown_to_staff_with_the_reason(client, factory, mailbox):
    rr, location = _confirm(client, factory, email="anne@example.fr\r\nBcc: evil@example.com")

    status = client.get(location)
    assert status.status_code == 200
    assert "label" in page(status).lower()
    assert rr.status == "label_issued"  # the label exists: the customer can print it
    assert mailbox.messages == []
    [row] = db.session.query(OutboxMessage).all()
    assert (row.status, row.kind) == ("failed", "confirmation")

    home = _staff_home(client, factory)
    assert "E-mails not sent" in home
    assert rr.rma in home
    assert "the e-mail cannot be built from this return's data" in home


def test_a_label_that_cannot_be_made_from_the_data_is_blocked_and_shown(client, factory, runner):
    rr = factory.return_(with_label=False)
    rr.locale = "de"  # no label wording exists for it: the renderer refuses
    rr.label_next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    result = runner.invoke(args=["labels", "retry"])
    assert result.exit_code == 0, result.output

    db.session.expire_all()
    rr = db.session.get(ReturnRequest, rr.id)
    assert rr.status == "requested" and rr.current_label is None
    assert rr.label_blocked is True
    assert "the label cannot be made from this return's data" in rr.label_error
    home = _staff_home(client, factory)
    assert "Label purchase blocked" in home
    assert rr.rma in home
    assert "the label cannot be made from this return's data" in home


def test_mail_that_keeps_failing_to_send_is_shown_to_staff(client, factory, mailbox):
    rr = factory.return_()
    row = db.session.query(OutboxMessage).filter_by(return_id=rr.id).first()
    row.attempts, row.last_error = 4, "SMTPRecipientsRefused: 550 no such mailbox"
    row.next_attempt_at = utcnow() + timedelta(hours=1)
    db.session.commit()

    home = _staff_home(client, factory)
    assert "E-mails not sent" in home
    assert rr.rma in home and "550 no such mailbox" in home
