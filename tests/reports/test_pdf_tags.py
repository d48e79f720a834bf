"""The workshop pack PDF is tagged: a structure tree that assistive technology reads
(headings, tables with header cells, lists), the document language and title, and
every chart as a Figure carrying its text alternative."""

from __future__ import annotations

import collections
import io

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from collabdx.reports.html import render_html
from collabdx.reports.pdf import html_to_pdf

pytest.importorskip("weasyprint")


def structure(reader: PdfReader) -> tuple[collections.Counter[str], list[str | None]]:
    """Count of each structure type, and the /Alt of every Figure, from the tree."""
    counts: collections.Counter[str] = collections.Counter()
    alts: list[str | None] = []

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, ArrayObject):
            for child in node:
                walk(child)
        elif isinstance(node, DictionaryObject):
            kind = node.get("/S")
            if kind is not None:
                counts[str(kind)] += 1
                if kind == "/Figure":
                    alt = node.get("/Alt")
                    alts.append(str(alt) if alt is not None else None)
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return counts, alts


@pytest.fixture(scope="module")
def pilot_reader(pilot_model) -> PdfReader:
    return PdfReader(io.BytesIO(html_to_pdf(render_html(pilot_model))))


def test_the_pdf_is_marked_tagged_with_language_and_title(pilot_reader):
    root = pilot_reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])  # a pypdf BooleanObject
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert pilot_reader.metadata is not None and pilot_reader.metadata.title


def test_headings_tables_and_figures_are_tagged(pilot_reader, pilot_model):
    counts, alts = structure(pilot_reader)
    assert counts["/H1"] == 1 and counts["/H2"] >= 5
    assert counts["/Table"] >= 3 and counts["/TH"] > counts["/Table"]
    assert counts["/Figure"] >= 1
    # Every chart has its text alternative, the same one the HTML carries.
    assert all(alts), alts
    assert any(a and "Scale profile" in a for a in alts), alts
