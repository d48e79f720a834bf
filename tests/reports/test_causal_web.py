"""The causal web drawing: valid, complete, CSP-safe, deterministic SVG."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from collabdx.core.theory import load_theory
from collabdx.core.theory_model import Edge
from collabdx.core.theory_web import build_edges
from collabdx.reports import causal_web
from collabdx.reports.causal_web_layout import NODE_W, PAD_X, layout, text_width

NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def theory():
    return load_theory()


@pytest.fixture(scope="module")
def root(theory):
    return ET.fromstring(causal_web.svg(theory))


def used_nodes(theory) -> set[str]:
    return {n for e in theory.edges for n in (e.source, e.target)}


def test_svg_parses_and_has_title_desc_and_viewbox(root):
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert len(root.get("viewBox", "").split()) == 4
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")


def test_one_node_element_per_node_in_an_edge(root, theory):
    nodes = [g.get("data-node") for g in root.iter(f"{NS}g") if g.get("data-node")]
    assert len(nodes) == len(set(nodes))
    assert set(nodes) == used_nodes(theory)
    # Nodes the CMOCs never link (e.g. Table 7's "effectiveness") are not drawn.
    assert "effectiveness" not in nodes


def test_one_path_per_edge_dashed_exactly_when_negative(root, theory):
    paths = list(root.iter(f"{NS}path"))
    assert len(paths) == len(theory.edges)
    drawn = {(p.get("data-from"), p.get("data-to"), int(p.get("data-sign"))) for p in paths}
    assert drawn == {(e.source, e.target, e.sign) for e in theory.edges}
    for p in paths:
        negative = p.get("data-sign") == "-1"
        assert (p.get("stroke-dasharray") is not None) == negative
        assert p.get("stroke") == (causal_web.NEGATIVE if negative else causal_web.POSITIVE)
        assert p.get("marker-end")
    assert any(p.get("data-sign") == "-1" for p in paths)


def test_no_style_attributes_or_blocks_and_nothing_external(theory):
    text = causal_web.svg(theory, {"trust": "weak"}, node_href=lambda n: f"/theory/node/{n}/")
    root = ET.fromstring(text)
    for el in root.iter():
        assert "style" not in el.attrib
        assert el.tag not in (f"{NS}style", f"{NS}script", f"{NS}image", f"{NS}foreignObject")
    assert "http" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_highlight_adds_a_weak_marker_not_only_colour(theory):
    plain = ET.fromstring(causal_web.svg(theory))
    marked = ET.fromstring(causal_web.svg(theory, {"trust": "weak", "faith": "strong"}))

    def node(root, node_id):
        return next(g for g in root.iter(f"{NS}g") if g.get("data-node") == node_id)

    def texts(g):
        return ["".join(t.itertext()) for t in g.iter(f"{NS}text")]

    assert "weak" not in texts(node(plain, "trust"))
    assert "weak" in texts(node(marked, "trust"))
    assert "strong" in texts(node(marked, "faith"))
    box = node(marked, "trust").find(f"{NS}rect")
    assert box is not None and box.get("stroke-width") == "4"
    legend = "".join(
        next(g for g in marked.iter(f"{NS}g") if g.get("class") == "cw-legend").itertext()
    )
    assert "rated weak" in legend and "rated strong" in legend


def test_highlight_rejects_unknown_nodes_and_levels(theory):
    with pytest.raises(ValueError, match="unknown node"):
        causal_web.svg(theory, {"nope": "weak"})
    with pytest.raises(ValueError, match="level"):
        causal_web.svg(theory, {"trust": "poor"})


def test_nodes_link_to_detail_pages_when_asked(theory):
    root = ET.fromstring(causal_web.svg(theory, node_href=lambda n: f"/theory/node/{n}/"))
    links = {a.get("href") for a in root.iter(f"{NS}a")}
    assert links == {f"/theory/node/{n}/" for n in used_nodes(theory)}


def test_boxes_do_not_overlap_and_labels_fit(theory):
    lay = layout(theory)
    real = [b for b in lay.boxes.values() if b.real]
    for i, a in enumerate(real):
        for b in real[i + 1 :]:
            apart_x = a.x + a.w <= b.x or b.x + b.w <= a.x
            apart_y = a.y + a.h <= b.y or b.y + b.h <= a.y
            assert apart_x or apart_y, (a.id, b.id)
        for line in a.lines:
            bold = a.kind == "mechanism"
            assert " " not in line or text_width(line, 13, bold) <= NODE_W - 2 * PAD_X


def test_fits_a4_landscape_at_a_readable_size(root):
    _x, _y, w, h = (float(v) for v in root.get("viewBox", "").split())
    scale = min(277 / w, 190 / h)  # mm per user unit on A4 landscape, 10 mm margins
    assert 13 * scale / 0.3528 >= 5.0  # label size in points


def test_edge_rows_for_the_table(theory):
    rows = causal_web.edge_rows(theory)
    assert len(rows) == len(theory.edges)
    conflict_trust = next(r for r in rows if (r.source, r.target) == ("conflict", "trust"))
    assert conflict_trust.sign_word == "decreases" and "box1.11" in conflict_trust.cmocs


def test_drawing_is_identical_across_processes():
    code = (
        "import hashlib; from collabdx.core.theory import load_theory;"
        "from collabdx.reports.causal_web import svg;"
        "print(hashlib.sha256(svg(load_theory(), {'trust': 'weak'}).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert len(digests) == 1
    here = hashlib.sha256(causal_web.svg(load_theory(), {"trust": "weak"}).encode()).hexdigest()
    assert digests == {here}


def test_single_band_and_empty_theories_still_draw(theory):
    box1 = {k: c for k, c in theory.cmocs.items() if c.source == "Box 1"}
    only_box1 = replace(theory, cmocs=box1, edges=build_edges(box1), version="box1-only")
    root = ET.fromstring(causal_web.svg(only_box1))
    texts = "".join(root.itertext())
    assert "Collaborative performance" not in texts  # one band: no band headings
    paths = [p for p in root.iter(f"{NS}path") if p.get("data-from")]
    assert len(paths) == len(only_box1.edges)

    empty = replace(theory, cmocs={}, edges=(), version="empty")
    root = ET.fromstring(causal_web.svg(empty))
    assert not [g for g in root.iter(f"{NS}g") if g.get("data-node")]


def test_a_cycle_and_a_self_loop_do_not_break_the_layout(theory):
    loop = Edge(source="trust", target="trust", sign=1, cmocs=("box1.01",))
    looped = replace(theory, edges=(*theory.edges, loop), version="looped")
    root = ET.fromstring(causal_web.svg(looped))
    paths = [p for p in root.iter(f"{NS}path") if p.get("data-from")]
    assert len(paths) == len(looped.edges)


def test_drawing_modules_never_import_django():
    import ast
    from pathlib import Path

    import collabdx.reports.causal_web as cw
    import collabdx.reports.causal_web_layout as cwl

    for module in (cw, cwl):
        tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
        names = {
            (n.module or "") if isinstance(n, ast.ImportFrom) else a.name
            for n in ast.walk(tree)
            if isinstance(n, ast.Import | ast.ImportFrom)
            for a in n.names
        }
        assert not any(name.split(".")[0] == "django" for name in names)
