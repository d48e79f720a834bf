"""The workshop pack's "For researchers" appendix: last section of the HTML and the PDF,
figures equal to the core psychometrics, nothing from groups under k."""

from __future__ import annotations

import io
import re

import pytest
from markupsafe import escape

from collabdx.core.demo import DEMO_PARTNERS
from collabdx.core.psychometrics import run_psychometrics
from collabdx.reports.html import render_html
from collabdx.reports.model import build_report
from collabdx.reports.research import SEED, WEB_BOOTSTRAP_B, canonical_order
from tests.reports.conftest import NORTHGATE, SOUTHMOOR, WESTVALE

K = 5
TITLE = "For researchers"


def f2(x: float) -> str:
    text = f"{x:.2f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "\u2212")


def with_ci(stat) -> str:
    return f"{f2(stat.value)} ({f2(stat.ci[0])} to {f2(stat.ci[1])})"


def appendix(html: str) -> str:
    return html[html.index('<h2 id="research"') :]


def row(html: str, header: str) -> str:
    m = re.search(re.escape(header) + r"(<span.*?)?</th>(.*?)</tr>", html, re.S)
    assert m is not None, header
    return (m.group(1) or "") + m.group(2)


@pytest.fixture(scope="module")
def demo_html(demo_model):
    return render_html(demo_model)


@pytest.fixture(scope="module")
def demo_result(demo_set):
    """The core's result, computed here on the same rows in the same (sorted) order."""
    return run_psychometrics(canonical_order(demo_set), K, bootstrap_b=WEB_BOOTSTRAP_B, seed=SEED)


def test_appendix_is_the_last_section_and_in_the_contents(demo_html):
    ids = re.findall(r'<h2 id="([a-z-]+)"', demo_html)
    assert ids[-2:] == ["methods", "research"]
    assert f'href="#research">{TITLE}</a>' in demo_html
    assert "collabdx psychometrics" in appendix(demo_html)  # where the full analysis is


def test_reliability_equals_the_core_result(demo_html, demo_result):
    part = appendix(demo_html)
    assert str(escape(demo_result.statement)) in part
    for s in demo_result.reliability:
        cells = row(part, s.name)
        assert f">{s.n_complete}" in cells and f">{len(s.items)} question" in cells, s.name
        if not s.applicable:
            assert "single-item scale" in cells
            continue
        assert with_ci(s.alpha) in cells, s.name
        assert with_ci(s.omega if s.omega is not None else s.spearman_brown) in cells, s.name
    assert f"{WEB_BOOTSTRAP_B} resamples" in part and str(SEED) in part


def test_agreement_by_organisation_equals_the_core_result(demo_html, demo_result):
    part = appendix(demo_html).split("<h3>Agreement within organisations</h3>")[1]
    org = next(a for a in demo_result.agreement if a.by == "organisation")
    shown = [p.name for p in DEMO_PARTNERS if p.size >= K]
    assert sorted(org.groups) == sorted(shown)
    for g in org.groups:
        assert f"rwg(j): {g}</th>" in part
    for s in org.scales:
        cells = row(part, s.name)
        assert f">{f2(s.icc1.value)}" in cells and f">{f2(s.icc2.value)}" in cells
        for g in s.rwg:
            assert f"{f2(g.rwg.value)} (n = {g.rwg.n})" in cells, (s.name, g.group)


def test_cfa_statement_and_every_caution(demo_html, demo_result):
    part = appendix(demo_html)
    assert demo_result.structure is not None and not demo_result.structure.computed
    assert str(escape(demo_result.structure.statement)) in part
    assert f"needs at least {demo_result.structure.n_required}" in part
    for s in demo_result.reliability:
        if s.warning:
            assert str(escape(s.warning)) in part
    org = next(a for a in demo_result.agreement if a.by == "organisation")
    for s in org.scales:
        if s.icc1 is not None and s.icc1.warning:
            assert str(escape(s.icc1.warning)) in part


def test_groups_under_k_are_never_named(demo_html, pilot_model):
    small = [p.name for p in DEMO_PARTNERS if p.size < K]
    assert small
    for name in small:
        assert name not in demo_html
    # The pilot: Westvale (3) is under k and Southmoor hidden with it, which leaves one
    # organisation, so there is no agreement between organisations to show at all.
    part = appendix(render_html(pilot_model))
    assert SOUTHMOOR not in part and WESTVALE not in part and NORTHGATE not in part
    # Two organisations have at least 5 respondents, so the old "fewer than two have at
    # least 5" was false (issue 14): say what is true.
    assert "fewer than two organisations can be shown" in part
    assert "have at least 5 respondents" not in part


def test_no_appendix_under_k_or_when_switched_off(demo_set):
    few = demo_set.subset([i < K - 1 for i in range(demo_set.n)])
    html = render_html(build_report(few, with_research=True))
    assert 'id="research"' not in html and TITLE not in html
    off = build_report(demo_set, with_research=False)
    assert off.research is None
    html = render_html(off)
    assert 'id="research"' not in html and f">{TITLE}</a>" not in html


def test_appendix_in_the_pdf_after_the_methods(pilot_model, pilot_responses):
    pytest.importorskip("weasyprint")
    from pypdf import PdfReader

    from collabdx.reports.pdf import render_pdf

    reader = PdfReader(io.BytesIO(render_pdf(pilot_model)))
    texts = [" ".join((p.extract_text() or "").split()) for p in reader.pages]
    # Annexes are lettered (issue 14): "Annex G. Methods and limitations".
    methods = [n for n, t in enumerate(texts) if re.match(r"Annex [A-Z]\. Methods and limit", t)]
    research = [n for n, t in enumerate(texts) if re.match(r"Annex [A-Z]\. " + TITLE, t)]
    assert methods and research and research[0] > methods[0]
    contents = next(t for t in texts if t.startswith("Annexes"))
    m = re.search(TITLE + r" [. ]+ (\d+)", contents)  # the contents gives its page
    assert m is not None and int(m.group(1)) == research[0] + 1
    res = run_psychometrics(
        canonical_order(pilot_responses), K, bootstrap_b=WEB_BOOTSTRAP_B, seed=SEED
    )
    computed = [s for s in res.reliability if s.alpha is not None and s.alpha.ci]
    assert computed
    whole = " ".join(texts[research[0] :])
    for s in computed:
        assert with_ci(s.alpha) in whole, s.name
    assert SOUTHMOOR not in whole and WESTVALE not in whole


def test_appendix_states_invariance_and_its_n(demo_html, demo_result):
    part = appendix(demo_html)
    assert "Measurement invariance and nesting" in part
    for inv in demo_result.invariance:
        assert not inv.computed
        assert str(escape(inv.statement)) in part
