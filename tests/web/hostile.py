"""Hostile values for form fields and API bodies (docs/reliability.md#bad-input), as hypothesis
strategies: huge and non-finite numbers, control characters, 1 MB strings, markup, odd
Unicode, and plain arbitrary text."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

MEGABYTE = "x" * 1_000_000

NASTY_TEXT = [
    "",
    " ",
    "9" * 400,
    "-" + "9" * 400,
    "1e400",
    "-1e400",
    "1e-400",
    "NaN",
    "nan",
    "Infinity",
    "-inf",
    "-0",
    "0x1F",
    "1_000",
    "١٢٣",  # Arabic-Indic digits: Python's int() takes them, a database may not
    "²",
    "12,5",
    "2018-02-30",
    "0000-00-00",
    "\x00",
    "a\x00b",
    "\x1b[31mred\x1b[0m",
    "\u202egnp.exe",
    "\ufeff",
    "\r\n\r\nSet-Cookie: x=y",
    "<script>alert(1)</script>",
    "{{ 7*7 }}{% debug %}",
    "' OR 1=1 --",
    "../../../../etc/passwd",
    "%s%n%x",
    "😀" * 1000,
    "e\u0301" * 500,
    MEGABYTE,
]

CONTROL = st.text(
    alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp"]), max_size=30
)

text_values = st.one_of(
    st.sampled_from(NASTY_TEXT),
    st.text(max_size=60),
    CONTROL,
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)

_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    text_values,
)

json_values: st.SearchStrategy[Any] = st.recursive(
    _leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
