"""French typography, one rule for pages and e-mails: a no-break space before « : » and
inside « », a narrow no-break space before « ; ! ? », so that punctuation never starts a
line. No Flask here: the customer's pages (portal/customer/typography.py) and the e-mails
(portal/emails.py) apply it to what they answer in French."""

from __future__ import annotations

import re

NBSP, NNBSP = "\u00a0", "\u202f"
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


# A raw element whole (scripts, styles, form fields, code: their text is never set), and,
# outside them, a run of text between tags that holds a character `french` changes.
_RAW_ELEMENT = re.compile(
    r"<(script|style|textarea|pre|code)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_TOUCHED_TEXT = re.compile(r">([^<:;!?«»]*[:;!?«»][^<]*)")


def french_html(html: str) -> str:
    """`french` on the text between tags; tags and raw elements are left as they are.

    Only the runs of text that hold one of « : ; ! ? « » » are visited (a page has a few
    dozen among hundreds of tags), found by two regular expressions rather than a walk of
    every piece: this runs on every page answered in French."""
    if not _TOUCHED.search(html):
        return html
    out, start = [], 0
    for raw in _RAW_ELEMENT.finditer(html):
        out.append(_text_runs(html[start : raw.start()]))
        out.append(raw.group(0))
        start = raw.end()
    out.append(_text_runs(html[start:]))
    return "".join(out)


def _text_runs(html: str) -> str:
    first = html.find("<")
    if first:  # text before the first tag (or no tag at all)
        head = html if first < 0 else html[:first]
        html = html[len(head) :]
        return french(head) + _TOUCHED_TEXT.sub(lambda run: ">" + french(run.group(1)), html)
    return _TOUCHED_TEXT.sub(lambda run: ">" + french(run.group(1)), html)
