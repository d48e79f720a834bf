"""The instrument files: verbatim content, validation, versions."""

import re
import tomllib
from pathlib import Path

import pytest

from collabdx.core.instruments import (
    InstrumentError,
    available,
    load_instrument,
    load_instrument_file,
    parse_instrument,
)

DATA = Path(__file__).resolve().parents[2] / "src" / "collabdx" / "data" / "instruments"


def test_bundled_instruments():
    assert ("readiness", "1") in available()
    assert ("performance_check", "1") in available()


def test_readiness_has_the_thirty_appendix_4_items_in_order():
    ins = load_instrument("readiness", "1")
    assert list(ins.items) == [f"Q{n}" for n in range(1, 31)]
    assert [b.seed_name for b in ins.blocks] == [
        "Participants_PreCheck", "Initial trust_PreCheck", "Perceived legitimacy_PreCheck",
        "Initial faith/task complexity_PreCheck", "Ease of cultural integration_PreCheck",
        "Conflict resolution_PreCheck", "Clear_Vision_PreCheck", "SharedVision_PreCheck",
    ]


def test_verbatim_wording_and_codes_copied_from_appendix_4():
    ins = load_instrument("readiness", "1")
    q11 = ins.items["Q11"]
    assert q11.text == "I perceive the balance of power in the collaboration to be balanced"
    assert [(o.label, o.code) for o in q11.options] == [
        ("Strongly disagree", 1), ("Somewhat disagree", 2), ("Neither agree nor disagree", 3),
        ("Somewhat agree", 4), ("Strongly agree", 5),
    ]
    q20 = ins.items["Q20"].options[0]
    assert (q20.label, q20.code) == ("Very favourable", 1)
    assert [(o.label, o.code) for o in ins.items["Q19"].options] == [
        ("Yes, fully", 1), ("Partially", 2), ("No", 3),
    ]
    assert ins.items["Q3"].type == "text" and ins.items["Q3"].optional
    assert ins.items["Q12"].text == (
        "Our organisations are geographically close together (i.e., <30 mins. drive)"
    )


def test_typo_corrections_keep_the_original():
    ins = load_instrument("readiness", "1")
    q10 = ins.items["Q10"]
    assert q10.text.startswith("There is a history of high-profile failures")
    assert q10.text_original.startswith("There a history of high-profile failures")
    corrected = [s for s in ins.intro if s.text_original]
    assert corrected and "about begin" in corrected[0].text_original
    assert "about to begin" in corrected[0].text


def test_intro_says_it_is_not_a_benchmarking_tool():
    ins = load_instrument("readiness", "1")
    assert any("not intended to act as a performance or benchmarking tool" in s.text
               for s in ins.intro)


def test_performance_check_is_marked_derived_and_not_validated():
    ins = load_instrument("performance_check", "1")
    assert ins.derived
    assert "Not validated" in ins.status
    scored = ins.scored_items
    assert len(scored) == 17  # one item per Table 9 mechanism
    assert all(i.text.startswith("Since the collaboration began, to what extent") for i in scored)
    assert all(i.source.startswith("Table 9: ") for i in scored)
    assert {s: len(v.items) for s, v in ins.scales.items()} == {
        "cultural_efficacy": 6, "technological_effectiveness": 3, "organisational_efficiency": 8,
    }
    assert [i.id for i in scored if i.reverse] == ["P17"]


def _raw(name="readiness-v1.toml"):
    return tomllib.loads((DATA / name).read_text(encoding="utf-8"))


def test_duplicate_item_id_is_rejected():
    raw = _raw()
    raw["item"][7]["id"] = "Q7"
    with pytest.raises(InstrumentError, match="'Q7'"):
        parse_instrument(raw)


def test_gap_in_codes_is_rejected():
    raw = _raw()
    raw["option_sets"]["agree"][2]["code"] = 7
    with pytest.raises(InstrumentError, match=r"option set 'agree': codes must be contiguous"):
        parse_instrument(raw)


def test_item_in_two_scales_is_rejected():
    raw = _raw()
    raw["scale"][1]["items"] = ["Q14", "Q6"]
    with pytest.raises(InstrumentError, match=r"item 'Q6' is in two scales"):
        parse_instrument(raw)


def test_scored_item_in_no_scale_is_rejected():
    raw = _raw()
    raw["scale"][4]["items"] = []
    raw["scale"] = [s for s in raw["scale"] if s["items"]]
    with pytest.raises(InstrumentError, match=r"item 'Q26': scored but in no scale"):
        parse_instrument(raw)


def test_broken_file_on_disk_names_file_and_problem():
    path = Path(__file__).resolve().parents[1] / "fixtures" / "instruments" / "broken-v1.toml"
    with pytest.raises(InstrumentError) as info:
        load_instrument_file(path)
    assert "broken-v1.toml" in str(info.value)
    assert re.search(r"item 'Q2': unknown option set 'nonsense'", str(info.value))


def test_unknown_instrument_or_version_lists_what_exists():
    with pytest.raises(InstrumentError, match="known: performance_check v1, readiness v1"):
        load_instrument("readiness", "9")


def test_instrument_links_to_the_theory_resolve():
    from collabdx.core.theory import load_theory

    theory = load_theory()
    check = load_instrument("performance_check", "1")
    assert {i.mechanism for i in check.scored_items} == set(theory.performance_mechanisms)
    readiness = load_instrument("readiness", "1")
    for scale in readiness.scales.values():
        assert scale.mechanism in theory.mechanisms, scale.id
