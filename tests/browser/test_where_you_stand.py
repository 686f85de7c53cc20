"""Issue 14 in Chromium: each journey (refund, exchange, store credit, gift) in French and
in English. On every page: nothing wider than the viewport at 360 and at 1280 px. What the
customer reads: the replacement's size on the review, the amounts on the confirmation and
status pages, the shop's contact in the footer."""

from __future__ import annotations

import re

import pytest

from portal.commands.demo import GIFT_CODE

WIDTHS = (360, 1280)

# What each language calls the controls the journeys use.
WORDS = {
    "fr": {
        "number": "Numéro de commande",
        "contact": "Adresse e-mail ou code postal de livraison",
        "find": "Retrouver ma commande",
        "how_many": "Combien en retourner",
        "why": "Pourquoi le retournez-vous ?",
        "exchange": "Échanger contre une autre taille ou couleur",
        "size": "Taille ou couleur",
        "refund": "Remboursement sur mon moyen de paiement",
        "credit": "Avoir",
        "continue": "Continuer",
        "choose": "Choisir",
        "confirm": "Confirmer et obtenir mon étiquette",
        "gift_link": "Échangez-le avec votre code cadeau",
        "gift_code": "Code cadeau",
        "name": "Votre nom",
        "email": "Votre adresse e-mail",
        "line1": "Adresse",
        "postcode": "Code postal",
        "city": "Ville",
        "contact_title": "Service client Maison Lin",
    },
    "en": {
        "number": "Order number",
        "contact": "E-mail address or shipping postcode",
        "find": "Find my order",
        "how_many": "How many to return",
        "why": "Why are you returning it?",
        "exchange": "Exchange for another size or colour",
        "size": "Size or colour",
        "refund": "Refund to my original payment",
        "credit": "Store credit",
        "continue": "Continue",
        "choose": "Choose",
        "confirm": "Confirm and get my label",
        "gift_link": "Exchange it with your gift code",
        "gift_code": "Gift code",
        "name": "Your name",
        "email": "Your e-mail address",
        "line1": "Street address",
        "postcode": "Postcode",
        "city": "City",
        "contact_title": "Maison Lin customer service",
    },
}

# What the customer must read, per journey and language: (on the review, on the status page)
EXPECTED = {
    ("refund", "fr"): "1 × Slim jeans (Indigo · 32) — remboursement de 74,10 € (4,90 € déduits)",
    ("refund", "en"): "1 × Slim jeans (Indigo · 32) — refund of €74.10 (€4.90 deducted)",
    (
        "exchange",
        "fr",
    ): "1 × Organic T-shirt (Blue · M) — échange contre Organic T-shirt (Blue · L)",
    ("exchange", "en"): "1 × Organic T-shirt (Blue · M) — exchange for Organic T-shirt (Blue · L)",
    ("credit", "fr"): "1 × Organic T-shirt (Blue · M) — avoir de 27,50 €, dont 2,50 € de bonus",
    (
        "credit",
        "en",
    ): "1 × Organic T-shirt (Blue · M) — store credit of €27.50, including a €2.50 bonus",
    ("gift", "fr"): "1 × Organic T-shirt (Blue · M) — échange contre Organic T-shirt (White · L)",
    ("gift", "en"): "1 × Organic T-shirt (Blue · M) — exchange for Organic T-shirt (White · L)",
}
TOTALS = {
    ("refund", "fr"): "74,10 €",
    ("refund", "en"): "€74.10",
    ("credit", "fr"): "27,50 €",
    ("credit", "en"): "€27.50",
}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "STORE_CREDIT_BONUS_PERCENT": 10, "RETURN_SHIPPING_FEE": 490}


def plain(text: str) -> str:
    """The page's text with no-break spaces read as spaces (French typography uses them)."""
    return re.sub(r"[\u00a0\u202f]", " ", text)


class Walk:
    """One customer in one language: every page is checked at both widths when it loads."""

    def __init__(self, page, lang: str):
        self.page, self.w, self.lang = page, WORDS[lang], lang
        self.pages: list[str] = []

    def check_widths(self) -> None:
        page = self.page
        page.wait_for_load_state()
        path = page.url
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            wide = page.evaluate(
                "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            )
            assert wide <= width, f"{path} is {wide} px wide in a {width} px window"
        page.set_viewport_size({"width": 360, "height": 800})  # the journey runs on a phone
        self.pages.append(path)

    def footer(self) -> None:
        contact = plain(self.page.locator("#shop-contact").inner_text())
        assert self.w["contact_title"] in contact
        assert "service@maison-lin.example" in contact and "+33 1 84 80 12 34" in contact

    def item(self, sku: str, reason: str = "too_small"):
        section = self.page.locator("section", has_text=sku)
        section.get_by_label(self.w["how_many"]).select_option("1")
        section.get_by_label(self.w["why"]).select_option(reason)
        return section

    def replacement(self, section, label: str) -> None:
        section.get_by_label(self.w["exchange"]).check()
        size = section.get_by_label(self.w["size"], exact=True)
        value = size.locator("option", has_text=label).first.get_attribute("value")
        size.select_option(value)

    def click(self, name: str, exact: bool = False) -> None:
        self.page.get_by_role("button", name=name, exact=exact).first.click()
        self.check_widths()


def _lookup(walk: Walk, live_server: str) -> None:
    page, w = walk.page, walk.w
    page.goto(live_server + "/")
    walk.check_widths()
    walk.footer()
    page.get_by_label(w["number"]).fill("fr10001")  # typed loosely: still found
    page.get_by_label(w["contact"]).fill("camille.martin@example.fr")
    walk.click(w["find"])


def _gift(walk: Walk, live_server: str) -> None:
    page, w = walk.page, walk.w
    page.goto(live_server + "/")
    walk.check_widths()
    page.get_by_role("link", name=w["gift_link"]).click()
    walk.check_widths()
    page.get_by_label(w["gift_code"]).fill(GIFT_CODE)
    walk.click(w["continue"])


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("journey", ["refund", "exchange", "credit", "gift"])
def test_journey_reads_right_and_fits(browser, live_server, journey, lang):
    context = browser.new_context(
        viewport={"width": 360, "height": 800}, locale="fr-FR" if lang == "fr" else "en-GB"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        walk = Walk(page, lang)
        w = walk.w
        if journey == "gift":
            _gift(walk, live_server)
        else:
            _lookup(walk, live_server)
        assert "/return/items" in page.url
        if journey == "refund":
            walk.item("JEAN-SLIM-INDIGO-32", "changed_mind").get_by_label(w["refund"]).check()
        elif journey == "credit":
            section = walk.item("TEE-ORG-BLUE-M")
            section.locator('input[type=radio][value="store_credit"]').check()
            assert w["credit"] in section.locator("fieldset").inner_text()
        else:
            label = "White · L" if journey == "gift" else "Blue · L"
            walk.replacement(walk.item("TEE-ORG-BLUE-M"), label)
        walk.click(w["continue"])
        if journey == "gift":
            assert "FR-10005" not in page.content()  # never the buyer's order number
            page.get_by_label(w["name"]).fill("Léa Fontaine")
            page.get_by_label(w["email"]).fill("lea.fontaine@example.fr")
            page.get_by_label(w["line1"], exact=True).fill("18 cours Gambetta")
            page.get_by_label(w["postcode"]).fill("69003")
            page.get_by_label(w["city"]).fill("Lyon")
            walk.click(w["continue"])
        assert "/return/relay" in page.url
        walk.click(w["choose"])

        assert "/return/review" in page.url
        expected = EXPECTED[(journey, lang)]
        assert expected in plain(page.locator("#summary").inner_text())
        if journey in TOTALS:
            assert TOTALS[(journey, lang)] in plain(page.locator("#totals").inner_text())
        walk.click(w["confirm"])

        assert "/r/" in page.url and "new=1" in page.url  # the confirmation page
        assert expected in plain(page.locator("#summary").inner_text())
        walk.footer()
        page.goto(page.url.split("?")[0])  # the status page, as the e-mail's link opens it
        walk.check_widths()
        summary = plain(page.locator("#summary").inner_text())
        assert expected in summary
        if journey in TOTALS:
            assert TOTALS[(journey, lang)] in plain(page.locator("#totals").inner_text())
        if journey == "gift":
            assert "€" not in page.content()
        walk.footer()
        assert len(walk.pages) >= 5
    finally:
        context.close()
