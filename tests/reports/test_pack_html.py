"""The standalone workshop pack (HTML): valid, self-contained, escaped, accessible charts.

Validation uses html5lib's strict parser (a dev dependency), which fails on any HTML
parse error. (The v.Nu checker also passes on this output, but needs Java, so the
suite does not depend on it.)
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import html5lib
import pytest

from collabdx.core.responses import ResponseSet
from collabdx.reports.charts import KEYED_COLOURS
from collabdx.reports.html import render_html
from collabdx.reports.model import build_report
from collabdx.reports.pack_sections import CORE, SECTIONS
from collabdx.reports.sections import CollaborationContext
from tests.reports.conftest import NORTHGATE

EVIL_NAME = "<script>alert(1)</script>"
EVIL_ORG = '=HYPERLINK("http://evil.example/","click")'
SVG = "{http://www.w3.org/2000/svg}"


def parse(html: str):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(html)  # raises on the first parse error


@pytest.fixture(scope="module")
def pilot_html(pilot_model):
    return render_html(pilot_model)


@pytest.fixture(scope="module")
def evil_html(pilot_responses):
    text = pilot_responses.text.copy()
    text["Q3"] = [EVIL_ORG if v == NORTHGATE else v for v in text["Q3"]]
    rs = ResponseSet(
        pilot_responses.instrument_id, pilot_responses.instrument_version,
        pilot_responses.codes, text,
    )  # fmt: skip
    context = CollaborationContext(EVIL_NAME, None, None, None, None)
    return render_html(build_report(rs, context=context))


@pytest.mark.parametrize("which", ["pilot_html", "evil_html"])
def test_pack_is_valid_html5(which, request):
    tree = parse(request.getfixturevalue(which))
    assert tree.find(".//main") is not None


def test_demo_pack_is_valid_html5(demo_model):
    parse(render_html(demo_model))


def test_user_text_appears_only_escaped(evil_html):
    # Neither string ever appears as markup or with its raw quotes...
    assert EVIL_NAME not in evil_html and EVIL_ORG not in evil_html
    assert "<script" not in evil_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in evil_html
    assert re.search(r"=HYPERLINK\((&#34;|&quot;)http://evil\.example/", evil_html)
    # ...and read back as plain text wherever it is shown (tables, SVG labels, cover).
    tree = parse(evil_html)
    assert tree.find(".//script") is None
    text = "".join(tree.itertext())
    assert EVIL_NAME in text and EVIL_ORG in text
    for el in tree.iter():
        assert not any(str(a).lower().startswith("on") for a in el.attrib), el.tag


def test_self_contained_and_no_inline_style_attributes(pilot_html):
    tree = parse(pilot_html)
    for tag in ("script", "link", "img", "iframe", "object"):
        assert tree.find(f".//{tag}") is None, tag
    for el in tree.iter():
        assert "style" not in el.attrib, el.tag
        for attr in ("src", "href"):
            value = el.attrib.get(attr, "")
            # Only in-page anchors, plus the seed's DOI and licence as printed links.
            assert value.startswith("#") or value in (
                "", "https://doi.org/10.3310/KPLT1423",
                "https://creativecommons.org/licenses/by/4.0/",
            ), value  # fmt: skip


def test_sections_come_in_the_workshop_order(pilot_html):
    ids = re.findall(r'<h2 id="([a-z-]+)"', pilot_html)
    # The core (issue 14), the annexes' contents, then the annexes; one wave from a
    # file has no trends and no earlier workshop, so no Trends or What moved section.
    annexes = [sid for sid, _ in SECTIONS if sid not in ("trends", "moved")]
    assert ids == ["differ", "top-actions", "matrix", "rating-sheet", "annexes", *annexes]
    # The contents list links every section.
    for sid, title in CORE + SECTIONS:
        if sid not in ("trends", "moved"):
            assert f'href="#{sid}">{title}</a>' in pilot_html


def test_every_chart_has_title_description_and_a_table(pilot_html):
    tree = parse(pilot_html)
    figures = tree.findall(".//figure")
    assert len(figures) >= 10  # profile, 7 item charts, heatmap, causal web
    ids = {el.attrib["id"] for el in tree.iter() if "id" in el.attrib}
    for fig in figures:
        svg = fig.find(f".//{SVG}svg")  # html5lib keeps SVG in its own namespace
        assert svg is not None, fig.attrib["id"]
        assert svg.attrib.get("role") == "img"
        labelled = (svg.attrib.get("aria-labelledby") or "").split()
        described = (svg.attrib.get("aria-describedby") or "").split()
        assert labelled and set(labelled + described) <= ids
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title is not None and desc is not None
        assert (title.text or "").strip() and (desc.text or "").strip()
    # Each numbered chart has a data table (or a heading over its tables) naming it.
    for number in re.findall(r'<span class="cdx-pack-fignum">Figure (\d+)\.</span>', pilot_html):
        assert re.search(rf"<(caption|h3)[^>]*>Figure {number}[ :]", pilot_html), number


def _item_chart(html: str, scale_id: str) -> ET.Element:
    m = re.search(rf'<figure class="cdx-pack-figure" id="fig-items-{scale_id}">.*?(<svg.*?</svg>)',
                  html, re.S)  # fmt: skip
    assert m is not None
    return ET.fromstring(m.group(1))


def test_favourable_answers_are_always_right_of_centre(pilot_html):
    # Initial trust holds Q7, Q9 and Q10, reverse-worded; Q9's answers (agree, strongly
    # agree that there is a history of competition) must land on the unfavourable left.
    root = _item_chart(pilot_html, "initial_trust")
    centre_line = next(
        el for el in root.iter(f"{SVG}line")
        if el.get("x1") == el.get("x2") and el.get("stroke-width") == "1.5"
    )  # fmt: skip
    centre = float(centre_line.get("x1"))
    rects = [r for r in root.iter(f"{SVG}rect") if r.get("height") == "22"]
    assert rects
    for r in rects:
        x, w, fill = float(r.get("x")), float(r.get("width")), r.get("fill")
        if fill in KEYED_COLOURS[:2]:
            assert x + w <= centre + 0.1
        elif fill in KEYED_COLOURS[3:]:
            assert x >= centre - 0.1
        else:  # neutral straddles the centre
            assert x <= centre <= x + w
    texts = "".join(root.itertext())
    assert "Q9. There is a history of competition" in texts and "(reversed)" in texts


def test_standalone_pack_has_no_web_only_parts(pilot_html):
    assert "Add to action plan" not in pilot_html and "<form" not in pilot_html
    assert "csrf" not in pilot_html.lower()
    # The evidence behind each action is printed openly, not folded away.
    assert "<details" not in pilot_html and "The evidence behind it" in pilot_html


def test_context_is_shown_and_not_recorded_by_default(pilot_html, demo_model):
    assert "Pilot mental health collaborative" in pilot_html
    assert re.search(r"Mandated or voluntary</dt><dd[^>]*>Mandated<", pilot_html)
    assert re.search(r"Life-cycle stage</dt><dd[^>]*>Planning<", pilot_html)
    demo = render_html(demo_model)
    assert re.search(r"Mandated or voluntary</dt><dd[^>]*>Not recorded<", demo)
    assert "Trends across waves" not in demo  # one wave: nothing to say (issue 14)
    assert "Not available" in demo  # private maturity ratings, from a file


def test_hidden_partner_figures_are_nowhere_in_the_html(pilot_html):
    from tests.reports.conftest import SOUTHMOOR, WESTVALE
    from tests.reports.test_pack_model import HIDDEN_FIGURES

    assert SOUTHMOOR not in pilot_html and WESTVALE not in pilot_html
    for figure in HIDDEN_FIGURES:
        assert figure not in pilot_html, figure


def test_a_box_caption_says_marked_only_when_something_is_marked(pilot_html):
    # The pilot rates mechanisms of Box 1 only (issue 14: Box 2's caption used to say
    # "weak and strong mechanisms marked" over a drawing with no mark).
    texts = ["".join(c.itertext()) for c in parse(pilot_html).iter("figcaption")]
    captions = [t for t in texts if "causal web, Box" in t]
    assert len(captions) == 2
    assert "Box 1, with this collaboration's weak and strong mechanisms marked" in captions[0]
    assert "Box 2, with no mechanism marked" in captions[1]
