"""A new instrument version is data only (issue 13): readiness v2, a fixture with one
new question in a new scale and its own rules file, goes through loading, scoring,
the rules, the group report and the CLI with no Python written for it.

The first test is the bug the issue reports: with a readiness v2 present, the group
report applied the v1 rules (fixed default path) while personal feedback gave none.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from collabdx.cli import app
from collabdx.core.instruments import available, latest_version, load_instrument
from collabdx.core.responses import from_records
from collabdx.core.rules import RulesError, rules_for, rules_path_for
from collabdx.core.scoring import scale_scores
from collabdx.reports.feedback import respondent_feedback
from collabdx.reports.model import build_report
from tests.readiness_v2 import (
    FIXTURE_DIR,
    V1_ACTIONS,
    V2_ACTIONS,
    V2_ONLY_EVIDENCE,
    readiness_v2,
    v2_answers,
)

__all__ = ["readiness_v2"]  # the fixture, imported for pytest


def test_group_report_and_personal_feedback_use_the_answers_own_version(readiness_v2):
    v2 = readiness_v2
    records = [v2_answers(v2, variant=i) for i in range(6)]
    model = build_report(from_records(v2, records), min_group_size=5)
    assert [r.action_id for r in model.recommendations] == V2_ACTIONS
    (legal,) = [r for r in model.recommendations if r.action_id == "t10.12"]
    assert legal.rule_ids == ("legal-agreements", "voluntary")  # v2's changed rule fired
    assert any(V2_ONLY_EVIDENCE in e for r in model.recommendations for e in r.evidence)

    # One respondent's own feedback agrees with the group's, by the same v2 rules.
    one = from_records(v2, records[:1])
    scores = scale_scores(one).iloc[0].to_dict()
    codes = {k: v for k, v in records[0].items() if isinstance(v, int)}
    assert [r.action_id for r in respondent_feedback(v2, codes, scores)] == V2_ACTIONS


def test_v1_answers_keep_v1_rules_when_v2_is_present(readiness_v2):
    v1 = load_instrument("readiness", "1")
    records = [
        {k: v for k, v in v2_answers(v1, variant=i).items() if k in v1.items} for i in range(6)
    ]
    model = build_report(from_records(v1, records), min_group_size=5)
    assert [r.action_id for r in model.recommendations] == V1_ACTIONS
    assert rules_for(v1) is not None and rules_for(v1).version == "1"  # type: ignore[union-attr]


def test_the_new_version_is_found_and_validated_from_its_files_alone(readiness_v2):
    v2 = readiness_v2
    assert ("readiness", "2") in available() and latest_version("readiness") == "2"
    assert v2.items["Q31"].scale == "shared_resources"
    assert v2.scales["shared_resources"].items == ("Q31",)
    rules = rules_for(v2)
    assert rules is not None and (rules.instrument, rules.version) == ("readiness", "2")
    assert rules_path_for("readiness", "2") == FIXTURE_DIR / "rules" / "readiness-v2.toml"
    # The maturity links, trend scales and demo factors are the file's too.
    assert [m.element for m in v2.maturity][:2] == ["trust", "faith"]
    assert v2.trend_scales == ("initial_trust", "initial_faith")


def test_an_instrument_version_without_rules_gets_no_advice():
    pc = load_instrument("performance_check", "1")
    assert rules_path_for(pc.id, pc.version) is None and rules_for(pc) is None


def test_two_rules_files_for_one_version_are_refused(tmp_path, monkeypatch):
    rules = tmp_path / "rules"
    rules.mkdir()
    packaged = rules_path_for("readiness", "1")
    assert packaged is not None
    (rules / "copy.toml").write_text(packaged.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("COLLABDX_DATA_PATH", str(tmp_path))
    with pytest.raises(RulesError, match="more than one rules file for readiness v1"):
        rules_path_for("readiness", "1")


def test_cli_reports_a_v2_file(readiness_v2, tmp_path):
    v2 = readiness_v2
    rows = [v2_answers(v2, variant=i) for i in range(6)]
    header = list(v2.items)
    csv = tmp_path / "v2.csv"
    csv.write_text(
        "\n".join([",".join(header)] + [",".join(str(r.get(h, "")) for h in header) for r in rows])
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        app,
        ["report", str(csv), "--instrument", "readiness", "--instrument-version", "2",
         "--output", str(tmp_path / "pack.html"), "--json", str(out),
         "--min-group-size", "5", "--resamples", "0"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["instrument"]["version"] == "2"
    text = json.dumps(data)
    assert V2_ONLY_EVIDENCE in text and "shared_resources" in text
