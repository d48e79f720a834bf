"""Attack 2 of issue 12: row-level downloads undid the report's suppression.

A closed wave with several partners whose staff fall into descriptor combinations
of one and two people (the report hides "Both", 2 people). Every row-level file a
facilitator can download (CSV, XLSX, JSON, the research long-format ZIP and the
"export everything" archive) is read back and checked by a brute-force attacker
written here, independent of the code under test: every equivalence class over
(organisation, Q1, Q2, Q4, Q5), with "not shown" a value like any other, must hold
at least k rows.
"""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from collabdx.web.collab.models import PartnerLink
from collabdx.web.collab.services import close_wave
from tests.security.conftest import full_answers, varied_answers
from tests.web.factories import (
    CollaborationFactory,
    PartnerFactory,
    ResponseFactory,
    UserFactory,
    WaveFactory,
)

K = 5
# The organisation and every descriptor of readiness v1 (Appendix 4, "About you").
QUASI_IDENTIFIERS = ("Q3", "Q1", "Q2", "Q4", "Q5")
DESCRIPTORS = QUASI_IDENTIFIERS[1:]


def cell(value: object) -> str:
    """One value as the attacker compares it: blank is "", everything else its text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def small_classes(rows: Iterable[Sequence[str]], k: int = K) -> dict[tuple[str, ...], int]:
    """Equivalence classes (exact tuples of quasi-identifier values) under k."""
    counts = Counter(tuple(r) for r in rows)
    return {key: n for key, n in counts.items() if n < k}


def wide_keys(
    records: Iterable[dict[str, object]], columns: Sequence[str]
) -> list[tuple[str, ...]]:
    return [tuple(cell(r.get(c)) for c in columns) for r in records]


def csv_records(data: bytes) -> list[dict[str, object]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def xlsx_records(data: bytes) -> list[dict[str, object]]:
    ws = load_workbook(io.BytesIO(data), read_only=True)["responses"]
    rows = list(ws.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


def json_records(data: bytes) -> list[dict[str, object]]:
    return list(json.loads(data)["responses"])


def long_keys(data: bytes) -> list[tuple[str, ...]]:
    """Per respondent of the long file, the descriptors as shown (code, or what the
    file shows in place of a code). The long file has no organisation column."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        text = zf.read("responses_long.csv").decode("utf-8")
    per: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(text, newline="")):
        if row["item_id"] in DESCRIPTORS:
            shown = row["code"] or row.get("shown_as", "")
            per.setdefault(row["respondent_id"], {})[row["item_id"]] = shown
    return [tuple(v.get(i, "") for i in DESCRIPTORS) for v in per.values()]


def the_issues_wave():
    """Three partners; most people Clinical/Workforce long-timers, plus rare
    combinations: 2 "Both" (hidden by the report), single leaders, newcomers."""
    owner = UserFactory(username="owner")
    collab = CollaborationFactory(owner=owner, name="North Alliance")
    wave = WaveFactory(collaboration=collab, name="Wave 1")
    rng = random.Random(12)
    for name, size in (("Alpha", 14), ("Beta", 9), ("Gamma", 7)):
        partner = PartnerFactory(collaboration=collab, name=name)
        PartnerLink.objects.create(wave=wave, partner=partner)
        for i in range(size):
            answers = full_answers()
            answers.update({f"Q{q}": rng.randint(1, 5) for q in range(6, 31) if q not in (12, 13)})
            answers.update({"Q1": 2, "Q2": 1, "Q4": 4, "Q5": 4})
            if i == 0:
                answers.update({"Q1": 1, "Q4": 1})  # one leader, new to the organisation
            if i == 1:
                answers.update({"Q2": 2, "Q5": 2})  # one manager, new to the collaboration
            if name == "Alpha" and i in (2, 3):
                answers["Q2"] = 3  # the two "Both"
            if name == "Beta" and i == 2:
                answers.pop("Q4")  # a blank is a value too
            ResponseFactory(wave=wave, partner=partner, answers=answers)
    close_wave(wave)
    return owner, collab, wave


def download(client: Client, url: str) -> bytes:
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return b"".join(r.streaming_content) if r.streaming else r.content


def row_level_files(client: Client, collab, wave) -> dict[str, list[tuple[str, ...]]]:
    """Every row-level file a facilitator can download for the wave, as QI tuples."""
    base = f"/collaborations/{collab.pk}/waves/{wave.pk}"
    files: dict[str, list[tuple[str, ...]]] = {
        "csv": wide_keys(csv_records(download(client, f"{base}/export.csv")), QUASI_IDENTIFIERS),
        "xlsx": wide_keys(xlsx_records(download(client, f"{base}/export.xlsx")), QUASI_IDENTIFIERS),
        "json": wide_keys(json_records(download(client, f"{base}/export.json")), QUASI_IDENTIFIERS),
        "long": long_keys(download(client, f"{base}/research.zip")),
    }
    everything = download(client, f"/collaborations/{collab.pk}/export-everything.zip")
    with zipfile.ZipFile(io.BytesIO(everything)) as zf:
        for name in zf.namelist():
            if name.startswith("responses/") and name.endswith(".csv"):
                files[name] = wide_keys(csv_records(zf.read(name)), QUASI_IDENTIFIERS)
            elif name.startswith("responses/") and name.endswith(".json"):
                files[name] = wide_keys(json_records(zf.read(name)), QUASI_IDENTIFIERS)
    return files


@pytest.mark.django_db
def test_no_row_level_download_has_an_equivalence_class_under_k():
    owner, collab, wave = the_issues_wave()
    client = Client()
    client.force_login(owner)
    files = row_level_files(client, collab, wave)
    assert len(files) == 6  # the archive holds the wave's CSV and JSON
    for name, keys in files.items():
        assert len(keys) == 30, name  # no row is dropped
        assert small_classes(keys) == {}, name
    # The two "Both" are not shown anywhere, nor is anyone's staff group shown as Both.
    assert not any(key[2] == "3" for keys in files.values() for key in keys)


@pytest.mark.django_db
@settings(
    max_examples=8, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(
    sizes=st.lists(st.integers(0, 14), min_size=1, max_size=5),
    seed=st.integers(0, 2**16),
)
def test_random_waves_every_download_is_k_anonymous(sizes, seed):
    rng = random.Random(seed)
    dist = {q: [rng.random() ** 3 + 0.01 for _ in range(n)]
            for q, n in (("Q1", 3), ("Q2", 4), ("Q4", 5), ("Q5", 5))}  # fmt: skip
    with transaction.atomic():
        owner = UserFactory(username="owner")
        collab = CollaborationFactory(owner=owner, name="North Alliance")
        wave = WaveFactory(collaboration=collab, name="Wave 1")
        for p, size in enumerate(sizes):
            partner = PartnerFactory(collaboration=collab, name=f"Partner {p}")
            PartnerLink.objects.create(wave=wave, partner=partner)
            for _ in range(size):
                # Varied, so the data-quality check sets none aside and every response
                # counts towards k: the rows released are then exactly the rows stored.
                answers = varied_answers(rng)
                for q, weights in dist.items():
                    code = rng.choices(range(len(weights)), weights)[0]
                    if code:
                        answers[q] = code
                    else:
                        answers.pop(q)  # left blank
                ResponseFactory(wave=wave, partner=partner, answers=answers)
        close_wave(wave)
        client = Client()
        client.force_login(owner)
        if sum(sizes) < K:
            r = client.get(f"/collaborations/{collab.pk}/waves/{wave.pk}/export.csv")
            assert r.status_code == 409
        else:
            for name, keys in row_level_files(client, collab, wave).items():
                assert len(keys) == sum(sizes), name
                assert small_classes(keys) == {}, (name, sizes)
        transaction.set_rollback(True)


def test_the_attacker_finds_small_classes_when_there_are_some():
    # Guards the checker against passing vacuously.
    rows = [("Alpha", "1", "3", "4", "4")] * 2 + [("Alpha", "2", "1", "4", "4")] * 5
    assert small_classes(rows) == {("Alpha", "1", "3", "4", "4"): 2}
    assert small_classes([("not shown", "", "not shown", "1-2", "4")] * 5) == {}
