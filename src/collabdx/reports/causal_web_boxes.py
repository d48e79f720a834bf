"""The causal web split by Box, with each link's CMOC conditions, for print.

The whole web printed on one A4 page put node text at about 5 pt, and turned each
CMOC into a condition-free "X increases Y" link (issue 14: Box 1's "Leaders pushing
out those with a conflicting vision" holds only in a mandated collaboration with low
initial trust). So the pack draws one figure per Box, with the links numbered, and a
key giving each link's conditions: the context phrases of the CMOCs that assert it,
verbatim from the theory data, never written here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

from markupsafe import Markup

from collabdx.core.theory import Theory
from collabdx.core.theory_web import build_edges
from collabdx.reports import causal_web
from collabdx.reports.causal_web_layout import PRINT

__all__ = ["BOXES", "CausalFigure", "LinkKey", "box_theory", "edge_text", "figures", "link_key"]

BOXES = ("Box 1", "Box 2")


@dataclass(frozen=True)
class LinkKey:
    """One numbered link of a Box's figure and the conditions it holds under."""

    number: int
    link: str  # "More X → more Y", as the pack's list of links words it
    cmocs: tuple[str, ...]
    conditions: tuple[str, ...]  # the CMOCs' context phrases, verbatim, deduplicated


def box_theory(theory: Theory, source: str) -> Theory:
    """The theory restricted to one Box's CMOCs, its edges rebuilt from them alone.

    The id changes with the Box so a cached layout of the whole web is never reused.
    """
    cmocs = {k: c for k, c in theory.cmocs.items() if c.source == source}
    if not cmocs:
        raise ValueError(f"no CMOCs from {source!r}")
    return replace(theory, id=f"{theory.id}#{source}", cmocs=cmocs, edges=build_edges(cmocs))


def link_key(box: Theory) -> list[LinkKey]:
    """Every link of ``box`` (a :func:`box_theory`) numbered as the figure numbers it."""
    out = []
    for k, e in enumerate(box.edges, 1):
        # A context that is the link's own source ("Collaborative behaviour" in most of
        # Box 2) is no further condition: saying "under: Collaborative behaviour" is noise.
        source = box.nodes[e.source].label.casefold()
        phrases = [
            t.text for c in e.cmocs for t in box.cmocs[c].context if t.text.casefold() != source
        ]
        out.append(
            LinkKey(
                k,
                link_words(box.nodes[e.source].label, e.sign, box.nodes[e.target].label),
                e.cmocs,
                tuple(dict.fromkeys(phrases)),
            )
        )
    return out


def link_words(source: str, sign: int, target: str) -> str:
    """A link in words that read whatever the number of its source ("Overambitious
    aims decreases ..." did not): more of the source, then more or less of the target."""
    return f"More {source[:1].lower()}{source[1:]} → {'more' if sign > 0 else 'less'} " \
        f"{target[:1].lower()}{target[1:]}"


def edge_text(source: str, sign: int, target: str, cmocs: tuple[str, ...]) -> str:
    """:func:`link_words` with the CMOCs that assert the link."""
    return f"{link_words(source, sign, target)} (CMOC {', '.join(cmocs)})"


@dataclass(frozen=True)
class CausalFigure:
    box: str  # "Box 1"
    number: int  # the pack's figure number
    anchor: str  # the figure's id in the page
    svg: Markup
    key: tuple[LinkKey, ...]
    marked: bool = True  # False: no mechanism this Box draws was rated weak or strong


def figures(
    theory: Theory, highlight: Mapping[str, str], emphasise: Collection[tuple[str, str]],
    first_number: int,
) -> list[CausalFigure]:  # fmt: skip
    """One print-sized figure per Box with its numbered key, numbered from ``first_number``."""
    out = []
    for k, source in enumerate(BOXES):
        box = box_theory(theory, source)
        # Only this Box's marks and thick routes, so its legend explains what it shows.
        drawn_nodes = {n for e in box.edges for n in (e.source, e.target)}
        marks = {n: lv for n, lv in highlight.items() if n in drawn_nodes}
        links = {(e.source, e.target) for e in box.edges}
        routes = [pair for pair in emphasise if pair in links]
        anchor = "fig-causal-web" if k == 0 else f"fig-causal-web-box{k + 1}"
        drawn = causal_web.svg(
            box, marks, id_prefix=anchor, emphasise=routes, metrics=PRINT, numbered=True
        )
        out.append(
            CausalFigure(
                source, first_number + k, anchor,
                Markup(drawn),  # noqa: S704 - causal_web.svg escapes every label
                tuple(link_key(box)), bool(marks),
            )
        )  # fmt: skip
    return out
