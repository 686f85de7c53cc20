"""French typography, one rule for pages and e-mails: a no-break space before « : » and
inside « », a narrow no-break space before « ; ! ? », so that punctuation never starts a
line. No Flask here: the customer's pages (portal/customer/typography.py) and the e-mails
(portal/emails.py) apply it to what they answer in French."""

from __future__ import annotations

import re

NBSP, NNBSP = "\u00a0", "\u202f"
_TAG = re.compile(r"(<[^>]*>)")
_RAW = re.compile(r"<(/?)(script|style|textarea|pre|code)\b", re.IGNORECASE)
_SPACE_BEFORE_COLON = re.compile(r"[ \t\u00a0\u202f]+:")  # "Total : 5" -> "Total\xa0: 5"
_GLUED_COLON = re.compile(r"(?<=[^\W\d_]):(?=\s|$)")  # "Total: 5" -> "Total\xa0: 5"
_SPACE_BEFORE_HIGH = re.compile(r"[ \t\u00a0\u202f]+([;!?])")  # "Oui ?" -> "Oui\u202f?"
_AFTER_GUILLEMET = re.compile(r"«[ \t\u00a0\u202f]*")
_BEFORE_GUILLEMET = re.compile(r"(?<=\S)[ \t\u00a0\u202f]*»")
_TOUCHED = re.compile(r"[:;!?«»]")  # a piece without any of these is left as it is


def french(text: str) -> str:
    """One piece of text (no markup) set in French typography."""
    if not _TOUCHED.search(text):
        return text
    text = _SPACE_BEFORE_COLON.sub(NBSP + ":", text)
    text = _GLUED_COLON.sub(NBSP + ":", text)
    text = _SPACE_BEFORE_HIGH.sub(NNBSP + r"\1", text)
    text = _AFTER_GUILLEMET.sub("«" + NBSP, text)
    return _BEFORE_GUILLEMET.sub(NBSP + "»", text)


def french_html(html: str) -> str:
    """`french` on the text between tags; tags and raw elements are left as they are."""
    out = []
    raw = 0
    for piece in _TAG.split(html):
        if piece.startswith("<"):
            found = _RAW.match(piece)
            if found:
                raw = max(raw + (-1 if found.group(1) else 1), 0)
            out.append(piece)
        elif raw or not piece.strip():
            out.append(piece)
        else:
            out.append(french(piece))
    return "".join(out)
