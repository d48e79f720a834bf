"""Formula neutralising (OWASP CSV injection)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collabdx.io.safe import DANGEROUS_STARTS, safe_cell, unsafe_cell

OWASP = "=+-@\t\r"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-1+2", "'-1+2"),
        ("-Trust Board", "'-Trust Board"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ('=HYPERLINK("http://evil.example/","Click")', '\'=HYPERLINK("http://evil.example/","Click")'),
        ("'=already", "''=already"),  # so that removing one quote gives it back
        ("Northside Trust", "Northside Trust"),
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("'quoted", "'quoted"),
        ("", ""),
    ],
)  # fmt: skip
def test_safe_cell_text(value: str, expected: str) -> None:
    assert safe_cell(value) == expected
    assert unsafe_cell(expected) == value


@pytest.mark.parametrize("value", [-1, -2.5, 0, 3, 4.0, True, None, dt.date(2024, 1, 2)])
def test_non_text_is_unchanged(value: object) -> None:
    assert safe_cell(value) is value


def test_dangerous_set_covers_owasp() -> None:
    assert set(OWASP) <= DANGEROUS_STARTS


@given(st.text())
def test_safe_cell_property(text: str) -> None:
    out = safe_cell(text)
    assert isinstance(out, str)
    assert not out or out[0] not in DANGEROUS_STARTS
    if out != text:
        assert out == "'" + text
    assert unsafe_cell(out) == text


@given(st.sampled_from(sorted(OWASP)), st.text())
def test_safe_cell_property_dangerous_starts(first: str, rest: str) -> None:
    text = first + rest
    assert safe_cell(text) == "'" + text
    assert unsafe_cell(safe_cell(text)) == text
