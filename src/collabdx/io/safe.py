"""Formula neutralising for cells a spreadsheet will open (CSV/formula injection).

A text cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return
is run as a formula by Excel, LibreOffice and Google Sheets, so a respondent who
types ``=HYPERLINK(...)`` as their organisation could attack whoever opens the
export. Following OWASP, such cells get a leading single quote, which makes every
spreadsheet treat them as text. Numbers are left alone: ``-1`` is a number, not a
formula. The web app reuses :func:`safe_cell` for its downloads.
"""

from __future__ import annotations

# OWASP's list, plus the full-width forms that some East Asian Excel locales also
# accept as formula starters.
DANGEROUS_STARTS = frozenset("=+-@\t\r" + "＝＋－＠")
QUOTE = "'"


def _needs_quote(text: str) -> bool:
    # Strings that are already quote + dangerous character are quoted once more,
    # so that removing exactly one quote always gives the original back.
    stripped = text.lstrip(QUOTE)
    return bool(stripped) and stripped[0] in DANGEROUS_STARTS


def safe_cell[T](value: T) -> T | str:
    """``value`` made safe to put in a spreadsheet cell.

    Non-strings (numbers, booleans, None, dates) are returned unchanged.
    """
    if isinstance(value, str) and _needs_quote(value):
        return QUOTE + value
    return value


def unsafe_cell[T](value: T) -> T | str:
    """Undo :func:`safe_cell`, so a collabdx export imports back unchanged."""
    if isinstance(value, str) and value.startswith(QUOTE) and _needs_quote(value[1:]):
        return value[1:]
    return value
