"""The report's default title comes from its instrument (issue 13: nothing
instrument-specific hard-coded in Python)."""

from collabdx.core.instruments import load_instrument
from collabdx.core.responses import from_records
from collabdx.reports.model import build_report, default_title


def test_the_readiness_report_keeps_its_title(pilot_responses):
    assert build_report(pilot_responses).title == "Readiness for collaboration: group report"


def test_another_instruments_report_is_titled_by_that_instrument():
    # Before: every report was "Readiness for collaboration: group report".
    records = [{"P01": 5, "P02": i % 5 + 1} for i in range(6)]
    rs = from_records(load_instrument("performance_check", "1"), records)
    assert build_report(rs).title == "Collaborative performance check: group report"


def test_a_given_title_wins_and_only_a_trailing_survey_is_dropped(pilot_responses):
    assert build_report(pilot_responses, title="Wave 2: group report").title == (
        "Wave 2: group report"
    )
    assert default_title("Survey of surveys survey") == "Survey of surveys: group report"
