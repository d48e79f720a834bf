"""The workshop pack's sections, in order: the one list that the contents, the
section headings, the annex letters and both page templates (the standalone
document and the web report) read, so a section is added or renamed here only.

Each section has its id (the heading's anchor), its title, and the partial under
``templates/pack/`` that draws it ("" when another partial draws it: the private
rating sheet is part of the maturity matrix's core page).
"""

from __future__ import annotations

from typing import NamedTuple


class Section(NamedTuple):
    id: str
    title: str
    partial: str


# The core pack (at most 8 A4 pages, issue 14): what the group uses in the room.
CORE_SECTIONS = (
    Section("overview", "Overview", "pack/core_overview.jinja"),
    Section("differ", "Where views differ", "pack/core_differ.jinja"),
    Section("top-actions", "Top action statements", "pack/core_actions.jinja"),
    Section("matrix", "Maturity matrix (Table 11 of the report)", "pack/core_matrix.jinja"),
    Section("rating-sheet", "Private rating sheet", ""),
)
# The annexes of the standalone document, in this order; the web report's sections.
ANNEX_SECTIONS = (
    Section("summary", "Summary", "pack/summary.jinja"),
    Section("items", "Answers to each question", "pack/items.jinja"),
    Section("gaps", "Perception gaps", "pack/gaps.jinja"),
    Section("actions", "What to do next", "pack/actions.jinja"),
    Section("causal-web", "The causal web with your results", "pack/causal_web.jinja"),
    Section("maturity", "Maturity matrix: starting points, ratings and agreed levels",
            "pack/maturity.jinja"),
    Section("trends", "Trends across waves", "pack/trends.jinja"),
    Section("methods", "Methods and limitations", "pack/methods.jinja"),
    Section("research", "For researchers", "pack/research.jinja"),
)  # fmt: skip
# (id, title) pairs, as the contents list shows them.
CORE = tuple((s.id, s.title) for s in CORE_SECTIONS)
SECTIONS = tuple((s.id, s.title) for s in ANNEX_SECTIONS)

_BY_ID = {s.id: s for s in CORE_SECTIONS + ANNEX_SECTIONS}


def title(section_id: str) -> str:
    return _BY_ID[section_id].title


def partial(section_id: str) -> str:
    return _BY_ID[section_id].partial


def is_core(section_id: str) -> bool:
    return any(s.id == section_id for s in CORE_SECTIONS)
