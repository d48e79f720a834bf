"""The pack's causal web reads on paper (issue 14): one figure per Box, node text at
7 pt or more on A4, and each link's CMOC conditions in a numbered key from the data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

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
    kind="cw-link-no", of the links' numbers; with "cw-badge", of the weak/strong
    badges, in the web and its legend): font-size x rendered width / viewBox width."""
    root = ET.fromstring(svg)
    vb_width = float(root.get("viewBox", "").split()[2])
    # A node's badge is its text other than the name (the name has a tspan per line).
    group = "cw-node" if kind == "cw-badge" else kind
    sizes = [
        float(t.get("font-size", "0"))
        for g in root.iter(f"{NS}g")
        if {group, kind} & set((g.get("class") or "").split())
        for t in g.iter(f"{NS}text")
        if kind == "cw-link-no" or (t.find(f"{NS}tspan") is None) == (kind == "cw-badge")
    ]
    assert sizes
    return min(sizes) * width_pt / vb_width


@pytest.mark.parametrize("model", ["pilot_model", "demo_model"])
def test_one_figure_per_box_each_printing_its_text_at_7pt_or_more(model, request):
    """Node names, link numbers and the weak/strong badges (at 6.0 pt in Box 1 before)."""
    figures = pack_view(request.getfixturevalue(model)).parts.causal
    assert [f.box for f in figures] == ["Box 1", "Box 2"]
    width = print_width_pt()
    assert width <= 277 * MM + 0.01  # A4 landscape less the pack's 10 mm side margins
    assert "weak</text>" in str(figures[0].svg)  # Box 1 has marked mechanisms
    for f in figures:
        for kind in ("cw-node", "cw-link-no", "cw-badge"):
            if kind == "cw-badge" and "weak</text>" not in str(f.svg):
                continue  # nothing of this Box is marked: it has no badge, not even a key
            assert smallest_node_text_pt(str(f.svg), width, kind) >= 7.0, (f.box, kind)


Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in the drawing's units


def _rect(el: ET.Element) -> Rect:
    x, y = float(el.get("x", "0")), float(el.get("y", "0"))
    return x, y, x + float(el.get("width", "0")), y + float(el.get("height", "0"))


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def drawn_labels(svg: str) -> dict[str, list[tuple[str, Rect]]]:
    """What a reader must see whole, read back from the drawing: each node's box and
    each line of its name (from the tspan's anchor and the font's advance widths),
    each badge, and each link number's plate. The legend is left out (its badges are
    samples, set apart from the web)."""
    from collabdx.reports.causal_web_text import text_width

    root = ET.fromstring(svg)
    out: dict[str, list[tuple[str, Rect]]] = {"box": [], "name": [], "badge": [], "number": []}
    for g in root.iter(f"{NS}g"):
        classes = (g.get("class") or "").split()
        if "cw-node" in classes:
            node = g.get("data-node", "")
            out["box"].append((node, _rect(next(g.iter(f"{NS}rect")))))
            text = g.find(f"{NS}text")
            assert text is not None
            size = float(text.get("font-size", "0"))
            bold = text.get("font-weight") == "bold"
            for span in text.iter(f"{NS}tspan"):
                w = text_width(span.text or "", size, bold)
                x, y = float(span.get("x", "0")), float(span.get("y", "0"))
                # Cap height above the baseline, descenders below (Helvetica's metrics).
                out["name"].append((node, (x - w / 2, y - 0.72 * size, x + w / 2, y + 0.21 * size)))
            for badge in g.iter(f"{NS}g"):
                if "cw-badge" in (badge.get("class") or "").split():
                    out["badge"].append((node, _rect(next(badge.iter(f"{NS}rect")))))
        elif "cw-link-no" in classes:
            number = "".join(next(g.iter(f"{NS}text")).itertext())
            out["number"].append((number, _rect(next(g.iter(f"{NS}rect")))))
    return out


def covered_labels(svg: str) -> list[str]:
    """Pairs where a badge or a number covers a name, a number or another box."""
    d = drawn_labels(svg)
    found = []
    numbers = d["number"]
    for i, (n1, r1) in enumerate(numbers):
        found += [f"number {n1} / number {n2}" for n2, r2 in numbers[i + 1 :] if _overlap(r1, r2)]
        # A box is drawn over the links: a number under one is hidden.
        found += [f"number {n1} / box {b}" for b, rb in d["box"] if _overlap(r1, rb)]
    for node, rb in d["badge"]:
        found += [f"badge {node} / number {n}" for n, rn in numbers if _overlap(rb, rn)]
        found += [f"badge {node} / name of {m}" for m, rn in d["name"] if _overlap(rb, rn)]
        found += [f"badge {node} / box {m}" for m, rm in d["box"] if m != node and _overlap(rb, rm)]
    return found


@pytest.mark.parametrize("model", ["pilot_model", "demo_model"])
def test_no_badge_or_number_covers_a_label_or_a_number(model, request):
    """Issue 14: link number 18 of Box 1 was half covered (by the numbers of the links
    into the next column), and the "weak" badge had covered "of" in "Sharedness of
    vision"."""
    figures = pack_view(request.getfixturevalue(model)).parts.causal
    for f in figures:
        # Every number is drawn after every line, so no line runs over a number.
        order = [
            el.tag for el in ET.fromstring(str(f.svg)).iter()
            if el.tag == f"{NS}path" or "cw-link-no" in (el.get("class") or "").split()
        ]  # fmt: skip
        assert order.index(f"{NS}g") > len(order) - 1 - order[::-1].index(f"{NS}path"), f.box
        d = drawn_labels(str(f.svg))
        assert len(d["number"]) == len(f.key), f.box  # every link's number is read back
        assert covered_labels(str(f.svg)) == [], f.box
    assert any(drawn_labels(str(f.svg))["badge"] for f in figures)  # the marks are checked


def test_the_overlap_check_finds_a_covering_badge_and_number():
    # A badge over a name, and a number plate over another, as the old drawing had.
    svg = (
        f'<svg xmlns="{NS[1:-1]}" viewBox="0 0 300 100">'
        '<g class="cw-node" data-node="a"><rect class="cw-box" x="0" y="0" width="100" '
        'height="40"/><text font-size="13"><tspan x="50" y="20">Sharedness of vision</tspan>'
        '</text><g class="cw-badge"><rect x="60" y="5" width="40" height="18"/></g></g>'
        '<g class="cw-link-no"><rect x="110" y="10" width="18" height="14"/><text>18</text></g>'
        '<g class="cw-link-no"><rect x="120" y="15" width="18" height="14"/><text>20</text></g>'
        "</svg>"
    )
    assert covered_labels(svg) == ["number 18 / number 20", "badge a / name of a"]


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
