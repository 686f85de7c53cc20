"""The return's staff page: items, reception, diagnosis, refunds, credit, audit trail."""

from __future__ import annotations

from portal.extensions import db
from portal.models import Label
from tests.staff.staffkit import actions, flush_mail, page, reload


def test_the_page_shows_items_and_the_audit_trail(client, factory, auth, desk):
    user = auth.login("warehouse")
    rr = factory.return_()
    desk.receive(rr, note="box crushed")
    text = page(client.get(f"/staff/returns/{rr.rma}"))
    shown = text.page
    assert shown.by_id("rma") == rr.rma
    assert shown.by_id("status") == "Parcel received"
    assert "TEE shirt (Blue · M)" in text and "TEE-M" in text
    audit = shown.by_id("audit")
    assert "Customer: anne@example.fr" in audit and "Return requested" in audit
    assert f"Staff: {user.email}" in audit
    assert "Label sent, parcel not yet dropped off → Parcel received" in audit
    assert "Note: box crushed" in audit and "TEE-M × 1" in audit
    assert "diagnose-form" in shown.ids
    assert [c for c in shown.controls if c.name.startswith("grade-")]
    assert shown.unlabelled_controls() == []


def test_an_unknown_return_is_a_404(client, warehouse):
    assert client.get("/staff/returns/R-NOPE-00").status_code == 404


def test_support_sees_the_actions_that_fit_each_item(client, factory, auth, desk):
    auth.login("support")
    rr = factory.return_(with_label=False)
    text = page(client.get(f"/staff/returns/{rr.rma}"))
    ids = text.page.ids
    assert not [i for i in ids if i.startswith("refund-")] and "goodwill-form" in ids
    desk.receive(rr)
    desk.diagnose(rr)
    text = page(client.get(f"/staff/returns/{rr.rma}"))
    assert text.page.by_id(f"refund-{rr.items[0].id}") == "Refund"


def test_support_reissues_a_label(client, factory, auth, mailbox):
    auth.login("support")
    rr = factory.return_(locale="en")
    old = rr.current_label.tracking_code
    flush_mail(mailbox)
    text = page(client.post(f"/staff/returns/{rr.rma}/reissue-label", follow_redirects=True))
    rr = reload(rr)
    new = rr.current_label.tracking_code
    assert new != old and f"New label issued and e-mailed: {new}." in text
    assert db.session.query(Label).filter_by(tracking_code=old).one().voided_at is not None
    assert actions(rr)[-1] == "label_reissued"
    assert mailbox.kinds("anne@example.fr") == ["confirmation"]


def test_no_new_label_once_the_parcel_has_arrived(client, factory, auth, desk):
    auth.login("support")
    rr = factory.return_()
    desk.receive(rr)
    labels = db.session.query(Label).count()
    text = page(client.post(f"/staff/returns/{rr.rma}/reissue-label", follow_redirects=True))
    assert "A new label can only be issued before the parcel is sent." in text
    assert db.session.query(Label).count() == labels
    assert "label_reissued" not in actions(rr)
