"""The researchers' pages of a wave (issue 5): the psychometric analysis as a page, as
JSON and as the tidy long-format package, gated like the group report; and (issue 18)
the SPSS, Stata, lavaan and Mplus downloads and the validation sections."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections import Counter

import html5lib
import numpy as np
import pyreadstat
import pytest
from markupsafe import escape

from collabdx.core.instruments import load_instrument
from collabdx.core.psychometrics import result_to_dict, run_psychometrics
from collabdx.reports.research import SEED, WEB_BOOTSTRAP_B, prepared_responses
from collabdx.web.collab.models import PartnerLink
from collabdx.web.survey.wave_data import load_wave
from tests.web.factories import PartnerFactory, ResponseFactory, WaveFactory
from tests.web.test_results import body, partners

pytestmark = pytest.mark.django_db

READINESS = load_instrument("readiness", "1")
K = 5
TODAY = dt.date.today()
# Alpha 14 and Delta 12 are shown. Gamma (3) is under k, and Beta (9) is hidden with it:
# otherwise the total minus the others would give Gamma's count away.
SIZES = {"Alpha Trust": 14, "Beta Care": 9, "Delta Partnership": 12, "Gamma Health": 3}
HIDDEN = ("Beta Care", "Gamma Health")
SHOWN = ("Alpha Trust", "Delta Partnership")


def url(collab, wave, what: str = "research/") -> str:
    return f"/collaborations/{collab.pk}/waves/{wave.pk}/{what}"


def answers(rng: np.random.Generator, shift: float) -> dict[str, object]:
    """One respondent: every scored item driven by one latent score, so the scales
    hang together; descriptors at random (role and staff group vary)."""
    latent = rng.normal(0, 0.8)
    out: dict[str, object] = {"Q3": "Typed organisation"}
    for item in READINESS.items.values():
        if item.type != "choice":
            continue
        if item.role == "scored":
            keyed = int(np.clip(np.rint(3 + shift + latent + rng.normal(0, 0.7)), 1, 5))
            out[item.id] = 6 - keyed if item.reverse else keyed
        else:
            out[item.id] = int(rng.choice(item.codes))
    return out


def released_wave(collab, name: str = "Wave 1"):
    wave = WaveFactory(
        collaboration=collab, name=name,
        opens_on=TODAY - dt.timedelta(days=30), closes_on=TODAY - dt.timedelta(days=2),
    )  # fmt: skip
    for p in collab.partners.all():
        PartnerLink.objects.create(wave=wave, partner=p)
    return wave


@pytest.fixture
def four(collab):
    PartnerFactory(collaboration=collab, name="Delta Partnership")
    return collab


@pytest.fixture
def released(four):
    """A closed wave: Alpha 14, Beta 9, Delta 12, Gamma 3 respondents."""
    wave = released_wave(four)
    rng = np.random.default_rng(7)
    p = partners(four)
    for (name, n), shift in zip(SIZES.items(), (0.4, -0.3, 0.0, -1.0), strict=True):
        for _ in range(n):
            ResponseFactory(wave=wave, partner=p[name], answers=answers(rng, shift))
    return wave


def expected(wave):
    """The core's result on the data the page analyses, computed here independently."""
    data = load_wave(wave)
    rs = prepared_responses(data.responses, K, data.partner_counts)
    return run_psychometrics(rs, K, bootstrap_b=WEB_BOOTSTRAP_B, seed=SEED)


def f2(x: float, places: int = 2) -> str:
    text = f"{x:.{places}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "\u2212")


def with_ci(stat) -> str:
    lo, hi = stat.ci
    return f"{f2(stat.value)} ({f2(lo)} to {f2(hi)})"


def row(html: str, header: str) -> str:
    m = re.search(re.escape(header) + r"(?:</a>)?</th>(.*?)</tr>", html, re.S)
    assert m is not None, header
    return m.group(1)


def section(html: str, start: str, end: str) -> str:
    return html[html.index(f'id="{start}"') : html.index(f'id="{end}"')]


def test_page_shows_the_core_result(owner_client, four, released):
    r = owner_client.get(url(four, released))
    assert r.status_code == 200
    assert "no-store" in r["Cache-Control"]
    html = r.content.decode()
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)
    res = expected(released)
    assert res.n_respondents == 38 and not res.withheld
    assert "38 respondents; groups need at least 5 to be analysed." in html

    reliability = section(html, "reliability", "agreement")
    for s in res.reliability:
        if not s.applicable:
            assert "a single-item scale has no internal consistency" in row(reliability, s.name)
            continue
        cells = row(reliability, s.name)
        assert with_ci(s.alpha) in cells, s.name
        second = s.omega if s.omega is not None else s.spearman_brown
        assert with_ci(second) in cells, s.name
        for item in s.item_stats:
            item_cells = row(reliability, item.text + "</span>")
            assert f">{f2(item.corrected_item_total)}<" in item_cells, item.item_id

    org = next(a for a in res.agreement if a.by == "organisation")
    assert org.computed and org.groups == SHOWN
    agreement = section(html, "agreement", "comparisons")
    for s in org.scales:
        cells = row(agreement.split("<h3>Role</h3>")[0], s.name)
        for g in s.rwg:
            assert f">{f2(g.rwg.value)}" in cells, (s.name, g.group)
        for icc in (s.icc1, s.icc2):
            # ICC(2) = 1 − 1/F below zero is shown as "below 0", never raw (issue 18)
            shown = "below 0" if icc is s.icc2 and icc.value < 0 else f2(icc.value)
            assert re.search(f">{re.escape(shown)}( †)?<", cells), s.name
        assert s.reading in agreement

    comparisons = section(html, "comparisons", "structure")
    for family in res.comparisons:
        assert family.computed, family.by
        for c in family.comparisons:
            assert f"{c.group_a} − {c.group_b}" in comparisons
            assert f"{f2(c.mean_a)}, {f2(c.mean_b)}" in comparisons
            assert f2(c.difference.value) + " (" in comparisons

    assert res.structure is not None and not res.structure.computed
    assert res.structure.statement in html
    # The bootstrap actually used, said on the page, with the seed.
    assert f"{WEB_BOOTSTRAP_B} resamples" in html and str(SEED) in html
    # Every caution attached to a statistic is on the page.
    for s in res.reliability:
        if s.warning:
            assert s.warning in html


def test_json_is_the_core_result(owner_client, four, released):
    r = owner_client.get(url(four, released, "research.json"))
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    assert "no-store" in r["Cache-Control"]
    assert r["Content-Disposition"] == (
        'attachment; filename="collabdx-north-alliance-wave-1-research.json"'
    )
    data = json.loads(body(r))
    assert data == {**result_to_dict(expected(released)), "data_label": None}


def test_the_page_is_the_same_on_every_load(owner_client, four, released):
    """Responses load in a fresh random order each time; the bootstrap must not see it."""
    first = owner_client.get(url(four, released, "research.json")).content
    from collabdx.reports import research

    research._cache.clear()
    assert owner_client.get(url(four, released, "research.json")).content == first


def test_long_format_zip(owner_client, four, released):
    r = owner_client.get(url(four, released, "research.zip"))
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    assert "no-store" in r["Cache-Control"]
    assert r["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(body(r)))
    assert sorted(archive.namelist()) == [
        "datapackage.json", "responses_long.csv", "value_labels.csv"
    ]  # fmt: skip
    long_csv = archive.read("responses_long.csv").decode()
    assert len(long_csv.strip().splitlines()) == 1 + 38 * len(READINESS.choice_items)
    for name in (*HIDDEN, *SHOWN, "Typed organisation"):
        assert name not in long_csv


def test_small_partners_are_nowhere(owner_client, four, released):
    page = owner_client.get(url(four, released)).content.decode()
    data = body(owner_client.get(url(four, released, "research.json"))).decode()
    for name in HIDDEN:
        assert name not in page and name not in data, name
    for name in SHOWN:
        assert name in page and name in data
    res = expected(released)
    groups = {g for a in res.agreement for g in a.groups}
    groups |= {g for f in res.comparisons for c in f.comparisons for g in (c.group_a, c.group_b)}
    assert not groups & set(HIDDEN)
    # The group report's appendix names no hidden partner either: they stay only in
    # the partner table, with no count.
    report = owner_client.get(url(four, released, "report/")).content.decode()
    for name in HIDDEN:
        assert report.count(name) == 1, name
    appendix = report[report.index('id="research"') :]
    assert "rwg(j): Alpha Trust" in appendix and "rwg(j): Delta Partnership" in appendix


def test_open_wave_shows_nothing(owner_client, collab, wave):
    p = partners(collab)
    rng = np.random.default_rng(1)
    for name in p:
        for _ in range(6):
            ResponseFactory(wave=wave, partner=p[name], answers=answers(rng, 0))
    for what, status in (("research/", 200), ("research.json", 409), ("research.zip", 409)):
        r = owner_client.get(url(collab, wave, what))
        assert r.status_code == status, what
        assert r["Content-Type"].startswith("text/html"), what
        html = r.content.decode()
        assert "Results are shown when the wave closes" in html
        assert "alpha" not in html.lower() and "rwg" not in html
        assert not re.search(r"\d\.\d\d", html), what


def test_under_k_is_refused(owner_client, collab):
    wave = released_wave(collab)
    p = partners(collab)
    rng = np.random.default_rng(2)
    for _ in range(K - 1):
        ResponseFactory(wave=wave, partner=p["Alpha Trust"], answers=answers(rng, 0))
    for what in ("research/", "research.json", "research.zip"):
        r = owner_client.get(url(collab, wave, what))
        assert r.status_code == 409, what
        html = r.content.decode()
        assert "not shown: results and downloads need at least 5 responses" in html.lower()
        assert "alpha" not in html.lower() and not re.search(r"\d\.\d\d", html)


def test_other_facilitators_get_404_and_visitors_sign_in(client, stranger_client, four, released):
    for what in ("research/", "research.json", "research.zip"):
        assert stranger_client.get(url(four, released, what)).status_code == 404
        r = client.get(url(four, released, what))
        assert r.status_code == 302 and r["Location"].startswith("/sign-in/?next=")


def test_report_links_to_the_research_page(owner_client, four, released):
    html = owner_client.get(url(four, released, "report/")).content.decode()
    assert f'href="{url(four, released)}"' in html
    ids = re.findall(r'<h2 id="([a-z-]+)"', html)
    assert ids[-2:] == ["methods", "research"]


def test_names_on_the_page_are_escaped(owner_client, collab):
    from tests.security.test_xss import escaped, injections, payload

    collab.name = payload("collab")
    collab.save()
    p = partners(collab)
    p["Alpha Trust"].name = payload("partner")
    p["Alpha Trust"].save()
    wave = released_wave(collab, name=payload("wave"))
    rng = np.random.default_rng(3)
    for partner in p.values():
        for _ in range(K):
            ResponseFactory(wave=wave, partner=partner, answers=answers(rng, 0))
    for what in ("research/", "report/"):
        html = owner_client.get(url(collab, wave, what)).content.decode()
        assert injections(html) == [], what
        for field in ("collab", "wave", "partner"):
            assert escaped(field) in html, (what, field)
    data = json.loads(body(owner_client.get(url(collab, wave, "research.json"))))
    assert (
        payload("partner")
        in next(a for a in data["agreement"] if a["by"] == "organisation")["groups"]
    )


def test_stata_and_spss_files_show_what_the_csv_export_shows(owner_client, four, released,
                                                             tmp_path):
    """Issue 12: the statistics files are k-anonymous exactly as the CSV export is:
    the same organisation and descriptor values (bands and "Not shown" as value-
    labelled codes), not fewer columns and not more."""
    import csv
    import io

    csv_rows = list(csv.DictReader(io.StringIO(
        body(owner_client.get(url(four, released, "export.csv"))).decode("utf-8-sig"),
        newline="")))  # fmt: skip
    qis = ("Q3", "Q1", "Q2", "Q4", "Q5")
    expected = Counter(tuple(r[q] for q in qis) for r in csv_rows)
    assert expected and "Not shown" in {r["Q3"] for r in csv_rows}  # Gamma (3) is hidden
    for ext in ("sav", "dta"):
        r = owner_client.get(url(four, released, f"research.{ext}"))
        assert r.status_code == 200, ext
        assert "no-store" in r["Cache-Control"]
        assert r["Content-Disposition"].endswith(f'-responses.{ext}"')
        data = body(r)
        for name in (*HIDDEN, "Typed organisation"):
            assert name.encode() not in data, (ext, name)
        path = tmp_path / f"r.{ext}"
        path.write_bytes(data)
        reader = pyreadstat.read_dta if ext == "dta" else pyreadstat.read_sav
        frame, meta = reader(str(path))
        assert meta.variable_value_labels["Q6"]  # value labels kept
        if ext == "sav":
            notes = " ".join(meta.notes)
            assert "k-anonymity" in notes and "Small samples" in notes
        assert len(frame) == 38

        def shown(q: str, v: object, labels=meta.variable_value_labels) -> str:
            # A code as the CSV writes it: the answer's code, or the band / "Not shown"
            # its value label stands for.
            if q == "Q3":
                return str(v)
            if v != v:  # NaN: left blank
                return ""
            label = labels[q].get(v) or labels[q].get(int(v), "")
            if label == "Not shown" or (":" in label and label.split(":")[0][:1].isdigit()):
                return label.split(":")[0]
            return str(int(v))

        got = Counter(tuple(shown(q, row[q]) for q in qis) for _, row in frame.iterrows())
        assert got == expected, ext


def test_lavaan_and_mplus_files(owner_client, four, released):
    r = owner_client.get(url(four, released, "research-lavaan.R"))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/plain")
    text = body(r).decode()
    assert "initial_trust =~ Q6 + Q7 + Q8 + Q9 + Q10 + Q11" in text
    assert "-responses.sav" in text
    r = owner_client.get(url(four, released, "research-mplus.inp"))
    text = body(r).decode()
    assert "F1 BY Q6* Q7 Q8 Q9 Q10 Q11;" in text and "ESTIMATOR = ML;" in text
    for name in (*HIDDEN, *SHOWN):
        assert name not in text


@pytest.mark.parametrize("what", ["research.sav", "research.dta", "research-lavaan.R",
                                  "research-mplus.inp"])  # fmt: skip
def test_open_wave_and_under_k_refused(owner_client, collab, wave, what):
    r = owner_client.get(url(collab, wave, what))
    assert r.status_code == 409
    assert "Results are shown when the wave closes" in r.content.decode()


def test_page_shows_the_validation_sections(owner_client, four, released):
    html = owner_client.get(url(four, released)).content.decode()
    res = expected(released)
    for section in ("missing", "validity", "invariance", "nesting"):
        assert f'id="{section}"' in html
    for inv in res.invariance:
        assert not inv.computed
        assert str(escape(inv.statement)) in html
    # Every comparison says what it rests on: measurement invariance untested here.
    assert html.count("<strong>Measurement invariance:</strong> These comparisons assume") == len(
        [f for f in res.comparisons if f.computed]
    )
    assert res.validation is not None and str(escape(res.validation.fiml_statement)) in html
    ml = res.multilevel
    assert ml is not None and str(escape(ml.reading)) in html
    assert res.min_group_size == K

