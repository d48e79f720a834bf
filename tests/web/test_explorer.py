"""The public programme theory explorer: lists, search, detail pages, the causal web."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from collabdx.core.theory import load_theory

pytestmark = pytest.mark.django_db

CC_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
SVG = "{http://www.w3.org/2000/svg}"

LISTS = [
    # url, entry kind, count, source every entry must cite
    ("/theory/mechanisms/", "mechanism", 15, "Table 7"),
    ("/theory/cmocs/", "cmoc", 39 + 17, None),
    ("/theory/actions/", "action", 34, "Table 10"),
    ("/theory/collaboration-types/", "type", 13, "Table 2"),
    ("/theory/drivers/", "driver", 7, "Table 3"),
    ("/theory/life-cycle/", "stage", 5, "Chapter 2, Figure 7"),
    ("/theory/maturity-matrix/", "maturity", 9, "Table 11"),
    ("/theory/performance/", "performance", 17, "Table 9"),
]


def entries(html: str, kind: str) -> list[str]:
    """The markup of each entry of one kind, from its marker to the next marker."""
    parts = re.split(r'data-entry="', html)[1:]
    return [p for p in parts if p.startswith(f'{kind}"')]


def get_ok(client: Client, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 200, url
    return r.content.decode()


@pytest.mark.parametrize(("url", "kind", "count", "source"), LISTS)
def test_list_pages_show_every_entry_with_its_source(client, url, kind, count, source):
    html = get_ok(client, url)  # anonymous: no sign-in needed
    found = entries(html, kind)
    assert len(found) == count
    if source:
        assert all(f"Source: {source}" in e for e in found)


def test_cmocs_are_grouped_by_box_and_cite_it(client):
    found = entries(get_ok(client, "/theory/cmocs/"), "cmoc")
    assert sum("Source: Box 1" in e for e in found) == 39
    assert sum("Source: Box 2" in e for e in found) == 17
    html = get_ok(client, "/theory/cmocs/")
    assert html.index("Partnership functioning") < html.index('id="box1.11"')
    assert html.index('<h2 id="box2"') < html.index('id="box2.01"')


def test_action_statements_show_if_then_because_and_derived_tags(client):
    html = get_ok(client, "/theory/actions/")
    found = entries(html, "action")
    assert all("<dt>If</dt>" in e and "<dt>Because</dt>" in e for e in found)
    assert all("Derived by collabdx" in e for e in found)
    # Grouped by IOC task: the first task heading comes before its first statement.
    assert html.index(">Leadership behaviours and attributes</h2>") < html.index('id="t10.01"')
    # A collabdx note on the split is shown with the statement it belongs to.
    t1003 = next(e for e in found if 'href="/theory/action/t10.03/"' in e)
    assert "Derived note" in t1003 and "&#39;then this can&#39; is expected" in t1003


def test_maturity_matrix_has_three_levels_per_element(client):
    found = entries(get_ok(client, "/theory/maturity-matrix/"), "maturity")
    for e in found:
        assert e.count('class="nhsuk-table__heading"') == 3
    assert "Derived by collabdx" in found[0]  # the link to a mechanism is ours


def test_index_explains_theory_and_links_every_section(client):
    html = get_ok(client, "/theory/")
    for word in (
        "trust",
        "faith",
        "confidence",
        "capacity",
        "legitimacy",
        "task complexity",
        "conflict",
        "risk tolerance",
    ):
        assert word in html
    for url, *_ in LISTS:
        assert f'href="{url}"' in html
    assert 'href="/theory/web/"' in html
    assert '<form method="get" action="/theory/"' in html


def test_search_finds_quick_wins_in_the_action_statements(client):
    html = get_ok(client, "/theory/?q=Quick+WINS")
    assert "Action statements (Table 10)" in html
    assert 'href="/theory/action/t10.07/"' in html
    assert "<mark>quick wins</mark>" in html


def test_search_finds_a_cmoc_case_insensitively(client):
    html = get_ok(client, "/theory/?q=ACCOUNTABILITY+arrangements")
    assert "(Box 1)" in html
    assert 'href="/theory/cmoc/box1.11/"' in html


def test_search_without_matches_and_with_markup_is_safe(client):
    html = get_ok(client, "/theory/?q=%3Cscript%3Ezzqx")
    assert "No results for" in html
    assert "<script>zzqx" not in html


def test_node_trust_lists_upstream_and_downstream_edges(client):
    html = get_ok(client, "/theory/node/trust/")
    assert "<h1>Trust</h1>" in html
    assert "A psychological state comprising the intention to accept vulnerability" in html

    def edge(direction: str, node: str) -> str:
        m = re.search(rf'<li data-edge="{direction}" data-node="{node}">(.*?)</li>', html, re.S)
        assert m, (direction, node)
        return m.group(1)

    # box1.11: "Having appropriate accountability arrangements (context) can reduce
    # conflict (mechanism), improving trust (outcome)": more conflict, less trust.
    up = edge("up", "conflict")
    assert "decreases" in up and 'href="/theory/node/conflict/"' in up
    assert 'href="/theory/cmoc/box1.11/"' in up
    # box1.32: "A collaborative leadership style (context) can improve trust
    # (mechanism), which increases collaborative behaviour (outcome)".
    down = edge("down", "collaborative_behaviour")
    assert "increases" in down and 'href="/theory/cmoc/box1.32/"' in down
    # The CMOCs and action statements that mention trust.
    assert 'data-cmoc="box1.13"' in html
    assert 'data-action="t10.07"' in html


def test_following_a_mechanism_up_to_its_contexts(client):
    # conflict <- shared vision <- leaders pushing out ... <- mandated collaboration
    html = get_ok(client, "/theory/node/shared_vision/")
    assert 'data-edge="up" data-node="pushing_out_conflicting_vision"' in html
    html = get_ok(client, "/theory/node/pushing_out_conflicting_vision/")
    assert 'data-edge="up" data-node="mandated_collaboration"' in html
    html = get_ok(client, "/theory/node/mandated_collaboration/")
    assert "it is a starting context" in html


def test_mechanism_id_redirects_to_its_node(client):
    r = client.get("/theory/node/vision/")
    assert r.status_code == 302 and r["Location"] == "/theory/node/shared_vision/"


@pytest.mark.parametrize(
    "url",
    [
        "/theory/node/no_such_node/",
        "/theory/cmoc/box9.99/",
        "/theory/action/t10.99/",
    ],
)
def test_unknown_ids_are_404(client, url):
    assert client.get(url).status_code == 404


def test_cmoc_and_action_detail_pages(client):
    html = get_ok(client, "/theory/cmoc/box1.11/")
    assert "Having appropriate accountability arrangements" in html
    assert 'href="/theory/node/conflict_resolution/"' in html
    assert "Source: Box 1" in html and "Derived by collabdx" in html
    html = get_ok(client, "/theory/action/t10.07/")
    assert "quick wins" in html
    assert 'href="/theory/cmoc/box1.09/"' in html
    assert 'href="/theory/node/perception_of_progress/"' in html


def test_causal_web_page_has_accessible_svg_and_link_table(client):
    html = get_ok(client, "/theory/web/")
    m = re.search(r"<svg .*?</svg>", html, re.S)
    assert m
    root = ET.fromstring(m.group(0))
    # Its nodes are links, so it is a labelled group, not an image (axe nested-interactive).
    assert root.get("role") == "group"
    assert root.get("aria-labelledby")
    title = root.find(f"{SVG}title")
    assert title is not None and title.text
    assert root.find(f"{SVG}desc") is not None
    assert root.get("aria-labelledby") == title.get("id")
    theory = load_theory()
    assert html.count('<tr class="nhsuk-table__row" role="row" data-edge>') == len(theory.edges)
    # Each node of the drawing links to its detail page.
    assert 'href="/theory/node/trust/"' in m.group(0)


def test_causal_web_svg_download(client):
    r = client.get("/theory/web.svg")
    assert r.status_code == 200 and r["Content-Type"].startswith("image/svg+xml")
    ET.fromstring(r.content)


def test_no_external_urls_except_the_licence(client):
    theory = load_theory()
    urls = [u for u, *_ in LISTS] + [
        "/theory/",
        "/theory/?q=trust",
        "/theory/web/",
        "/theory/node/trust/",
        "/theory/cmoc/box1.11/",
        "/theory/action/t10.07/",
    ]
    assert theory.cmocs
    for url in urls:
        html = get_ok(client, url)
        external = set(re.findall(r'(?:href|src|action)="((?:https?:)?//[^"]*)"', html))
        assert external <= {CC_LICENCE}, (url, external)
        assert "style=" not in html.split("<body", 1)[1], url
