"""The vectorised CSV reader answers exactly as the row reader does, or steps aside.

``read_responses`` sends CSV files through :mod:`collabdx.io.vectorised`;
``importers.read_rows`` is the row-by-row reader it must match: same responses,
same summary, and for bad files the same error, problem for problem. Hypothesis
writes messy files (odd cells, ragged and blank rows, duplicate and e-mail ids,
other delimiters, encodings and line ends) and both readers read each; tiny chunks
and scan blocks make every file cross chunk and block edges.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from collabdx.core.instruments import Instrument, load_instrument
from collabdx.io import ResponseImportError, columnar, read_responses, scan
from collabdx.io.importers import read_rows
from collabdx.io.vectorised import read_csv_vectorised
from tests.io.conftest import QUALTRICS_NUMERIC, QUALTRICS_TEXT, read_csv_rows

INSTRUMENT = load_instrument("readiness", "1")
ANSWERS = ["1", "2", "3", "4", "5", "6", "0", " 4 ", "4.0", "+2", "-1", "2.5", "1e400", "nan",
           "NA", "null", "True", "TRUE", "false", "Agree", "agree ", "STRONGLY AGREE",
           "Strongly\u00a0disagree", "Agree (4)", "Agree (5)", "1–3 months", "Somewhat agree",
           "Yes, fully", "x,y", 'say "hi"', "two\nlines", "=1+1", "'=1+1", "Café",
           "", "", "", " "]  # fmt: skip
IDS = ["R1", "R2", "R3", " R4 ", "", " ", "jo@x.org", "'=A1", "'plain", "7", "007", "R1"]
META = ["readiness", "other", "1", "2", "", " 1 "]
HEADINGS = ["respondent_id", "instrument_id", "instrument_version", "scale_initial_trust",
            "Email", "IPAddress", "Comments", "", "ID", "q5", "Q7", "Q3"]  # fmt: skip
PLAIN_ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "utf-16"]
FAST = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def outcome(read: Callable[..., object], path: Path) -> tuple[object, ...]:
    """What a reader made of ``path``: the error, or the responses and summary."""
    calls: list[tuple[int, int]] = []
    try:
        result = read(path, INSTRUMENT, progress=lambda d, t: calls.append((d, t)))
    except ResponseImportError as exc:
        return ("error", str(exc), exc.problems, exc.more)
    assert calls and calls[-1][0] == calls[-1][1] == result.summary.rows_read  # type: ignore[attr-defined]
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    rs = result.responses  # type: ignore[attr-defined]
    return ("ok", result.summary, rs.codes, rs.text)  # type: ignore[attr-defined]


def assert_same(path: Path) -> bool:
    """Both readers agree on ``path``; True if the vectorised one took it."""
    slow = outcome(lambda p, i, progress: read_rows(p, i, progress), path)
    fast = outcome(read_responses, path)
    assert fast[:2] == slow[:2]
    if fast[0] == "error":
        assert fast[2:] == slow[2:]
    else:
        pd.testing.assert_frame_equal(fast[2], slow[2])  # type: ignore[arg-type]
        pd.testing.assert_frame_equal(fast[3], slow[3])  # type: ignore[arg-type]
    return taken(path)


def taken(path: Path) -> bool:
    """Whether the vectorised reader took ``path`` (an import error counts as taken)."""
    try:
        return read_csv_vectorised(path, INSTRUMENT, None) is not None
    except ResponseImportError:
        return True


def write(path: Path, rows: list[list[str]], delimiter: str, newline: str, encoding: str) -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
    try:
        path.write_bytes(buf.getvalue().encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(buf.getvalue().encode("utf-8"))
    return path


@pytest.fixture(autouse=True)
def tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 3 rows and scan blocks of 16 bytes, so that small files cross edges."""
    monkeypatch.setattr(columnar, "CHUNK_ROWS", 3)
    monkeypatch.setattr(scan, "BLOCK", 16)


@st.composite
def plain_files(draw: st.DrawFn) -> tuple[list[list[str]], str, str, str]:
    items = draw(st.lists(st.sampled_from([f"Q{i}" for i in range(1, 31)]), min_size=1,
                          max_size=6, unique=True))  # fmt: skip
    extra = draw(st.lists(st.sampled_from(HEADINGS), max_size=3))
    header = draw(st.permutations(items + extra))
    rows = [list(header)]
    for _ in range(draw(st.integers(0, 8))):
        row = []
        for heading in header:
            pool = (
                IDS
                if heading in ("respondent_id", "ID")
                else META
                if "instr" in heading
                else ANSWERS
            )
            row.append(draw(st.sampled_from(pool)))
        shape = draw(st.sampled_from(["full", "full", "full", "short", "long", "blank"]))
        if shape == "short":
            row = row[: draw(st.integers(0, len(row)))]
        elif shape == "long":
            row += draw(st.lists(st.sampled_from(["", "x", " "]), min_size=1, max_size=2))
        elif shape == "blank":
            row = [draw(st.sampled_from(["", " "])) for _ in row]
        rows.append(row)
    delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return rows, delimiter, newline, draw(st.sampled_from(PLAIN_ENCODINGS))


@FAST
@given(plain_files())
def test_plain_files_read_the_same(tmp_path_factory: pytest.TempPathFactory, case) -> None:
    rows, delimiter, newline, encoding = case
    path = tmp_path_factory.mktemp("plain") / "responses.csv"
    event("vectorised" if assert_same(write(path, rows, delimiter, newline, encoding)) else "rows")


@st.composite
def qualtrics_files(draw: st.DrawFn) -> list[list[str]]:
    rows = read_csv_rows(draw(st.sampled_from([QUALTRICS_NUMERIC, QUALTRICS_TEXT])))
    header = rows[0]
    pools = {"Status": ["0", "1", "2", "4", "9", "Survey Preview", "Survey Test", "IP Address", ""],
             "Finished": ["0", "1", "True", "False", "TRUE", "false", "", "maybe"],
             "Progress": ["100", "40", "", "x", "99.5"],
             "DistributionChannel": ["anonymous", "preview", "test", "PREVIEW", ""],
             "ResponseId": IDS}  # fmt: skip
    for _ in range(draw(st.integers(0, 12))):
        r = draw(st.integers(3, len(rows) - 1))
        c = draw(st.integers(0, len(header) - 1))
        rows[r][c] = draw(st.sampled_from(pools.get(header[c], ANSWERS)))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(3, len(rows)))
        rows.insert(at, [""] * draw(st.integers(0, len(header))))
    if draw(st.booleans()):
        drop = draw(st.sampled_from(["Status", "DistributionChannel", "Finished", "Progress"]))
        i = header.index(drop)
        rows = [r[:i] + r[i + 1 :] for r in rows]
    return rows


@FAST
@given(qualtrics_files(), st.sampled_from(["\n", "\r\n"]))
def test_qualtrics_files_read_the_same(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], newline: str
) -> None:
    path = tmp_path_factory.mktemp("qualtrics") / "export.csv"
    event("vectorised" if assert_same(write(path, rows, ",", newline, "utf-8-sig")) else "rows")


# ---- the vectorised reader really is used, and steps aside when it must ------


@pytest.mark.parametrize("fixture", [QUALTRICS_NUMERIC, QUALTRICS_TEXT])
def test_fixtures_take_the_vectorised_path(fixture: Path, readiness: Instrument) -> None:
    assert read_csv_vectorised(fixture, readiness, None) is not None
    assert assert_same(fixture)


def _file(tmp_path: Path, text: str | bytes, name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("respondent_id,Q1,Q3\na,1,\"x,\"\"y\"\"\nz\"\nb,2,\n", True),  # quotes, newline in cell
        ("respondent_id,Q1\r\na,1\r\n\r\nb,2\r\n", True),  # CRLF and a blank row
        ("respondent_id;Q1\na;1\n", True),
        ('respondent_id,Q3\na,"ab" \nb,"ab"c\nc,"a""b"\nd,""\ne,"x"\n', True),  # odd quoting
        ('"respondent_id","Q1"\n"a","1"\n', True),
        ("\ufeffrespondent_id,Q1\n\n\na,1\n\n", True),  # BOM, blank rows
        ("respondent_id,Q1\na,1\nb,2,3\n", False),  # a row longer than the heading row
        ("respondent_id,Email,Q1\na,x@y.z,1\nb,,2,note\n", False),  # ... with usecols
        ("respondent_id,Q1\ra,1\r", False),  # old Mac line ends
        ('respondent_id,Q3\na,5" tall\n', False),  # a quote inside an unquoted cell
        ('respondent_id,Q3\na,"open\n', False),  # an unclosed quote
        (b"respondent_id,Q3\na,caf\xe9\n", True),  # cp1252
        (b"respondent_id,Q3\na,\x81\n", False),  # neither UTF-8 nor cp1252
        ("respondent_id,Q1\na,1\n".encode("utf-16"), True),
        (b"respondent_id,Q1\na,\x001\n", False),  # binary
        ("respondent_id,Q1,Q6\na,True,TRUE\nb,False,false\n", False),  # pandas makes booleans
    ],
)  # fmt: skip
def test_declines_what_pandas_reads_differently(
    tmp_path: Path, text: str | bytes, expected: bool
) -> None:
    path = _file(tmp_path, text)
    assert taken(path) is expected
    assert_same(path)


def test_many_problems_are_ordered_and_counted_like_the_row_reader(tmp_path: Path) -> None:
    rows = [["respondent_id", "instrument_version", "Q6", "Q9", "Q1"]]
    rows += [[f"r{i % 7}", "2" if i % 5 == 0 else "", "9", "x", "3"] for i in range(40)]
    error = outcome(read_responses, write(tmp_path / "r.csv", rows, ",", "\n", "utf-8"))
    kind, _, problems, more = error
    assert kind == "error" and len(problems) == 20  # type: ignore[arg-type]
    assert isinstance(more, int) and more > 100
    assert_same(tmp_path / "r.csv")


def test_progress_in_chunks(tmp_path: Path, readiness: Instrument) -> None:
    rows = [["respondent_id", "Q1"]] + [[f"p{i}", "1"] for i in range(250)]
    rows.insert(50, ["", ""])
    calls: list[tuple[int, int]] = []
    path = write(tmp_path / "r.csv", rows, ",", "\n", "utf-8")
    read_responses(path, readiness, progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, 251) and calls[-1] == (250, 250)
    assert (100, 251) in calls and (200, 251) in calls


def test_progress_never_goes_back_when_the_vectorised_path_declines(tmp_path):
    """Found by test_plain_files_read_the_same: the vectorised reader reported rows,
    then declined the file (a stray value late on), and the row reader's progress
    restarted from 0."""
    rows = [["Q3"], ["1"], ["1"], ["1"], ["1"], ["1"], ["1"], ["True"]]
    path = write(tmp_path / "responses.csv", rows, ",", "\n", "utf-8")
    assert_same(path)
