"""The whole back-office loop through the staff pages, with the customer's e-mails."""

from __future__ import annotations

from portal.extensions import db
from portal.models import Refund, Variant
from tests.staff.staffkit import actions, flush_mail, page, reload, text_of


def test_scan_receive_diagnose_refund_and_exchange(client, factory, auth, desk, mailbox):
    factory.variants("TEE", M=5, L=2)
    factory.variants("JEAN", price=7900, S30=3, S32=3)
    order = factory.order([("TEE-M", 1), ("JEAN-S32", 1)], email="camille@example.fr")
    tee = factory.return_(order, resolution="exchange", exchange_sku="TEE-L")
    flush_mail(mailbox)
    auth.login("warehouse")

    code = tee.current_label.tracking_code
    opened = client.post("/staff/scan", data={"code": f" {code.lower()} "})
    assert opened.status_code == 302
    assert opened.headers["Location"].endswith(f"/staff/returns/{tee.rma}")

    text = page(desk.receive(tee))
    assert "Parcel received: 1 unit(s) recorded." in text
    text = page(desk.diagnose(tee, grade="A"))
    assert "Diagnosis saved for 1 item(s)." in text
    assert reload(tee).status == "inspected"

    auth.login("support")
    text = page(desk.ship(tee))
    assert "Exchange shipped. Tracking number:" in text
    tee = reload(tee)
    assert tee.status == "exchanged"
    large = db.session.query(Variant).filter_by(sku="TEE-L").one()
    assert (large.stock_on_hand, large.stock_reserved) == (1, 0)
    assert mailbox.kinds("camille@example.fr") == ["received", "diagnosis", "exchange_shipped"]
    shipped = text_of(mailbox.to("camille@example.fr")[-1])
    assert tee.items[0].exchange_tracking_code in shipped
    assert actions(tee)[-4:] == [
        "parcel_received",
        "items_inspected",
        "exchange_shipped",
        "return_resolved",
    ]


def test_refund_loop_in_french(client, factory, auth, desk, mailbox):
    rr = factory.return_(locale="fr")
    flush_mail(mailbox)
    auth.login("support")
    desk.receive(rr)
    desk.diagnose(rr, grade="A")
    text = page(desk.refund(rr))
    assert "Refund of" in text
    refund = db.session.query(Refund).one()
    assert (refund.amount, refund.status, refund.payment_reference) == (2500, "approved", "pi_test")
    assert reload(rr).status == "inspected"  # refunded only once the money is sent
    mails = mailbox.to("anne@example.fr")
    assert [m["X-Retours-Kind"] for m in mails] == ["received", "diagnosis", "refund_approved"]
    assert "25,00 €" in text_of(mails[1])
    assert "25,00 €" in text_of(mails[2])
    assert "pas encore parti" in text_of(mails[2])
