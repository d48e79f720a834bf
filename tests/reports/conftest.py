"""Shared data for the workshop pack tests: the demo set and the 21-respondent pilot."""

from __future__ import annotations

from pathlib import Path

import pytest

from collabdx.core.demo import DEMO_LABEL, demo_responses
from collabdx.core.instruments import load_instrument
from collabdx.io.importers import read_responses
from collabdx.reports.model import build_report
from collabdx.reports.sections import CollaborationContext

PILOT = Path(__file__).parent.parent / "fixtures" / "reports" / "pilot21.csv"
NORTHGATE = "Northgate Mental Health Trust"  # 10 respondents: shown
SOUTHMOOR = "Southmoor Community Care"  # 8: hidden to protect Westvale
WESTVALE = "Westvale Wellbeing CIC"  # 3: under k = 5


@pytest.fixture(scope="session")
def pilot_responses():
    return read_responses(PILOT, load_instrument("readiness", "1")).responses


@pytest.fixture(scope="session")
def pilot_model(pilot_responses):
    context = CollaborationContext(
        "Pilot mental health collaborative", "provider_collaborative", True, False, "planning"
    )
    return build_report(pilot_responses, context=context, with_research=True)


@pytest.fixture(scope="session")
def demo_set():
    return demo_responses()


@pytest.fixture(scope="session")
def demo_model(demo_set):
    return build_report(demo_set, demo_label=DEMO_LABEL, with_research=True)
