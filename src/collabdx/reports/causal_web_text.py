"""Label measuring and wrapping for the causal web (used by its layout and legend).

Widths come from a table of Helvetica/Arial advances, so no font library is needed
and wrapping is the same on every machine.
"""

from __future__ import annotations

FONT = 13  # node text, in SVG user units (causal_web_layout sizes boxes around it)
# A "weak"/"strong" badge: as large as the node text, which prints at 7 pt on A4; at
# 11 units Box 1's badges printed at 6.0 pt (issue 14). Height is the badge's box.
BADGE_FONT = 13
BADGE_H = 18

# Advance widths of Helvetica/Arial (Liberation Sans is metric-compatible) per 1000
# em, for wrapping labels without a font library. Unknown characters count as wide.
_WIDTHS = {
    **dict.fromkeys("ijl'|", 222),
    **dict.fromkeys("ft I.,:;!/ ", 278),
    **dict.fromkeys("r-()[]", 333),
    **dict.fromkeys("ckszvxyJ", 500),
    **dict.fromkeys("FTZ", 611),
    **dict.fromkeys("ABEKPSVXY&", 667),
    **dict.fromkeys("CDHNRUw", 722),
    **dict.fromkeys("GOQ", 778),
    **dict.fromkeys("mM", 833),
    "W": 944,
}


def text_width(text: str, size: float, bold: bool = False) -> float:
    em = sum(_WIDTHS.get(ch, 556) for ch in text) / 1000
    return em * size * (1.08 if bold else 1.0)


def badge_width(word: str) -> float:
    return text_width(word, BADGE_FONT, bold=True) + 10


PREFIXES = ("intra", "inter", "multi")  # where a long compound may break, hyphenated


def wrap(text: str, width: float, size: float = FONT, bold: bool = False) -> tuple[str, ...]:
    """Greedy word wrap to ``width`` user units.

    A word too long for a line breaks after its hyphens ("cross-" / "organisational"
    overflowed a print-sized box) or after a Latin prefix, hyphenated ("Intra-" /
    "organisational"); any other too-long word gets its own line.
    """
    tokens: list[tuple[str, bool]] = []  # (piece, a space before it)
    for word in text.split():
        long = text_width(word, size, bold) > width
        prefix = next((p for p in PREFIXES if word.lower().startswith(p)), None)
        if long and "-" not in word and prefix and len(word) > len(prefix) + 3:
            word = f"{word[: len(prefix)]}-{word[len(prefix) :]}"
        if long and "-" in word.strip("-"):
            pieces = [p + "-" for p in word.split("-")[:-1]] + [word.split("-")[-1]]
            tokens += [(piece, k == 0) for k, piece in enumerate(pieces) if piece]
        else:
            tokens.append((word, True))
    lines: list[str] = []
    current = ""
    for piece, spaced in tokens:
        candidate = f"{current}{' ' if spaced and current else ''}{piece}"
        if current and text_width(candidate, size, bold) > width:
            lines.append(current)
            current = piece
        else:
            current = candidate
    if current:
        lines.append(current)
    return tuple(lines)
