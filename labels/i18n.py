"""The fixed wording of labels and gift receipts, in French and English."""

from __future__ import annotations

import datetime

_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "label_title": "Étiquette retour {rma}",
        "rma": "N° de retour",
        "issued": "Émise le {date}",
        "valid_until": "Valable jusqu'au {date}",
        "drop_off": "Point de dépôt",
        "hours": "Horaires : {hours}",
        "no_relay": "Remise au transporteur",
        "no_relay_text": "Enlèvement à domicile ou dépôt auprès de {carrier}.",
        "scan": "Suivi du retour",
        "from": "Expéditeur",
        "to": "Destinataire",
        "contents": "Contenu (réf. × qté)",
        "more": "+{n} autres articles",
        "instructions": (
            "1. Collez l'étiquette à plat sur le colis, code-barres visible, sans ruban adhésif "
            "dessus.\n2. Déposez le colis {where}{deadline}.\n3. Gardez votre preuve de dépôt "
            "jusqu'à la fin du retour."
        ),
        "where_relay": "au point de dépôt indiqué",
        "where_home": "auprès de {carrier}",
        "deadline": " avant le {date}",
        "gift_title": "Ticket cadeau",
        "order": "Commande {number}",
        "gift_message": "Message",
        "article": "Article",
        "sku": "Réf.",
        "qty": "Qté",
        "gift_code": "Code cadeau",
        "gift_how": (
            "Un article ne convient pas ? Échangez-le ou obtenez un avoir à votre nom : "
            "scannez le code QR ou rendez-vous sur {url} et saisissez le code cadeau. "
            "La personne qui vous l'a offert n'en est pas informée."
        ),
        "gift_doc_title": "Ticket cadeau {shop}",
    },
    "en": {
        "label_title": "Return label {rma}",
        "rma": "Return no.",
        "issued": "Issued {date}",
        "valid_until": "Valid until {date}",
        "drop_off": "Drop-off point",
        "hours": "Opening hours: {hours}",
        "no_relay": "Hand over to the carrier",
        "no_relay_text": "Home pickup or drop-off with {carrier}.",
        "scan": "Track your return",
        "from": "From",
        "to": "To",
        "contents": "Contents (SKU × qty)",
        "more": "+{n} more",
        "instructions": (
            "1. Stick the label flat on the parcel, barcode visible, no tape over it.\n"
            "2. Drop the parcel off {where}{deadline}.\n"
            "3. Keep your drop-off receipt until the return is complete."
        ),
        "where_relay": "at the drop-off point shown",
        "where_home": "with {carrier}",
        "deadline": " by {date}",
        "gift_title": "Gift receipt",
        "order": "Order {number}",
        "gift_message": "Message",
        "article": "Item",
        "sku": "SKU",
        "qty": "Qty",
        "gift_code": "Gift code",
        "gift_how": (
            "Something not quite right? Exchange it or get store credit in your own name: "
            "scan the QR code or go to {url} and enter the gift code. "
            "The person who gave it to you is not told."
        ),
        "gift_doc_title": "Gift receipt {shop}",
    },
}


def t(locale: str, key: str, **values: object) -> str:
    """The text for ``key`` in ``locale``, with ``values`` filled in."""
    return TEXT[locale][key].format(**values)


def format_date(locale: str, day: datetime.date) -> str:
    """A short, unambiguous date: 23/11/2026 in French, 23 Nov 2026 in English."""
    if locale == "fr":
        return day.strftime("%d/%m/%Y")
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
