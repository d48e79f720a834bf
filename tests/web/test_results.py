"""Facilitator results: group report, exports, trends across waves and the action plan."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from openpyxl import load_workbook

from collabdx.core.instruments import load_instrument
from collabdx.reports import trend_chart
from collabdx.web.collab.models import ActionPlanItem, PartnerLink
from collabdx.web.survey.wave_data import MixedInstrumentError, load_wave, wave_responses
from tests.web.factories import (
    CollaborationFactory,
    EventFactory,
    PartnerFactory,
    ResponseFactory,
    WaveFactory,
)

pytestmark = pytest.mark.django_db

READINESS = load_instrument("readiness", "1")
TRUST_ITEMS = ("Q6", "Q7", "Q8", "Q9", "Q10", "Q11")
TYPED_ORG = "Secret typed organisation"


def answers(
    trust: tuple[int, ...] = (4,) * 6, rest: int = 4, variant: int = 0
) -> dict[str, object]:
    """Readiness v1 answers whose KEYED values are ``trust`` for initial trust (Q6-Q11)
    and ``rest`` for every other scored item. Reverse-worded items get 6 - keyed.

    ``variant`` (0-15) makes answer sets differ without changing any scale mean, so
    the data-quality check (issue 12) does not set them aside as exact repeats:
    Q5 (time on the collaboration, used by no figure) takes its four codes, and from
    variant 4 on, clarity of vision (Q27, Q28) and then shared vision (Q29, Q30) are
    answered one above and one below ``rest`` instead of ``rest`` twice."""
    a: dict[str, object] = {
        "Q1": 2, "Q2": 1, "Q3": TYPED_ORG, "Q4": 4, "Q5": 4 - variant % 4,
        "Q12": 1, "Q13": 1, "Q19": 1, "Q23": 2,
    }  # fmt: skip
    keyed = {item.id: rest for item in READINESS.scored_items}
    keyed.update(zip(TRUST_ITEMS, trust, strict=True))
    spread = min(rest - 1, 5 - rest)
    if variant // 4 in (1, 3) and spread:
        keyed["Q27"], keyed["Q28"] = rest + 1, rest - 1
    if variant // 4 in (2, 3) and spread:
        keyed["Q29"], keyed["Q30"] = rest + 1, rest - 1
    for item in READINESS.scored_items:
        a[item.id] = 6 - keyed[item.id] if item.reverse else keyed[item.id]
    return a


def add(wave, partner, n: int, **kw) -> None:
    """``n`` responses with the same scale scores, none of them an exact repeat."""
    assert n <= 16, "answers() has 16 variants"
    for i in range(n):
        ResponseFactory(wave=wave, partner=partner, answers=answers(**kw, variant=i))


def partners(collab):
    return {p.name: p for p in collab.partners.all()}


def report_url(collab, wave) -> str:
    return f"/collaborations/{collab.pk}/waves/{wave.pk}/report/"


def export_url(collab, wave, fmt: str) -> str:
    return f"/collaborations/{collab.pk}/waves/{wave.pk}/export.{fmt}"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content



@pytest.fixture
def wave(closed_wave):
    """Results are shown only for closed waves (Wave.results_released); see test_release.py."""
    return closed_wave


@pytest.fixture
def fifteen(collab, wave):
    """15 responses: Alpha 7, Beta 6, Gamma 2. Only initial trust differs by partner."""
    p = partners(collab)
    add(wave, p["Alpha Trust"], 7, trust=(4, 4, 4, 4, 4, 4))  # keyed mean 4
    add(wave, p["Beta Care"], 6, trust=(3, 3, 3, 3, 3, 2))  # 17/6 = 2.83
    add(wave, p["Gamma Health"], 2, trust=(1, 1, 1, 2, 2, 3))  # 10/6 = 1.67
    return wave


# ---- Group report ----------------------------------------------------------------------


def numeric_cells(html: str) -> list[str]:
    return re.findall(r'nhsuk-table__cell--numeric">\s*([^<]*?)\s*</td>', html)


def test_report_shows_exact_figures_and_hides_small_partners(owner_client, collab, fifteen):
    r = owner_client.get(report_url(collab, fifteen))
    html = r.content.decode()
    assert r.status_code == 200
    assert "15 people responded." in html
    # Initial trust, by hand: (7 x 4 + 6 x 17/6 + 2 x 10/6) / 15 = (28 + 17 + 3.333) / 15
    # = 48.333 / 15 = 3.2222 -> "3.22"; band "Mixed" (3.0 to below 4.0), in words.
    trust_row = re.search(r"Initial trust<span[^>]*>15 answered</span></th>(.*?)</tr>", html, re.S)
    assert trust_row is not None
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", trust_row.group(1))
    assert cells[0] == "3.22" and cells[2] == "Mixed"
    # Pooled trust answers: 42 favourable, 32 neutral, 16 unfavourable of 90.
    assert cells[3:6] == ["47%", "36%", "18%"]
    # Every other scale is all 4s: mean 4.00, band "Strength".
    assert "Strength" in html

    # Responses per partner: Gamma (2) is under k; Beta (6) is hidden with it, since
    # otherwise 15 - 7 - Beta would give Gamma's count away.
    assert re.search(r"Alpha Trust</th>\s*<td[^>]*>7</td>", html)
    # Both read the same: the wording never tells which one is under k (issue 12).
    assert re.search(r"Beta Care</th>\s*<td[^>]*>Not shown</td>", html)
    assert re.search(r"Gamma Health</th>\s*<td[^>]*>Not shown</td>", html)
    # Neither hidden count appears in any numeric cell of any table.
    shown = numeric_cells(html)
    assert "7" in shown and "15" in shown
    assert "6" not in shown and "2" not in shown
    # No hidden figure anywhere: Beta's trust mean 2.83, Gamma's 1.67, the two together
    # (17 + 10/3) / 8 = 2.54. Alpha's own 4.00 is fine to show.
    for hidden in ("2.83", "1.67", "2.54"):
        assert hidden not in html
    # The organisation breakdown names only Alpha; the partner names of hidden groups
    # appear once, in the partner table, never beside a figure.
    assert html.count("Beta Care") == 1 and html.count("Gamma Health") == 1
    assert html.count(">Organisation not shown</th>") == 2
    # What a respondent typed as Q3 is never shown.
    assert TYPED_ORG not in html
    assert "no-store" in r["Cache-Control"]


def test_organisation_breakdown_agrees_with_the_partner_table(owner_client, collab, wave):
    # A fourth partner had a link but nobody answered through it.
    delta = PartnerFactory(collaboration=collab, name="Delta Council")
    PartnerLink.objects.create(wave=wave, partner=delta)
    p = partners(collab)
    add(wave, p["Alpha Trust"], 10)
    add(wave, p["Beta Care"], 6)
    add(wave, p["Gamma Health"], 2)
    html = owner_client.get(report_url(collab, wave)).content.decode()
    # Partner table (every partner listed, so an empty one is possible): Gamma and
    # Delta are both under k, and together only 2, so pooled they would still be a
    # group under k (total minus the visible partners): Beta (6) is hidden too.
    assert re.search(r"Alpha Trust</th>\s*<td[^>]*>10</td>", html)
    assert re.search(r"Beta Care</th>\s*<td[^>]*>Not shown</td>", html)
    assert re.search(r"Delta Council</th>\s*<td[^>]*>Not shown</td>", html)
    # The organisation breakdown hides Beta too (Gamma alone would be exposed among the
    # partners that answered) and lists a hidden row for Delta, so its row count does
    # not reveal that one partner is empty and the other therefore has exactly 2.
    org = re.search(r"Organisation<span.*?</table>", html, re.S)
    assert org is not None
    rows = re.findall(r'<th scope="row" class="nhsuk-table__header">([^<]+)</th>', org.group(0))
    assert rows == ["Alpha Trust"] + ["Organisation not shown"] * 3


def test_report_under_k_shows_nothing_but_not_shown(owner_client, collab, wave):
    p = partners(collab)
    add(wave, p["Alpha Trust"], 3)
    add(wave, p["Beta Care"], 1)
    r = owner_client.get(report_url(collab, wave))
    html = r.content.decode()
    assert r.status_code == 200
    assert "Not shown: results appear once at least 5 people have answered" in html
    assert "<table" not in html
    assert "Alpha Trust" not in html and "Beta Care" not in html
    assert "4 people" not in html and "responded." not in html
    assert "Add to action plan" not in html
    assert "no-store" in r["Cache-Control"]


def test_every_partner_at_k_minus_one_shows_nothing_not_even_the_total(
    owner_client, collab, wave
):
    # Alpha 4, Beta 4, Gamma 4 (k = 5). While the wave was open each read "not yet
    # enough", so each is at most 4; a closed total of 12 would make each exactly 4.
    for p in partners(collab).values():
        add(wave, p, 4)
    html = owner_client.get(report_url(collab, wave)).content.decode()
    assert "Not shown: results appear once at least 5 people have answered" in html
    assert "responded" not in html and ">12<" not in html
    assert owner_client.get(export_url(collab, wave, "csv")).status_code == 409
    page = owner_client.get(f"/collaborations/{collab.pk}/waves/{wave.pk}/").content.decode()
    assert "Responses: not shown." in page and "Responses: 12" not in page


def test_responses_set_aside_are_left_out_everywhere_and_counted_for_the_wave_only(
    owner_client, collab, wave
):
    alpha = partners(collab)["Alpha Trust"]
    add(wave, alpha, 6)  # six different answer sets
    for _ in range(2):  # two exact repeats of the first of them
        ResponseFactory(wave=wave, partner=alpha, answers=answers(variant=0))
    all_threes = {i.id: 3 if 3 in i.codes else i.codes[0] for i in READINESS.choice_items}
    ResponseFactory(wave=wave, partner=alpha, answers=all_threes)  # straight-lined
    html = owner_client.get(report_url(collab, wave)).content.decode()
    assert "6 people responded." in html
    note = (
        "3 responses were set aside by the data-quality check: 2 exact repeats of another "
        "response (counted once) and 1 straight-lined (the same answer to every question)."
    )
    assert note in html  # the pack's methods section
    page = owner_client.get(f"/collaborations/{collab.pk}/waves/{wave.pk}/").content.decode()
    assert note in page and "Responses: 6." in page
    # Only Alpha answered: Beta and Gamma (0) cannot be hidden alone, so Alpha is not
    # shown either; the wave's total still is.
    assert re.search(r"Alpha Trust</h3>\s*<p>Responses: Not shown</p>", page)
    rows = list(csv.DictReader(io.StringIO(body(owner_client.get(
        export_url(collab, wave, "csv"))).decode())))  # fmt: skip
    assert len(rows) == 6


def test_report_uses_the_configured_minimum_group_size(owner_client, collab, wave, settings):
    settings.MIN_GROUP_SIZE = 3
    add(wave, partners(collab)["Alpha Trust"], 4)
    html = owner_client.get(report_url(collab, wave)).content.decode()
    assert "4 people responded." in html


def test_report_offers_actions_with_evidence_context_and_maturity(owner_client, collab, wave):
    p = partners(collab)
    # Low trust everywhere, so the rules select trust-building statements.
    for partner in p.values():
        add(wave, partner, 5, trust=(1, 2, 1, 2, 1, 2), rest=2)
    html = owner_client.get(report_url(collab, wave)).content.decode()
    assert 'id="actions"' in html
    assert "<dt>If</dt>" in html and "<dt>Then</dt>" in html and "<dt>Because</dt>" in html
    assert 'class="nhsuk-details"' in html and "Box 1" in html  # CMOCs with their source
    assert "Mandated or voluntary" in html and "Life-cycle stage" in html
    assert "Add to action plan" in html
    assert f'action="/collaborations/{collab.pk}/waves/{wave.pk}/report/adopt/"' in html
    assert "Maturity matrix: starting points" in html and "Pathological" in html


def test_demo_collaboration_shows_a_banner(owner_client, collab, fifteen):
    collab.is_demo = True
    collab.save()
    for url in (report_url(collab, fifteen), f"/collaborations/{collab.pk}/trends/",
                f"/collaborations/{collab.pk}/plan/"):  # fmt: skip
        assert "Demo collaboration" in owner_client.get(url).content.decode(), url


def test_result_pages_have_no_inline_styles_or_scripts(owner_client, collab, fifteen):
    EventFactory(collaboration=collab, description='<script>alert(1)</script><b style="x">')
    for url in (report_url(collab, fifteen), f"/collaborations/{collab.pk}/trends/",
                f"/collaborations/{collab.pk}/plan/"):  # fmt: skip
        html = owner_client.get(url).content.decode()
        assert not re.search(r"<[^>]*\sstyle=", html), url  # escaped text is fine
        assert "<style" not in html and "<b " not in html, url
        for tag in re.findall(r"<script[^>]*>", html):
            assert "nonce=" in tag or "src=" in tag, (url, tag)


# ---- Access control --------------------------------------------------------------------


def results_urls(collab, wave, item):
    c, w = collab.pk, wave.pk
    return [
        ("get", f"/collaborations/{c}/waves/{w}/report/"),
        ("post", f"/collaborations/{c}/waves/{w}/report/adopt/"),
        ("get", f"/collaborations/{c}/waves/{w}/export.csv"),
        ("get", f"/collaborations/{c}/waves/{w}/export.xlsx"),
        ("get", f"/collaborations/{c}/waves/{w}/export.json"),
        ("get", f"/collaborations/{c}/trends/"),
        ("get", f"/collaborations/{c}/plan/"),
        ("get", f"/collaborations/{c}/plan/{item.pk}/"),
        ("post", f"/collaborations/{c}/plan/{item.pk}/"),
    ]


def test_another_facilitator_gets_404_on_every_results_url(stranger_client, collab, fifteen):
    item = ActionPlanItem.objects.create(collaboration=collab, action_id="t10.01")
    data = {"action_id": "t10.02", "owner_name": "Mallory", "status": "done", "note": "x"}
    for method, url in results_urls(collab, fifteen, item):
        r = getattr(stranger_client, method)(url, data)
        assert r.status_code == 404, (method, url)
    item.refresh_from_db()
    assert (item.owner_name, item.status) == ("", "not_started")
    assert list(collab.plan_items.values_list("action_id", flat=True)) == ["t10.01"]


def test_another_facilitators_objects_cannot_be_reached_through_your_own(
    owner_client, stranger, collab, wave
):
    theirs = CollaborationFactory(owner=stranger)
    their_wave = WaveFactory(collaboration=theirs, closed=True)
    their_item = ActionPlanItem.objects.create(collaboration=theirs, action_id="t10.01")
    for url in (report_url(collab, their_wave), export_url(collab, their_wave, "csv"),
                f"/collaborations/{collab.pk}/plan/{their_item.pk}/"):  # fmt: skip
        assert owner_client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_sign_in(client, collab, fifteen):
    item = ActionPlanItem.objects.create(collaboration=collab, action_id="t10.01")
    for method, url in results_urls(collab, fifteen, item):
        r = getattr(client, method)(url, {"action_id": "t10.02"})
        assert r.status_code == 302, (method, url)
        assert r["Location"].startswith("/sign-in/"), (method, url)
    assert collab.plan_items.count() == 1


# ---- Exports ---------------------------------------------------------------------------


@pytest.fixture
def formula_wave(owner):
    """Four partners whose names a spreadsheet would run as formulas, five answers each."""
    collab = CollaborationFactory(owner=owner, name="North Alliance")
    wave = WaveFactory(collaboration=collab, name="Wave 1", closed=True)
    for name in ("=SUM(A1:A9)", "+cmd", "-2+3", "@SUM(1)"):
        partner = PartnerFactory(collaboration=collab, name=name)
        PartnerLink.objects.create(wave=wave, partner=partner)
        add(wave, partner, 5)
    return collab, wave


def test_csv_export_downloads_neutralised_shuffled_with_random_ids(owner_client, formula_wave):
    collab, wave = formula_wave
    r = owner_client.get(export_url(collab, wave, "csv"))
    assert r.status_code == 200
    assert r["Content-Disposition"] == 'attachment; filename="collabdx-north-alliance-wave-1.csv"'
    assert r["Content-Type"].startswith("text/csv")
    assert "no-store" in r["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(body(r).decode())))
    assert len(rows) == 20
    # Each formula-like organisation gets a leading quote, so no spreadsheet runs it.
    assert {row["Q3"] for row in rows} == {"'=SUM(A1:A9)", "'+cmd", "'-2+3", "'@SUM(1)"}
    assert TYPED_ORG not in body(r).decode()
    assert all(row["scale_initial_trust"] == "4.0" for row in rows)
    # Respondent ids are random: not the responses' keys, and new on every download.
    keys = {str(pk) for pk in wave.responses.values_list("pk", flat=True)}
    keys |= {k.replace("-", "") for k in keys}
    ids = [row["respondent_id"] for row in rows]
    assert len(set(ids)) == 20 and not set(ids) & keys
    second = owner_client.get(export_url(collab, wave, "csv"))
    again = list(csv.DictReader(io.StringIO(body(second).decode())))
    assert not {row["respondent_id"] for row in again} & set(ids)
    # Row order is shuffled on every download (same order twice: about 1 in 10^10).
    assert [row["Q3"] for row in rows] != [row["Q3"] for row in again]


def test_xlsx_and_json_exports_download(owner_client, formula_wave):
    collab, wave = formula_wave
    r = owner_client.get(export_url(collab, wave, "xlsx"))
    assert r.status_code == 200
    assert r["Content-Disposition"].endswith('filename="collabdx-north-alliance-wave-1.xlsx"')
    assert "no-store" in r["Cache-Control"]
    sheet = load_workbook(io.BytesIO(body(r)))["responses"]
    header = [c.value for c in sheet[1]]
    q3 = header.index("Q3")
    cells = [row[q3] for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == 20
    assert all(c.data_type == "s" and str(c.value).startswith("'") for c in cells)

    r = owner_client.get(export_url(collab, wave, "json"))
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    assert r["Content-Disposition"].startswith("attachment;")
    document = json.loads(body(r))
    assert len(document["responses"]) == 20
    assert document["responses"][0]["instrument_version"] == "1"


def test_export_hides_partners_the_report_hides(owner_client, collab, fifteen):
    r = owner_client.get(export_url(collab, fifteen, "csv"))
    rows = list(csv.DictReader(io.StringIO(body(r).decode())))
    orgs = sorted(row["Q3"] for row in rows)
    # The one wording for hidden values (issue 12), the same for every hidden partner.
    assert orgs == ["Alpha Trust"] * 7 + ["Not shown"] * 8


def test_export_under_k_is_refused(owner_client, collab, wave):
    add(wave, partners(collab)["Alpha Trust"], 4)
    for fmt in ("csv", "xlsx", "json"):
        r = owner_client.get(export_url(collab, wave, fmt))
        assert r.status_code == 409
        assert "Content-Disposition" not in r
        assert "no-store" in r["Cache-Control"]
        assert "Not shown: results and downloads need at least 5 responses" in (
            r.content.decode()
        )


def test_export_unknown_format_is_404(owner_client, collab, fifteen):
    for fmt in ("pdf", "CSV", "csv.exe", "html"):
        assert owner_client.get(export_url(collab, fifteen, fmt)).status_code == 404, fmt


def test_export_filename_is_safe(owner_client, owner):
    collab = CollaborationFactory(owner=owner, name='Über "Care" / <Alliance>')
    wave = WaveFactory(collaboration=collab, name="Wave 1: Q&A\r\nX-Evil: 1", closed=True)
    partner = PartnerFactory(collaboration=collab)
    add(wave, partner, 5)
    r = owner_client.get(export_url(collab, wave, "csv"))
    filename = re.fullmatch(r'attachment; filename="([^"]+)"', r["Content-Disposition"])
    assert filename is not None
    assert filename.group(1) == "collabdx-uber-care-alliance-wave-1-qa-x-evil-1.csv"


# ---- Scoring against the stored version ------------------------------------------------


def test_old_wave_is_rescored_against_the_version_on_its_rows(collab, fifteen):
    # The wave's own setting moves on (as if edited to a newer survey): the rows,
    # collected with readiness v1, are still scored with v1.
    fifteen.instrument_version = "2"
    fifteen.save()
    rs = wave_responses(fifteen)
    assert (rs.instrument_id, rs.instrument_version) == ("readiness", "1")
    assert rs.n == 15


def test_instrument_id_also_comes_from_the_rows(owner_client, collab, wave):
    p = partners(collab)["Alpha Trust"]
    for i in range(5):  # P02 differs, so none is set aside as an exact repeat
        ResponseFactory(wave=wave, partner=p, instrument_id="performance_check",
                        instrument_version="1", answers={"P01": 5, "P02": i + 1})  # fmt: skip
    rs = wave_responses(wave)
    assert rs.instrument_id == "performance_check"
    assert list(rs.codes["P01"]) == [5.0] * 5
    html = owner_client.get(report_url(collab, wave)).content.decode()
    assert "Performance check" in html or "performance" in html.lower()
    assert "Cultural efficacy" in html and "Initial trust" not in html


def test_empty_wave_uses_the_waves_own_version(wave):
    rs = wave_responses(wave)
    assert (rs.instrument_id, rs.instrument_version, rs.n) == ("readiness", "1", 0)


def test_mixed_versions_are_refused_clearly(owner_client, collab, wave):
    p = partners(collab)["Alpha Trust"]
    add(wave, p, 5)
    ResponseFactory(wave=wave, partner=p, instrument_id="performance_check",
                    instrument_version="1", answers={})  # fmt: skip
    with pytest.raises(MixedInstrumentError, match="more than one survey version"):
        wave_responses(wave)
    r = owner_client.get(report_url(collab, wave))
    assert r.status_code == 409 and "cannot be shown" in r.content.decode()
    assert owner_client.get(export_url(collab, wave, "csv")).status_code == 409


def test_response_set_ids_orgs_and_codes(collab, fifteen):
    first, second = load_wave(fifteen), load_wave(fifteen)
    keys = {str(pk) for pk in fifteen.responses.values_list("pk", flat=True)}
    ids = set(first.responses.respondent_ids)
    assert len(ids) == 15 and not ids & keys
    assert not ids & set(second.responses.respondent_ids)
    # The partner's name is the organisation; what people typed in Q3 is dropped.
    assert sorted(set(first.responses.text["Q3"])) == ["Alpha Trust", "Beta Care", "Gamma Health"]
    assert first.partner_counts == {"Alpha Trust": 7, "Beta Care": 6, "Gamma Health": 2}


def test_invalid_stored_answers_count_as_unanswered(collab, wave):
    p = partners(collab)["Alpha Trust"]
    ResponseFactory(wave=wave, partner=p, answers={"Q6": 9, "Q7": "x", "Q8": True, "Q9": "4"})
    codes = wave_responses(wave).codes.iloc[0]
    assert codes[["Q6", "Q7", "Q8"]].isna().all()
    assert codes["Q9"] == 4.0


# ---- Trends ----------------------------------------------------------------------------


@pytest.fixture
def three_waves(collab):
    p = partners(collab)
    day = dt.date(2025, 1, 10)
    waves = []
    for i, (n, trust) in enumerate([(5, 4), (6, 2), (4, 3)], start=1):
        w = WaveFactory(collaboration=collab, name=f"Wave {i}",
                        opens_on=day + dt.timedelta(days=120 * i),
                        closes_on=day + dt.timedelta(days=120 * i + 20))  # fmt: skip
        add(w, p["Alpha Trust"], n, trust=(trust,) * 6)
        waves.append(w)
    EventFactory(collaboration=collab, happened_on=dt.date(2025, 7, 1), kind="conflict",
                 description="Dispute over the funding split")  # fmt: skip
    EventFactory(collaboration=collab, happened_on=dt.date(2025, 6, 1), kind="quick_win",
                 description="Shared discharge pathway went live")  # fmt: skip
    return waves


def test_trends_chart_table_and_events(owner_client, collab, three_waves):
    r = owner_client.get(f"/collaborations/{collab.pk}/trends/")
    html = r.content.decode()
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    svg = re.search(r"<svg class=\"cdx-res-chart\".*?</svg>", html, re.S)
    assert svg is not None
    assert re.search(r'<title id="trend-readiness-title">', svg.group(0))
    assert 'aria-labelledby="trend-readiness-title trend-readiness-desc"' in svg.group(0)
    # Events are numbered by date on the chart and in the table beside it.
    assert (
        "<title>Event 1: 1 June 2025, quick win: Shared discharge pathway went live</title>"
        in svg.group(0)
    )
    assert "<title>Event 2: 1 July 2025, conflict: Dispute over the funding split</title>" in (
        svg.group(0)
    )
    assert re.search(r">1</td>\s*<td[^>]*>1 June 2025</td>\s*<td[^>]*><strong>Quick win", html)
    # The data-table alternative: trust 4.00 at wave 1 and 2.00 at wave 2.
    table = re.search(r'<table class="nhsuk-table cdx-res-trend-table">.*?</table>', html, re.S)
    assert table is not None
    trust = re.search(r"Initial trust</th>(.*?)</tr>", table.group(0), re.S)
    assert trust is not None
    assert re.findall(r"numeric\">([0-9.]+)<", trust.group(1)) == ["4.00", "2.00"]
    # Wave 3 (4 responses) is left out, and the page says so.
    assert "Wave 3" not in table.group(0) and "Wave 3" not in svg.group(0)
    assert "Wave 3: results need at least 5 responses." in html
    assert "Only waves of the same survey are compared on one chart" in html
    assert f'href="/collaborations/{collab.pk}/events/new/"' in html


def test_trends_one_chart_per_survey_and_scale_choice(owner_client, collab, three_waves):
    other = WaveFactory(collaboration=collab, name="Performance", instrument_id="performance_check",
                       closed=True)
    for n in range(5):  # not straight-lined, not repeats (data-quality check)
        answers = {**{f"P{i:02d}": 4 for i in range(1, 18)}, "P01": 1, "P02": n + 1}
        ResponseFactory(wave=other, partner=partners(collab)["Beta Care"],
                        instrument_id="performance_check", instrument_version="1",
                        answers=answers)  # fmt: skip
    html = owner_client.get(f"/collaborations/{collab.pk}/trends/").content.decode()
    assert html.count('<svg class="cdx-res-chart"') == 2
    legend = re.search(r'id="trend-readiness-title".*?</svg>', html, re.S).group(0)
    # By default the readiness chart draws trust and faith, as Figure 13 does.
    assert ">Initial trust</text>" in legend and ">Initial faith</text>" in legend
    assert ">Shared vision</text>" not in legend
    html = owner_client.get(
        f"/collaborations/{collab.pk}/trends/", {"scale": "readiness:shared_vision"}
    ).content.decode()
    legend = re.search(r'id="trend-readiness-title".*?</svg>', html, re.S).group(0)
    assert ">Shared vision</text>" in legend and ">Initial trust</text>" not in legend


def test_trends_with_no_wave_over_k(owner_client, collab, wave):
    add(wave, partners(collab)["Alpha Trust"], 2)
    html = owner_client.get(f"/collaborations/{collab.pk}/trends/").content.decode()
    assert "<svg class=\"cdx-res-chart\"" not in html
    assert "Wave 1: results need at least 5 responses." in html


def test_chart_geometry_stays_in_the_plot_and_series_differ_beyond_colour():
    day = dt.date(2025, 1, 1)
    series = [
        trend_chart.SeriesIn(f"Scale {i}", (
            trend_chart.Point("W1", day, 1.0, (0.5, 1.5)),
            trend_chart.Point("W2", day + dt.timedelta(days=200), 5.0, (4.5, 5.6)),
        ))
        for i in range(7)
    ]  # fmt: skip
    chart = trend_chart.line_chart(series, [(1, day + dt.timedelta(days=50), "E")], [(day, "W1")])
    for s in chart.series:
        for p in s.points:
            assert chart.left <= p.x <= chart.right and chart.top <= p.y <= chart.bottom
            assert p.ci_y is not None
            assert all(chart.top <= y <= chart.bottom for y in p.ci_y)  # clipped to 1-5
    assert len({s.shape for s in chart.series}) == 7
    assert len({s.dash for s in chart.series}) == 7
    assert len({s.colour for s in chart.series}) == 7


# ---- Action plan -----------------------------------------------------------------------


def test_adopt_from_the_report_then_edit(owner_client, collab, fifteen):
    adopt = f"/collaborations/{collab.pk}/waves/{fifteen.pk}/report/adopt/"
    assert owner_client.get(adopt).status_code == 405
    assert not collab.plan_items.exists()  # no change on GET
    r = owner_client.post(adopt, {"action_id": "t10.01"})
    assert r.status_code == 302 and r["Location"].endswith("/report/#actions")
    item = collab.plan_items.get()
    assert (item.action_id, item.adopted_in) == ("t10.01", fifteen)
    owner_client.post(adopt, {"action_id": "t10.01"})  # twice is once
    owner_client.post(adopt, {"action_id": "t10.99"})  # not a Table 10 statement
    assert collab.plan_items.count() == 1

    plan = owner_client.get(f"/collaborations/{collab.pk}/plan/").content.decode()
    assert "Leadership behaviours and attributes" in plan  # the statement's task
    assert "positive leadership traits and behaviours" in plan  # its "if"
    assert "Not reviewed yet" in plan

    edit = f"/collaborations/{collab.pk}/plan/{item.pk}/"
    page = owner_client.get(edit).content.decode()
    assert 'id="owner_name"' in page and 'id="reviewed_in"' in page
    item.refresh_from_db()
    assert item.status == "not_started"  # no change on GET
    r = owner_client.post(edit, {
        "owner_name": " Programme director ", "status": "in_progress",
        "due_on[day]": "30", "due_on[month]": "9", "due_on[year]": "2026",
        "note": "Agreed at the board", "reviewed_in": str(fifteen.pk),
    })  # fmt: skip
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.owner_name == "Programme director"
    assert item.due_on == dt.date(2026, 9, 30)
    assert (item.status, item.note, item.reviewed_in) == ("in_progress", "Agreed at the board",
                                                          fifteen)  # fmt: skip
    plan = owner_client.get(f"/collaborations/{collab.pk}/plan/").content.decode()
    assert "Programme director" in plan and "30 September 2026" in plan and "In progress" in plan


def test_plan_item_errors_change_nothing(owner_client, stranger, collab, wave):
    item = ActionPlanItem.objects.create(collaboration=collab, action_id="t10.01")
    their_wave = WaveFactory(collaboration=CollaborationFactory(owner=stranger), closed=True)
    edit = f"/collaborations/{collab.pk}/plan/{item.pk}/"
    r = owner_client.post(edit, {"status": "finished", "due_on[day]": "31", "due_on[month]": "2",
                                 "due_on[year]": "2026"})  # fmt: skip
    html = r.content.decode()
    assert r.status_code == 200 and "<title>Error: " in html
    assert 'href="#status"' in html and 'href="#due_on-day"' in html
    assert "Due date must be a real date" in html
    r = owner_client.post(edit, {"status": "done", "reviewed_in": str(their_wave.pk)})
    assert "Select a wave of this collaboration" in r.content.decode()
    item.refresh_from_db()
    assert (item.status, item.reviewed_in, item.due_on) == ("not_started", None, None)


def test_plan_review_is_due_at_the_next_wave(owner_client, collab, wave):
    item = ActionPlanItem.objects.create(collaboration=collab, action_id="t10.01", adopted_in=wave)
    plan_url = f"/collaborations/{collab.pk}/plan/"
    assert "Review due" not in owner_client.get(plan_url).content.decode()
    later = WaveFactory(collaboration=collab, name="Wave 2",
                        opens_on=wave.opens_on + dt.timedelta(days=90),
                        closes_on=wave.closes_on + dt.timedelta(days=90))  # fmt: skip
    assert "Review due: Wave 2" in owner_client.get(plan_url).content.decode()
    item.reviewed_in = later
    item.save()
    assert "Review due" not in owner_client.get(plan_url).content.decode()


def test_adopt_needs_csrf(owner, collab, wave):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(owner)
    url = f"/collaborations/{collab.pk}/waves/{wave.pk}/report/adopt/"
    r = c.post(url, {"action_id": "t10.01"})
    assert r.status_code == 403
    assert not collab.plan_items.exists()
