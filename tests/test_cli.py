"""The command line, end to end through Typer's runner."""

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from collabdx.cli import app

runner = CliRunner()


def test_report_on_demo_writes_html_and_json(tmp_path):
    out, js = tmp_path / "r.html", tmp_path / "r.json"
    result = runner.invoke(app, ["report", "demo", "-o", str(out), "--json", str(js)])
    assert result.exit_code == 0, result.output
    data = json.loads(js.read_text())
    assert data["n_respondents"] == 65
    assert data["demo"].startswith("Synthetic demo data")
    assert {s["id"] for s in data["scales"]} == {
        "initial_trust", "perceived_legitimacy", "initial_faith", "cultural_integration",
        "conflict_resolution", "clarity_of_vision", "shared_vision",
    }
    for s in data["scales"]:
        assert set(s) >= {"id", "n", "mean", "sd", "ci95", "band"}
    by = {b["by"]: b for b in data["breakdowns"]}
    assert set(by) >= {"role", "staff_group", "organisation"}
    for b in by.values():
        for g in b["groups"]:
            assert set(g) >= {"label", "suppressed", "n", "scales"}
            if g["suppressed"]:
                assert g["n"] is None and g["scales"] is None
            else:
                assert g["n"] >= 5
    # The 3-person fictional hospice is never named.
    assert "Hilltop" not in out.read_text() and "Hilltop" not in js.read_text()
    assert "CC BY 4.0" in out.read_text()


def test_score_matches_hand_worked_rule(tmp_path):
    src = tmp_path / "in.csv"
    # Q7=1 keys to 5, Q9=2 keys to 4: initial trust from Q6,Q7,Q8,Q9 = (5+5+4+4)/4 = 4.5;
    # Q26 alone = 2; shared vision: none answered -> blank.
    src.write_text("respondent_id,Q6,Q7,Q8,Q9,Q26\nA,5,1,4,2,2\n")
    out = tmp_path / "scores.csv"
    result = runner.invoke(app, ["score", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out, dtype={"respondent_id": str})
    assert df.columns[0] == "respondent_id"
    row = df.iloc[0]
    assert row["respondent_id"] == "A"
    assert row["initial_trust"] == 4.5
    assert row["conflict_resolution"] == 2.0
    assert pd.isna(row["shared_vision"])


def test_bad_input_names_row_and_column_and_writes_nothing(tmp_path):
    src = tmp_path / "bad.csv"
    src.write_text("Q1,Q9\n1,7\n")
    out = tmp_path / "scores.csv"
    result = runner.invoke(app, ["score", str(src), "-o", str(out)])
    assert result.exit_code == 2
    assert "row 2, column Q9: code 7 is out of range" in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [src]


def test_missing_file_and_bad_k(tmp_path):
    r = runner.invoke(app, ["score", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "o.csv")])
    assert r.exit_code == 2 and "no such file" in r.output
    r = runner.invoke(app, ["report", "demo", "-o", str(tmp_path / "r.html"),
                            "--min-group-size", "2"])
    assert r.exit_code == 2 and "at least 3" in r.output
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_formats(tmp_path, fmt):
    out = tmp_path / f"data.{fmt}"
    result = runner.invoke(app, ["export", "demo", "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0


def test_theory_export_json_and_graphml(tmp_path):
    r = runner.invoke(app, ["theory", "export", "--format", "json"])
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert len(data["action_statements"]) == 34
    g = tmp_path / "web.graphml"
    r = runner.invoke(app, ["theory", "export", "--format", "graphml", "-o", str(g)])
    assert r.exit_code == 0 and g.read_text().startswith("<?xml")


def test_instrument_show_and_validate(tmp_path):
    r = runner.invoke(app, ["instrument", "show", "readiness"])
    assert r.exit_code == 0
    assert "There is a history of competition with your partner(s)" in r.output
    r = runner.invoke(app, ["instrument", "validate"])
    assert r.exit_code == 0 and "OK: readiness v1" in r.output
    broken = tmp_path / "x-v1.toml"
    broken.write_text("[instrument]\nid='x'\n")
    r = runner.invoke(app, ["instrument", "validate", str(broken)])
    assert r.exit_code == 2 and "missing required field 'version'" in r.output


def test_psychometrics_on_demo_and_synthetic(tmp_path):
    js, html, long_dir = tmp_path / "p.json", tmp_path / "p.html", tmp_path / "long"
    r = runner.invoke(
        app, ["psychometrics", "demo", "--json", str(js), "-o", str(html), "--long", str(long_dir)]
    )
    assert r.exit_code == 0, r.output
    data = json.loads(js.read_text())
    assert data["n_respondents"] == 65
    assert {s["scale_id"] for s in data["reliability"]} >= {"initial_trust", "initial_faith"}
    # n = 65 is below the CFA's threshold: the command says what n is needed instead.
    assert data["structure"]["computed"] is False
    assert "480" in data["structure"]["statement"]
    assert (long_dir / "datapackage.json").exists()
    assert "Hilltop" not in html.read_text()  # the 3-person partner is never named
    r = runner.invoke(app, ["psychometrics", "synthetic", "--n", "600", "--json", str(js)])
    assert r.exit_code == 0, r.output
    data = json.loads(js.read_text())
    assert data["structure"]["computed"] is True
    assert data["structure"]["fit"]["cfi"] > 0.95


def test_psychometrics_resamples_syntax_and_stat_files(tmp_path):
    js = tmp_path / "p.json"
    r = runner.invoke(app, ["psychometrics", "demo", "--resamples", "40", "--json", str(js),
                            "--syntax", str(tmp_path / "syn"), "--sav", str(tmp_path / "r.sav"),
                            "--dta", str(tmp_path / "r.dta")])  # fmt: skip
    assert r.exit_code == 0, r.output
    data = json.loads(js.read_text())
    assert data["bootstrap_b"] == 40
    trust = next(s for s in data["reliability"] if s["scale_id"] == "initial_trust")
    assert "B = 40 resamples" in trust["omega"]["method"]
    assert "initial_trust =~" in (tmp_path / "syn" / "collabdx-lavaan.R").read_text()
    assert "F1 BY" in (tmp_path / "syn" / "collabdx-mplus.inp").read_text()
    assert (tmp_path / "r.sav").stat().st_size > 0 and (tmp_path / "r.dta").stat().st_size > 0
    assert "Invariance across organisation: Not tested" in r.output
    r = runner.invoke(app, ["psychometrics", "demo", "--resamples", "-1"])
    assert r.exit_code != 0


def test_report_resamples(tmp_path):
    out = tmp_path / "pack.html"
    r = runner.invoke(app, ["report", "demo", "-o", str(out), "--resamples", "30"])
    assert r.exit_code == 0, r.output
    assert "from 30 resamples" in out.read_text()


def test_resample_defaults_are_the_documented_ones():
    from collabdx.cli.common import DEFAULT_RESAMPLES, PACK_RESAMPLES
    from collabdx.core.psychometrics import thresholds as th
    from collabdx.reports.research import WEB_BOOTSTRAP_B

    assert th.OMEGA_BOOTSTRAP_B.value == DEFAULT_RESAMPLES
    assert PACK_RESAMPLES == WEB_BOOTSTRAP_B
def _descriptor_file(tmp_path):
    """30 people of two organisations (typed as people type them), with rare
    combinations: one leader new to the organisation, two "Both"."""
    lines = ["respondent_id,Q1,Q2,Q3,Q4,Q5,Q6"]
    for i in range(30):
        org = ("North Trust", "north trust ", "South Care")[i % 3]
        q1, q2, q4 = (1, 1, 1) if i == 0 else (2, 3, 4) if i in (1, 2) else (2, 1, 4)
        lines.append(f"staff-{i:02d},{q1},{q2},{org},{q4},4,{i % 5 + 1}")
    src = tmp_path / "in.csv"
    src.write_text("\n".join(lines) + "\n")
    return src


def _classes(path):
    import csv
    from collections import Counter

    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return rows, Counter(tuple(r[q] for q in ("Q3", "Q1", "Q2", "Q4", "Q5")) for r in rows)


def test_export_k_anonymous_protects_the_shared_file(tmp_path):
    src = _descriptor_file(tmp_path)
    out = tmp_path / "share.csv"
    result = runner.invoke(
        app, ["export", str(src), "--format", "csv", "-o", str(out), "--k-anonymous", "5"]
    )
    assert result.exit_code == 0, result.output
    assert "k-anonymous with k = 5" in result.output
    rows, classes = _classes(out)
    assert len(rows) == 30 and min(classes.values()) >= 5, classes
    # Ids as imported could point at people: renumbered, in no meaningful order.
    assert sorted(int(r["respondent_id"]) for r in rows) == list(range(1, 31))
    assert not any(r["respondent_id"].startswith("staff") for r in rows)
    # The two spellings of North Trust are one organisation, written one way.
    assert {r["Q3"] for r in rows} <= {"North Trust", "South Care", "not shown"}
    book = json.loads((tmp_path / "share.codebook.json").read_text())
    assert book["disclosure"]["minimum_group_size"] == 5
    # Answers other than the descriptors are unchanged (as a multiset: rows are reordered).
    assert sorted(r["Q6"] for r in rows) == sorted(str(i % 5 + 1) for i in range(30))


def test_export_by_default_keeps_the_analysts_own_file_whole(tmp_path):
    from collabdx.core.scoring import scale_scores
    from collabdx.io import export_responses, read_responses

    src = _descriptor_file(tmp_path)
    out = tmp_path / "mine.csv"
    result = runner.invoke(app, ["export", str(src), "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows, classes = _classes(out)
    assert classes[("North Trust", "1", "1", "1", "4")] == 1  # the unique leader, as given
    assert rows[0]["respondent_id"] == "staff-00"
    rs = read_responses(src).responses
    export_responses(rs, tmp_path / "direct.csv", "csv", scores=scale_scores(rs))
    assert out.read_bytes() == (tmp_path / "direct.csv").read_bytes()


@pytest.mark.parametrize(("k", "message"), [
    ("2", "--k-anonymous must be at least 3, got 2"),
    ("40", "--k-anonymous 40: only 30 responses, fewer than 40"),
])  # fmt: skip
def test_export_k_anonymous_refuses_what_it_cannot_protect(tmp_path, k, message):
    src = _descriptor_file(tmp_path)
    out = tmp_path / "share.csv"
    result = runner.invoke(
        app, ["export", str(src), "--format", "csv", "-o", str(out), "--k-anonymous", k]
    )
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Nothing was written" in " ".join(result.output.split())
    assert not out.exists() and not (tmp_path / "share.codebook.json").exists()
