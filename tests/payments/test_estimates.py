"""`arrival_estimate(refund)`: the provider's own estimate of when a sent refund reaches the
customer (docs/payments.md [S13], [M10]–[M12]), in the customer's language; nothing for a
refund that has not left, store credit, or a manual refund the shop says nothing about."""

from __future__ import annotations

from portal.extensions import db
from portal.links import status_path
from portal.payments.estimates import arrival_estimate
from tests.htmlkit import page
from tests.payments.conftest import inspected, the_refund


def test_stripe_a_sent_refund_shows_in_5_to_10_working_days_in_the_customers_language(
    factory, support, desk, stripe_fake
):
    rr = inspected(factory, locale="fr")
    desk.refund(rr)
    refund = the_refund()
    assert (refund.status, refund.provider_status) == ("sent", "succeeded")
    assert arrival_estimate(refund) == "Votre banque l’affiche en général sous 5 à 10 jours ouvrés."
    rr.locale = "en"
    db.session.commit()
    assert arrival_estimate(refund) == "Your bank usually shows it within 5 to 10 working days."
    refund.provider_status = "requires_action"  # a method without native refunds [S1][S2]
    assert "you will receive an e-mail asking where to send the money" in arrival_estimate(refund)


def test_stripe_nothing_is_promised_before_the_money_leaves(factory, support, desk, stripe_fake):
    stripe_fake.fail("create_refund", "503")
    rr = inspected(factory)
    desk.refund(rr)
    refund = the_refund()
    assert refund.status == "approved"
    assert arrival_estimate(refund) is None


def test_mollie_card_other_methods_and_a_queued_refund(factory, support, desk, mollie_fake):
    rr = inspected(factory, reference="tr_test")
    desk.refund(rr)
    refund = the_refund()
    assert (refund.status, refund.provider) == ("sent", "mollie")
    assert rr.order.payment_method == "card"
    assert arrival_estimate(refund) == "It is credited to your card within 14 days."
    rr.order.payment_method = "ideal"
    db.session.commit()
    assert arrival_estimate(refund) == (
        "It is sent on the next working day, and for most payment methods your account is "
        "credited that same day."
    )
    refund.provider_status = "queued"  # Mollie waits for the shop's balance [M12]
    assert "as soon as the shop's payment account has the funds" in arrival_estimate(refund)


def test_manual_mode_says_the_shops_own_words_or_nothing(app, client, factory, support, desk):
    rr = inspected(factory)
    desk.refund(rr)
    refund = the_refund()
    assert (refund.status, refund.provider) == ("approved", "manual")
    assert arrival_estimate(refund) is None  # not sent yet
    client.post(f"/staff/refunds/{refund.id}/paid")
    refund = the_refund()
    assert refund.status == "sent"
    assert arrival_estimate(refund) is None
    app.config["MANUAL_REFUND_ARRIVAL"] = "Virement sous 3 jours ouvrés."
    assert arrival_estimate(refund) == "Virement sous 3 jours ouvrés."


def test_store_credit_has_no_bank_estimate(factory, support, desk, stripe_fake):
    rr = factory.return_(with_label=False, resolution="store_credit", locale="en")
    from portal.services import warehouse

    warehouse.receive_parcel(rr, {i.id: i.quantity for i in rr.items}, actor="w")
    warehouse.diagnose(rr, {i.id: ("A", "", "") for i in rr.items}, actor="w")
    db.session.commit()
    desk.refund(rr)
    refund = the_refund()
    assert (refund.method, refund.status) == ("store_credit", "sent")
    assert arrival_estimate(refund) is None
    assert stripe_fake.refunds == []


def test_the_status_page_and_the_email_give_the_providers_estimate(
    factory, support, desk, mollie_fake, client, mailbox
):
    rr = inspected(factory, reference="tr_test", locale="en")
    desk.refund(rr)
    assert the_refund().status == "sent"
    money = page(client.get(status_path(rr))).by_id("refund-lines")
    assert "It is credited to your card within 14 days." in money
    assert "5 to 10 working days" not in money
    [mail] = [m for m in mailbox.to(rr.contact_email) if m["X-Retours-Kind"] == "refund_sent"]
    sent = mail.get_body(("plain",)).get_content()
    assert "It is credited to your card within 14 days." in sent
    assert "When the money should reach you" not in sent
