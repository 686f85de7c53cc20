"""The French typography pass over whole pages (portal/typography.py) does what the walk
of every piece between tags did, on any mix of text, tags and raw elements."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.typography import NBSP, NNBSP, french, french_html

_TAG = re.compile(r"(<[^>]*>)")
_RAW = re.compile(r"<(/?)(script|style|textarea|pre|code)\b", re.IGNORECASE)


def by_pieces(html: str) -> str:
    """The walk `french_html` replaced: each piece between tags, raw elements counted."""
    out, raw = [], 0
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


TEXT = st.sampled_from(
    [
        "Total",
        " : ",
        "5",
        "!",
        " ?",
        "oui",
        ";",
        "«",
        "»",
        " ",
        NBSP,
        "9:00",
        "\n",
        "Voir:",
        "x&gt;y",
    ]
)
TAGS = st.sampled_from(
    ['<p>', '</p>', '<a title="Un : deux" href="/x?a=b">', '</a>', "<br>", "<!doctype html>",
     '<input value="a : b ?">']
)  # fmt: skip
RAW = st.tuples(
    st.sampled_from(
        [("<textarea name=c>", "</textarea>"), ("<script>", "</script>"),
         ('<STYLE media="x">', "</style >"), ("<pre>", "</pre>"), ("<code>", "</code>")]
    ),
    st.lists(TEXT, max_size=3),
).map(lambda t: t[0][0] + "".join(t[1]) + t[0][1])  # fmt: skip
PAGES = st.lists(st.one_of(TEXT, TAGS, RAW), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(PAGES)
def test_the_page_pass_sets_what_the_piece_walk_set(html):
    assert french_html(html) == by_pieces(html)


def test_text_before_the_first_tag_and_after_a_form_field_is_set():
    html = "Oui ?<textarea>a ?</textarea>Non !<p>Total : 5</p>"
    assert french_html(html) == (
        f"Oui{NNBSP}?<textarea>a ?</textarea>Non{NNBSP}!<p>Total{NBSP}: 5</p>"
    )
