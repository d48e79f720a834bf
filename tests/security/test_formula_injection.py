"""Formula (CSV) injection, property-tested over every CSV and XLSX the project writes.

Property: no cell of any file, headers and codebook sheets included, starts with a
character a spreadsheet runs as a formula (= + - @ tab CR, and their full-width
forms), unless the cell is a number; no XLSX cell is stored as a formula.

Attacker-controlled text reaches exports through: respondent ids and Q3 text in
imported files (``io.exporters``, ``io.longformat``), and partner names in the web
exports (the organisation column) and in the owner's export-everything archive.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from collabdx.core.responses import from_records
from collabdx.core.scoring import scale_scores
from collabdx.io.exporters import export_responses, scores_csv
from collabdx.io.longformat import write_long
from collabdx.io.safe import DANGEROUS_STARTS
from collabdx.web.collab.models import Partner
from tests.security.conftest import READINESS, build_world, full_answers

DANGER = "".join(sorted(DANGEROUS_STARTS))

evil_text = st.builds(
    lambda junk, quotes, lead, rest: junk + "'" * quotes + lead + rest,
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=2),
    st.integers(0, 2),
    st.sampled_from(DANGER),
    st.text(max_size=25),
)
any_text = st.one_of(evil_text, st.text(max_size=30))


def check_cell(value: object, where: str) -> None:
    if not isinstance(value, str) or not value or value[0] not in DANGEROUS_STARTS:
        return
    try:
        float(value)  # "-1.5" is a number, not a formula
    except ValueError:
        pytest.fail(f"formula-like cell {value!r} in {where}")


def check_csv(data: bytes, where: str) -> int:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    for row in rows:
        for cell in row:
            check_cell(cell, where)
    return len(rows)


def check_xlsx(data: bytes, where: str) -> int:
    wb = load_workbook(io.BytesIO(data))
    cells = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula cell {cell.coordinate} in {where}"
                check_cell(cell.value, f"{where}!{ws.title}")
                cells += 1
    return cells


def response_set(ids: list[str], orgs: list[str]):
    records = [full_answers(org=o) for o in orgs]
    return from_records(READINESS, records, ids=ids)


# ------------------------------------------------------------------ io.exporters / longformat

id_lists = st.lists(any_text.filter(lambda s: s.strip() != ""), min_size=1, max_size=6,
                    unique_by=lambda s: s)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(ids=id_lists, data=st.data())
def test_library_exports_are_formula_safe(ids, data):
    orgs = data.draw(st.lists(any_text, min_size=len(ids), max_size=len(ids)))
    rs = response_set(ids, orgs)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        export_responses(rs, out / "r.csv", "csv", scores=scale_scores(rs))
        export_responses(rs, out / "r.xlsx", "xlsx", scores=scale_scores(rs))
        assert check_csv((out / "r.csv").read_bytes(), "r.csv") == len(ids) + 1
        assert check_xlsx((out / "r.xlsx").read_bytes(), "r.xlsx") > 0
        for path in write_long(rs, out / "long"):
            if path.suffix == ".csv":
                check_csv(path.read_bytes(), path.name)
    check_csv(scores_csv(scale_scores(rs)).encode(), "scores.csv")


def test_the_checker_catches_an_unsafe_cell():
    with pytest.raises(pytest.fail.Exception):
        check_cell("=HYPERLINK(\"http://x\")", "probe")
    check_cell("-2.5", "probe")
    check_cell("'=1+1", "probe")


# ------------------------------------------------------------------ web exports


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
# NUL is refused by every form (Django's ProhibitNullCharactersValidator) and by
# PostgreSQL, so names never hold it.
@given(names=st.lists(evil_text.filter(lambda s: 0 < len(s.strip()) <= 200 and "\x00" not in s),
                      min_size=3,
                      max_size=3, unique_by=lambda s: " ".join(s.split()).casefold()))
def test_web_exports_and_the_archive_are_formula_safe(names):
    with transaction.atomic():
        w = build_world(n_responses=15, released=True)  # 5 per partner: every partner name is shown
        for partner, name in zip(w.collab.partners.order_by("pk"), names, strict=True):
            Partner.objects.filter(pk=partner.pk).update(name=name)
        owner = Client()
        owner.force_login(w.owner)
        base = f"/collaborations/{w.collab.pk}/waves/{w.wave.pk}/export"
        r = owner.get(f"{base}.csv")
        assert r.status_code == 200
        assert check_csv(b"".join(r.streaming_content), "export.csv") == 16
        r = owner.get(f"{base}.xlsx")
        assert check_xlsx(b"".join(r.streaming_content), "export.xlsx") > 0
        r = owner.get(f"/collaborations/{w.collab.pk}/export-everything.zip")
        zf = zipfile.ZipFile(io.BytesIO(r.content))
        csvs = [n for n in zf.namelist() if n.endswith(".csv")]
        assert csvs
        for name in csvs:
            check_csv(zf.read(name), name)
        transaction.set_rollback(True)


def test_a_carriage_return_in_an_id_cannot_start_a_formula_row():
    """Found by the property test above: ``collabdx score`` wrote a bare CR unquoted
    (lineterminator "\\n"), so "x\\r=1+1" became a row starting with "=1+1"."""
    rs = response_set(["x\r=1+1", "y\n@SUM(A1)"], ["", ""])
    out = scores_csv(scale_scores(rs))
    in_quotes = False
    for ch in out:  # a CR or LF outside quotes ends a row in every spreadsheet
        in_quotes = not in_quotes if ch == '"' else in_quotes
        assert ch != "\r" or in_quotes, "a bare CR outside quotes"
    assert check_csv(out.encode(), "scores.csv") == 3
