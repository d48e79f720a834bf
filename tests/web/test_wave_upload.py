"""Answers collected elsewhere (issue 16): upload a file into a wave, confirm, report.

Expected numbers come from the fixtures' README (tests/fixtures/io/README.md): each
Qualtrics export holds eight responses, one survey preview and one test, so six are
kept; R_6Ic9NoFinK3mN4p stopped after Q12. Every failing upload must show its page and
leave nothing behind: no response, the wave open, nothing in the session.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from collabdx.web.collab.models import Wave
from collabdx.web.security.models import SecurityEvent
from collabdx.web.survey.models import Response
from tests.io.conftest import PERSONAL_VALUES, PLAIN_CSV, QUALTRICS_NUMERIC, QUALTRICS_TEXT
from tests.io.test_xlsx_guard import make_bomb
from tests.web.factories import ResponseFactory, UserFactory

NORTHSIDE = "Northside Mental Health NHS Foundation Trust"
RIVERSIDE = "Riverside Community Care"
FORMULA = '=HYPERLINK("http://evil.example/","Click")'


def upload_url(wave: Wave) -> str:
    return f"/collaborations/{wave.collaboration_id}/waves/{wave.pk}/upload/"


def confirm_url(wave: Wave) -> str:
    return upload_url(wave) + "confirm/"


def post_file(client: Client, wave: Wave, name: str, data: bytes):
    return client.post(upload_url(wave), {"file": SimpleUploadedFile(name, data)})


def assert_nothing_stored(client: Client, wave: Wave) -> None:
    wave.refresh_from_db()
    assert not Response.objects.filter(wave=wave).exists()
    assert wave.closed_on is None and wave.collected == Wave.ONLINE
    assert not pending_keys(client)


def pending_keys(client: Client) -> list[str]:
    """Session keys holding parsed rows (a session is not iterable: keys() it is)."""
    return [k for k in client.session.keys() if k.startswith("cdx_upload_")]  # noqa: SIM118


def error_summary(html: str) -> str:
    match = re.search(r'class="nhsuk-error-summary".*?</ul>', html, re.S)
    assert match, "the page has an NHS error summary"
    return match.group(0)


def mapping_fields(html: str) -> dict[str, tuple[str, str]]:
    """Each dropdown's label and the value it starts on."""
    out = {}
    for name, label in re.findall(r'for="(org_\d+)"\s*>\s*(.*?)\s*</label>', html, re.S):
        select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)
        assert select is not None
        chosen = re.search(r'<option value="([^"]*)"[^>]*\sselected', select.group(0))
        out[name] = (label, chosen.group(1) if chosen else "")
    return out


def test_wave_page_offers_the_upload_to_the_owner_only_while_it_has_no_responses(
    owner_client, wave
):
    html = owner_client.get(f"/collaborations/{wave.collaboration_id}/waves/{wave.pk}/").content
    assert upload_url(wave).encode() in html
    ResponseFactory(wave=wave, partner=wave.collaboration.partners.first())
    html = owner_client.get(f"/collaborations/{wave.collaboration_id}/waves/{wave.pk}/").content
    assert upload_url(wave).encode() not in html


def test_qualtrics_numeric_export_upload_confirm_and_report(owner_client, wave, collab):
    r = post_file(owner_client, wave, "qualtrics export.csv", QUALTRICS_NUMERIC.read_bytes())
    assert r.status_code == 302 and r["Location"] == confirm_url(wave)
    # Parsed but not stored: the wave is untouched until the facilitator confirms.
    assert not Response.objects.filter(wave=wave).exists()
    page = owner_client.get(confirm_url(wave))
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        "Read 8 responses from qualtrics export.csv (qualtrics-csv, answers as codes); kept 6."
        in html
    )
    assert "Left out 1 survey preview(s)." in html and "Left out 1 test response(s)." in html
    assert "Kept 1 unfinished response(s)." in html
    assert "Dropped personal-data columns without reading them" in html
    for value in PERSONAL_VALUES:
        assert value not in html, value
    # Every value is under k = 5: counts read "Not shown" (docs/security.md).
    assert html.count("Responses in the file: Not shown") == 4
    fields = mapping_fields(html)
    labels = [label for label, _ in fields.values()]
    assert labels == [NORTHSIDE, RIVERSIDE, "=HYPERLINK(&#34;http://evil.example/&#34;,&#34;Click&#34;)",
                      "No organisation given"]  # fmt: skip
    # No value matches a partner's name, so every dropdown starts on "Choose".
    assert {chosen for _, chosen in fields.values()} == {""}

    alpha = collab.partners.get(name="Alpha Trust")
    r = owner_client.post(confirm_url(wave), {
        "org_0": alpha.pk, "org_1": alpha.pk, "org_2": "leave-out", "org_3": alpha.pk,
    })  # fmt: skip
    assert r.status_code == 302 and r["Location"].endswith(f"/waves/{wave.pk}/report/")
    stored = list(Response.objects.filter(wave=wave).select_related("partner"))
    # Northside x2, Riverside x2 and the blank one to Alpha; the formula's row left out.
    assert [s.partner.name for s in stored] == ["Alpha Trust"] * 5
    assert {(s.instrument_id, s.instrument_version) for s in stored} == {("readiness", "1")}
    # The unfinished response keeps what it answered (Q1-Q12 less the free-text Q3).
    partial = [s for s in stored if len(s.answers) < 20]
    assert len(partial) == 1
    assert sorted(partial[0].answers, key=lambda q: int(q[1:])) == [
        "Q1", "Q2", "Q4", "Q5", "Q6", "Q7", "Q8", "Q9", "Q10", "Q11", "Q12",
    ]  # fmt: skip
    for s in stored:
        assert "Q3" not in s.answers  # free text is never kept
        assert json.dumps(s.answers).isascii()
    wave.refresh_from_db()
    assert wave.closed_on is not None and wave.collected == "qualtrics-csv"
    assert not pending_keys(owner_client)
    events = SecurityEvent.objects.filter(collaboration=collab)
    assert events.filter(kind="responses_uploaded").count() == 1
    assert events.filter(kind="wave_closed").count() == 1

    report = owner_client.get(r["Location"])
    text = report.content.decode()
    assert report.status_code == 200
    assert "5 people responded." in text
    assert f"Stored 5 responses in {wave.name} and closed it. Left out 1 as you chose." in text
    # The rest of the journey works as for an online wave.
    from django.urls import reverse

    for url in (
        reverse("results:trends", args=[collab.pk]),
        reverse("results:plan", args=[collab.pk]),
        reverse("workshop:facilitate", args=[collab.pk, wave.pk]),
        reverse("results:export", args=[collab.pk, wave.pk, "csv"]),
    ):
        assert owner_client.get(url).status_code == 200, url
    trends = owner_client.get(reverse("results:trends", args=[collab.pk])).content.decode()
    assert wave.name in trends
    wave_page = owner_client.get(f"/collaborations/{collab.pk}/waves/{wave.pk}/").content.decode()
    assert "uploaded from a qualtrics export (csv)" in wave_page
    assert upload_url(wave) not in wave_page


def _store_all_to_alpha(client: Client, wave: Wave, path: Path, name: str) -> list[dict]:
    assert post_file(client, wave, name, path.read_bytes()).status_code == 302
    html = client.get(confirm_url(wave)).content.decode()
    alpha = wave.collaboration.partners.get(name="Alpha Trust")
    data = {name: alpha.pk for name in mapping_fields(html)}
    assert client.post(confirm_url(wave), data).status_code == 302
    return sorted(
        (r.answers for r in Response.objects.filter(wave=wave)),
        key=lambda a: json.dumps(a, sort_keys=True),
    )


def test_choice_text_export_stores_the_same_codes_as_the_numeric_one(owner_client, collab):
    from tests.web.factories import WaveFactory

    numeric, text = WaveFactory(collaboration=collab), WaveFactory(collaboration=collab)
    from_codes = _store_all_to_alpha(owner_client, numeric, QUALTRICS_NUMERIC, "numeric.csv")
    from_text = _store_all_to_alpha(owner_client, text, QUALTRICS_TEXT, "text.csv")
    assert len(from_codes) == 6
    assert from_text == from_codes
    text.refresh_from_db()
    assert text.collected == "qualtrics-csv" and text.closed_on is not None


def test_a_value_that_matches_a_partner_starts_on_it_and_others_need_a_choice(
    owner_client, wave, collab
):
    from tests.web.factories import PartnerFactory

    northside = PartnerFactory(
        collaboration=collab, name="northside mental health NHS foundation  trust"
    )
    post_file(owner_client, wave, "export.csv", QUALTRICS_NUMERIC.read_bytes())
    fields = mapping_fields(owner_client.get(confirm_url(wave)).content.decode())
    assert fields["org_0"] == (NORTHSIDE, str(northside.pk))
    assert fields["org_1"][1] == ""
    # Confirming with the others left on "Choose" stores nothing and names each one.
    r = owner_client.post(confirm_url(wave), {"org_0": northside.pk})
    html = r.content.decode()
    assert r.status_code == 200
    summary = error_summary(html)
    assert f"Choose a partner for ‘{RIVERSIDE}’, or choose to leave these responses out" in summary
    assert "Choose a partner for ‘No organisation given’" in summary
    assert "<title>Error: " in html
    assert not Response.objects.filter(wave=wave).exists()
    assert pending_keys(owner_client)


def test_leaving_every_response_out_is_refused(owner_client, wave):
    post_file(owner_client, wave, "export.csv", QUALTRICS_NUMERIC.read_bytes())
    data = {f"org_{i}": "leave-out" for i in range(4)}
    r = owner_client.post(confirm_url(wave), data)
    assert "Every response would be left out" in error_summary(r.content.decode())
    wave.refresh_from_db()
    assert not Response.objects.filter(wave=wave).exists() and wave.closed_on is None


def test_counts_per_file_value_show_at_or_over_k(owner_client, wave, settings):
    settings.MIN_GROUP_SIZE = 2
    post_file(owner_client, wave, "export.csv", QUALTRICS_NUMERIC.read_bytes())
    html = owner_client.get(confirm_url(wave)).content.decode()
    assert html.count("Responses in the file: 2") == 2  # Northside, Riverside
    assert html.count("Responses in the file: Not shown") == 2  # the formula, the blank


def test_malformed_file_lists_problems_by_row_and_column_and_stores_nothing(owner_client, wave):
    rows = list(csv.reader(io.StringIO(PLAIN_CSV.read_text(encoding="utf-8-sig"))))
    q7 = rows[0].index("Q7")
    rows[2][q7] = "banana"
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    r = post_file(owner_client, wave, "answers.csv", buf.getvalue().encode())
    html = r.content.decode()
    assert r.status_code == 200 and "<title>Error: " in html
    summary = error_summary(html)
    assert "answers.csv, row 3, column Q7:" in summary and "banana" in summary
    assert 'href="#file"' in summary
    assert_nothing_stored(owner_client, wave)


def test_many_problems_list_twenty_and_say_how_many_more(owner_client, wave):
    head = ["respondent_id", "Q1"]
    body = [[f"R{i}", "nine"] for i in range(25)]
    buf = io.StringIO()
    csv.writer(buf).writerows([head, *body])
    r = post_file(owner_client, wave, "many.csv", buf.getvalue().encode())
    summary = error_summary(r.content.decode())
    assert summary.count("many.csv, row ") == 20
    assert "… and 5 more problems not listed" in summary
    assert_nothing_stored(owner_client, wave)


def test_a_file_that_is_not_a_table_is_refused(owner_client, wave):
    r = post_file(owner_client, wave, "photo.csv", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    assert "is not a CSV file: it looks like a PNG image" in error_summary(r.content.decode())
    assert_nothing_stored(owner_client, wave)


def test_xlsx_bomb_is_refused_before_it_is_inflated(owner_client, wave, tmp_path):
    bomb = make_bomb(tmp_path / "bomb.xlsx")
    r = post_file(owner_client, wave, "bomb.xlsx", bomb.read_bytes())
    summary = error_summary(r.content.decode())
    assert "zip bomb" in summary and "nothing was read" in summary
    assert_nothing_stored(owner_client, wave)


def test_file_over_the_upload_limit_gets_its_own_message(owner_client, wave, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    data = QUALTRICS_NUMERIC.read_bytes()
    assert len(data) > 1000
    r = post_file(owner_client, wave, "export.csv", data)
    assert r.status_code == 200
    assert "The selected file must be smaller than" in error_summary(r.content.decode())
    assert_nothing_stored(owner_client, wave)


def test_body_far_over_the_limit_is_refused_before_it_is_read(owner_client, wave, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    settings.REQUEST_BODY_MAX_SIZE = 64 * 1024
    data = b"respondent_id,Q1\n" + b"R,1\n" * (400 * 1024)
    r = post_file(owner_client, wave, "big.csv", data)
    assert r.status_code == 413
    assert r.content.decode() == "This request is too large: the limit is 1 MB.\n"
    assert_nothing_stored(owner_client, wave)


def test_no_file_chosen(owner_client, wave):
    r = owner_client.post(upload_url(wave), {})
    assert "Select a file" in error_summary(r.content.decode())
    assert_nothing_stored(owner_client, wave)


def test_wave_with_online_responses_refuses_clearly(owner_client, wave, collab):
    ResponseFactory(wave=wave, partner=collab.partners.first())
    page = owner_client.get(upload_url(wave)).content.decode()
    assert "already has responses collected online" in page
    assert 'enctype="multipart/form-data"' not in page
    r = post_file(owner_client, wave, "export.csv", QUALTRICS_NUMERIC.read_bytes())
    assert "already has responses collected online" in r.content.decode()
    assert Response.objects.filter(wave=wave).count() == 1
    assert not pending_keys(owner_client)


def test_online_answer_between_upload_and_confirm_wins(owner_client, wave, collab):
    post_file(owner_client, wave, "export.csv", QUALTRICS_NUMERIC.read_bytes())
    ResponseFactory(wave=wave, partner=collab.partners.first())
    alpha = collab.partners.get(name="Alpha Trust")
    r = owner_client.post(confirm_url(wave), {f"org_{i}": alpha.pk for i in range(4)})
    assert "already has responses collected online" in r.content.decode()
    assert Response.objects.filter(wave=wave).count() == 1
    wave.refresh_from_db()
    assert wave.closed_on is None


def test_cancel_forgets_the_parsed_rows(owner_client, wave):
    post_file(owner_client, wave, "export.csv", QUALTRICS_NUMERIC.read_bytes())
    assert pending_keys(owner_client)
    r = owner_client.post(upload_url(wave) + "cancel/")
    assert r.status_code == 302
    assert_nothing_stored(owner_client, wave)
    r = owner_client.get(confirm_url(wave))
    assert r.status_code == 302 and r["Location"] == upload_url(wave)


def test_session_holds_parsed_values_only(owner_client, wave):
    """No raw file and no personal data between the two steps: only organisation
    values and answer codes (plus the importer's summary lines)."""
    post_file(owner_client, wave, "export.csv", QUALTRICS_NUMERIC.read_bytes())
    stored = owner_client.session[f"cdx_upload_{wave.pk}"]
    dumped = json.dumps(stored)
    for value in (*PERSONAL_VALUES, "R_1Fq3ZsTk9XyA2bC", "2024-03-04"):
        assert value not in dumped, value
    assert set(stored) == {"expires", "file_name", "format", "instrument", "summary", "rows"}
    for org, answers in stored["rows"]:
        assert isinstance(org, str)
        assert all(isinstance(v, int) for v in answers.values())


def test_co_facilitator_may_not_upload(client, wave, collab):
    from collabdx.web.collab.models import Membership

    cofac = UserFactory(username="cofac")
    Membership.objects.create(collaboration=collab, user=cofac, role=Membership.COFACILITATOR)
    client.force_login(cofac)
    r = post_file(client, wave, "export.csv", QUALTRICS_NUMERIC.read_bytes())
    assert r.status_code == 403
    assert not Response.objects.filter(wave=wave).exists()


def test_the_larger_body_limit_is_for_the_upload_url_only(owner_client, wave, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    settings.REQUEST_BODY_MAX_SIZE = 64 * 1024
    data = b"respondent_id,Q1\n" + b"R,1\n" * (50 * 1024)  # 200 KB: fine for the upload
    close = f"/collaborations/{wave.collaboration_id}/waves/{wave.pk}/close/"
    r = owner_client.post(close, {"file": SimpleUploadedFile("a.csv", data)})
    assert r.status_code == 413
    assert r.content.decode() == "This request is too large: the limit is 0.0625 MB.\n"
    r = owner_client.post(upload_url(wave), {"file": SimpleUploadedFile("a.csv", data)})
    assert r.status_code == 200  # read, and answered by the importer: every id is "R"
    assert "many.csv" not in r.content.decode() and "a.csv, row 3" in error_summary(
        r.content.decode()
    )
    wave.refresh_from_db()
    assert wave.closed_on is None


def test_qualtrics_export_saved_as_a_workbook_stores_the_same_codes(owner_client, collab):
    from openpyxl import Workbook

    from tests.web.factories import WaveFactory

    rows = list(csv.reader(io.StringIO(QUALTRICS_NUMERIC.read_text(encoding="utf-8-sig"))))
    wb = Workbook()
    for row in rows:
        # Numbers as numbers, as Excel keeps them; everything else as text.
        wb.active.append([int(c) if c.isdigit() else c for c in row])
    buf = io.BytesIO()
    wb.save(buf)
    numeric, workbook = WaveFactory(collaboration=collab), WaveFactory(collaboration=collab)
    from_csv = _store_all_to_alpha(owner_client, numeric, QUALTRICS_NUMERIC, "export.csv")
    assert post_file(owner_client, workbook, "export.xlsx", buf.getvalue()).status_code == 302
    html = owner_client.get(confirm_url(workbook)).content.decode()
    assert "(qualtrics-xlsx, answers as codes); kept 6." in html
    alpha = collab.partners.get(name="Alpha Trust")
    owner_client.post(confirm_url(workbook), {name: alpha.pk for name in mapping_fields(html)})
    from_xlsx = sorted(
        (r.answers for r in Response.objects.filter(wave=workbook)),
        key=lambda a: json.dumps(a, sort_keys=True),
    )
    assert from_xlsx == from_csv
    workbook.refresh_from_db()
    assert workbook.collected == "qualtrics-xlsx"
