"""Personal data in a Qualtrics export (names, e-mail, IP, location, external ref)
must not reach the ResponseSet, the summary, or any exported byte."""

from __future__ import annotations

import zipfile
from dataclasses import asdict
from pathlib import Path

import pytest

from collabdx.core.scoring import scale_scores
from collabdx.io import ExportFormat, export_responses, read_responses
from collabdx.io.columns import is_personal
from tests.io.conftest import PERSONAL_VALUES, QUALTRICS_NUMERIC, QUALTRICS_TEXT


def leaks(blob: bytes) -> list[str]:
    return [v for v in PERSONAL_VALUES if v.encode("utf-8") in blob]


def file_bytes(path: Path) -> bytes:
    """The bytes to search: for an XLSX (a ZIP), its uncompressed members."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            return b"".join(zf.read(name) for name in zf.namelist())
    return path.read_bytes()


def test_fixture_really_holds_personal_data() -> None:
    # Guards the tests below against passing vacuously.
    for path in (QUALTRICS_NUMERIC, QUALTRICS_TEXT):
        assert leaks(path.read_bytes()) == list(PERSONAL_VALUES)


@pytest.mark.parametrize("source", [QUALTRICS_NUMERIC, QUALTRICS_TEXT], ids=["num", "text"])
def test_not_in_response_set_or_summary(source: Path) -> None:
    result = read_responses(source)
    rs = result.responses
    everything = " ".join(
        [
            rs.codes.to_csv(),
            rs.text.to_csv(),
            " ".join(map(str, rs.respondent_ids)),
            repr(result),
            " ".join(map(str, asdict(result.summary).values())),
            " ".join(result.summary.lines()),
        ]
    )
    assert leaks(everything.encode()) == []
    assert not [c for c in [*rs.codes.columns, *rs.text.columns] if is_personal(c)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
@pytest.mark.parametrize("source", [QUALTRICS_NUMERIC, QUALTRICS_TEXT], ids=["num", "text"])
def test_not_in_any_exported_file(source: Path, fmt: ExportFormat, tmp_path: Path) -> None:
    rs = read_responses(source).responses
    written = export_responses(rs, tmp_path / f"export.{fmt}", fmt, scores=scale_scores(rs))
    assert sorted(written) == sorted(tmp_path.iterdir())  # nothing else was left behind
    for path in written:
        blob = file_bytes(path)
        assert b"Q30" in blob  # the search is looking at real content
        assert leaks(blob) == [], path.name


@pytest.mark.parametrize(
    "heading",
    ["IPAddress", "RecipientEmail", "Recipient E-mail", "email_address", "LocationLatitude",
     "LocationLongitude", "ExternalReference", "ExternalDataReference", "RecipientFirstName",
     "RecipientLastName", "Surname", "Phone number", "Postcode", "name"],
)  # fmt: skip
def test_personal_headings_recognised(heading: str) -> None:
    assert is_personal(heading)


@pytest.mark.parametrize(
    "heading",
    ["Q1", "Status", "Progress", "Duration (in seconds)", "Finished", "RecordedDate",
     "ResponseId", "DistributionChannel", "UserLanguage", "StartDate", "respondent_id",
     "instrument_id", "scale_initial_trust", "Q_RecaptchaScore"],
)  # fmt: skip
def test_ordinary_headings_not_personal(heading: str) -> None:
    assert not is_personal(heading)
