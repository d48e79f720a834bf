"""The pack's causal web reads on paper (issue 14): one figure per Box, node text at
7 pt or more on A4, and each link's CMOC conditions in a numbered key from the data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from collabdx.core.theory import load_theory
from collabdx.reports import causal_web_boxes
from collabdx.reports.pack import pack_view

NS = "{http://www.w3.org/2000/svg}"
PACK_CSS = Path(causal_web_boxes.__file__).parent / "templates" / "pack" / "pack.css"
MM = 72 / 25.4  # points per millimetre


def print_width_pt() -> float:
    """The width the pack's print CSS gives every causal-web drawing, in points."""
    css = PACK_CSS.read_text()
    media = css[css.index("@media print") :]
    rule = re.search(r"\.cdx-causal-web \{([^}]*)\}", media)
    assert rule is not None
    width = re.search(r"(?<![-\w])width:\s*([\d.]+)mm", rule.group(1))
    assert width is not None, "the print CSS must give the drawing a fixed width in mm"
    return float(width.group(1)) * MM


def smallest_node_text_pt(svg: str, width_pt: float, kind: str = "cw-node") -> float:
    """Printed size of the smallest label (the lines of a node's name; with
    kind="cw-link-no", of the links' numbers): font-size x rendered width / viewBox width."""
    root = ET.fromstring(svg)
    vb_width = float(root.get("viewBox", "").split()[2])
    sizes = [
        float(t.get("font-size", "0"))
        for g in root.iter(f"{NS}g")
        if kind in (g.get("class") or "").split()
        for t in g.iter(f"{NS}text")
        if kind != "cw-node" or t.find(f"{NS}tspan") is not None  # the name, not a badge
    ]
    assert sizes
    return min(sizes) * width_pt / vb_width


def test_one_figure_per_box_each_printing_node_text_at_7pt_or_more(pilot_model):
    figures = pack_view(pilot_model).parts.causal
    assert [f.box for f in figures] == ["Box 1", "Box 2"]
    width = print_width_pt()
    assert width <= 277 * MM + 0.01  # A4 landscape less the pack's 10 mm side margins
    for f in figures:
        assert smallest_node_text_pt(str(f.svg), width) >= 7.0, f.box
        assert smallest_node_text_pt(str(f.svg), width, "cw-link-no") >= 7.0, f.box


def test_the_whole_web_on_one_page_was_too_small():
    # The old pack drew the whole web on one page: the same measure fails for it.
    from collabdx.reports import causal_web

    assert smallest_node_text_pt(causal_web.svg(load_theory()), print_width_pt()) < 7.0


def test_conditions_come_from_the_cmocs_and_numbers_are_on_the_links(pilot_model):
    theory = load_theory()
    box1 = next(f for f in pack_view(pilot_model).parts.causal if f.box == "Box 1")
    key = {k.link: k for k in box1.key}
    push = key[
        "More leaders pushing out those with a conflicting vision → more sharedness of vision"
    ]
    assert push.cmocs == ("box1.33",)
    assert push.conditions == tuple(dict.fromkeys(t.text for t in theory.cmocs["box1.33"].context))
    assert "Mandated collaboration with low initial trust" in push.conditions
    numbers = re.findall(r'class="cw-link-no">.*?>(\d+)</text>', str(box1.svg))
    assert sorted(map(int, numbers)) == [k.number for k in box1.key]
    # Every link of Box 1's CMOCs, and none of Box 2's.
    assert {c for k in box1.key for c in k.cmocs} == {
        c.id for c in theory.cmocs.values() if c.source == "Box 1"
    }


def test_the_pdf_key_shows_the_condition(pilot_model):
    from collabdx.reports.html import render_html

    html = render_html(pilot_model)
    assert re.search(r"Figure \d+ key: the links of Box 1", html)
    assert re.search(r"conflicting vision → more sharedness of vision, under: Mandated "
                     r"collaboration with low initial trust", html)


def test_every_line_of_a_print_figure_fits_its_box(pilot_model):
    from collabdx.reports.causal_web_layout import PRINT, text_width, wrap

    lines = wrap("Ability to implement cross-organisational clinical pathways", 88)
    assert "organisational" in lines and lines[lines.index("organisational") - 1].endswith("cross-")
    for f in pack_view(pilot_model).parts.causal:
        root = ET.fromstring(str(f.svg))
        for g in root.iter(f"{NS}g"):
            if "cw-node" not in (g.get("class") or "").split():
                continue
            bold = "cw-mechanism" in (g.get("class") or "")
            for span in g.iter(f"{NS}tspan"):
                # Inside the box; a long word may eat into the padding, never past the edge.
                assert text_width(span.text or "", 13, bold) <= PRINT.node_w - 2, span.text
