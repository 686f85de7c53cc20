"""Hypothesis strategies for what an attacker, a broken client or a cat on the keyboard
types into a form: control characters, NUL, numbers beyond any column, very long text,
files where text is expected, and now and then a value that is actually valid (so that
the deeper code runs too)."""

from __future__ import annotations

import io
import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Modest by default so that the whole campaign runs in the normal suite in well under a
# minute; `HOSTILE_EXAMPLES=500 pytest -m hostile` for a longer hunt.
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "30"))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Every character a browser can send in UTF-8 (no lone surrogates: they cannot be encoded).
ANY_CHAR = st.characters(exclude_categories=("Cs",))
CONTROL = st.characters(categories=("Cc", "Cf", "Zl", "Zp"))
NASTY_CONSTANTS = st.sampled_from(
    [
        "\x00",
        "a\x00b",
        "\r\n",
        "Anne\r\nBcc: evil@example.com",
        "\u2028",
        "\u202e",
        "\ufeff",
        "\x1b[2J",
        "\x7f",
        "\x85",
        "%00",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "{{ 7*7 }}",
        "../../etc/passwd",
        "NaN",
        "Infinity",
        "-0",
        "1e309",
        "0x10",
        "٣",  # an Arabic-Indic digit: int() accepts it
        "1_000",
        " 12 ",
        "",
        " ",
    ]
)
HUGE_NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(
        [
            str(2**31),
            str(2**31 - 1),
            str(2**63),
            str(-(2**63) - 1),
            "1" + "0" * 30 + ".5",
        ]
    ),
    # 100 nines, and 5000 (beyond Python's int-from-string limit): built, not spelled out
    st.sampled_from([100, 5000]).map(lambda n: "9" * n),
)
LONG_TEXT = st.one_of(
    st.text(ANY_CHAR, min_size=200, max_size=3000),
    st.sampled_from([("x", 10_000), ("é", 70_000), ("\x00", 1000)]).map(lambda p: p[0] * p[1]),
)
TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=40),
    st.text(CONTROL, min_size=1, max_size=5),
    st.tuples(st.text(max_size=10), CONTROL, st.text(max_size=10)).map("".join),
)


def file_part():
    """A file where text is expected (multipart with a filename)."""
    return st.tuples(
        st.binary(max_size=200).map(io.BytesIO),
        st.sampled_from(["a.txt", "photo.jpg", "", "x\x00.png", "../../x"]),
    )


def hostile(*valid: str):
    """Any hostile value, or one of `valid`."""
    options = [NASTY_CONSTANTS, HUGE_NUMBERS, LONG_TEXT, TEXT, file_part()]
    if valid:
        options.append(st.sampled_from(list(valid)))
    return st.one_of(*options)


def hostile_form(fields: dict[str, tuple[str, ...]]):
    """A form body: each field hostile or valid (sometimes left out), plus perhaps a
    field nobody asked for."""
    body = st.fixed_dictionaries(
        {},
        optional={name: hostile(*valid) for name, valid in fields.items()},
    )
    extra = st.dictionaries(
        st.one_of(st.text(ANY_CHAR, min_size=1, max_size=20), NASTY_CONSTANTS.filter(bool)),
        hostile(),
        max_size=2,
    )
    return st.tuples(body, extra).map(lambda pair: {**pair[1], **pair[0]})
