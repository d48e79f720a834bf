"""The instruments' [disclosure] tables: which items identify a respondent in a
row-level file, and which answers may be banded (issue 12, derived)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from collabdx.core.instruments import InstrumentError, load_instrument, parse_instrument

DATA = Path(__file__).resolve().parents[2] / "src" / "collabdx" / "data" / "instruments"


def _raw(name: str = "readiness-v1.toml") -> dict:
    return tomllib.loads((DATA / name).read_text(encoding="utf-8"))


def test_readiness_names_the_about_you_items_and_marks_the_rule_derived():
    ins = load_instrument("readiness", "1")
    spec = ins.disclosure
    assert spec.quasi_identifiers == ("Q3", "Q1", "Q2", "Q4", "Q5")
    # Appendix 4's "Participants_PreCheck" block holds exactly these five items.
    about_you = next(b for b in ins.blocks if b.seed_name == "Participants_PreCheck")
    assert set(about_you.items) == set(spec.quasi_identifiers)
    assert spec.derived and "derived" in spec.source and "issue 12" in spec.source
    text = (DATA / "readiness-v1.toml").read_text(encoding="utf-8")
    assert "Disclosure control of row-level files: DERIVED, collabdx's own rule" in text
    # Time answers (1 under a month, 2 one to three months, 3 to a year, 4 longer).
    for q in ("Q4", "Q5"):
        h = spec.hierarchies[q]
        assert [[(b.codes, b.label, b.value) for b in level] for level in h.levels] == [
            [((1, 2), "Less than 3 months", "1-2")],
            [((1, 2, 3), "Less than a year", "1-3")],
        ]
        assert h.band_of(2, 1).value == "1-2" and h.band_of(3, 1) is None
        assert h.band_of(3, 2).value == "1-3" and h.band_of(4, 2) is None
        assert h.band_of(1, 0) is None
    assert set(spec.hierarchies) == {"Q4", "Q5"}


def test_performance_check_names_its_three_about_you_items():
    spec = load_instrument("performance_check", "1").disclosure
    assert spec.quasi_identifiers == ("Q3", "Q1", "Q2") and spec.derived
    assert spec.hierarchies == {}


def test_without_a_table_every_descriptor_is_a_quasi_identifier():
    raw = _raw()
    del raw["disclosure"]
    spec = parse_instrument(raw).disclosure
    assert spec.quasi_identifiers == ("Q1", "Q2", "Q3", "Q4", "Q5") and spec.derived


def _broken(change) -> str:
    raw = _raw()
    change(raw["disclosure"])
    with pytest.raises(InstrumentError) as info:
        parse_instrument(raw)
    return str(info.value)


def _level(*bands: tuple[list[int], str]) -> list[dict]:
    return [{"codes": codes, "label": label} for codes, label in bands]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["quasi_identifiers"].remove("Q5"),
         "item 'Q5' describes the respondent (role descriptor) but is not in quasi_identifiers"),
        (lambda d: d["quasi_identifiers"].append("Q99"), "names unknown item 'Q99'"),
        (lambda d: d["quasi_identifiers"].append("Q1"), "lists an item twice"),
        (lambda d: d.pop("source"), "missing required field 'source'"),
        (lambda d: d["hierarchy"][0].update(levels=[_level(([1, 3], "Odd"))]),
         "codes must be adjacent and in order"),
        (lambda d: d["hierarchy"][0].update(levels=[_level(([2], "One"))]),
         "a band merges at least two codes"),
        (lambda d: d["hierarchy"][0].update(levels=[_level(([1, 2, 3, 4], "All"))]),
         "that is suppression"),
        (lambda d: d["hierarchy"][0].update(levels=[_level(([1, 2], "A"), ([2, 3], "B"))]),
         "bands overlap"),
        (lambda d: d["hierarchy"][0].update(levels=[_level(([4, 5], "B"))]),
         "codes not among [1, 2, 3, 4]"),
        (lambda d: d["hierarchy"][0].update(levels=[_level(([1, 2], "")), ]),
         "needs a label"),
        (lambda d: d["hierarchy"][0].update(
            levels=[_level(([1, 2], "A")), _level(([2, 3], "B"))]),
         "must merge whole bands of level 1"),
        (lambda d: d["hierarchy"][0].update(levels=[_level(([1, 2], "A")), _level(([1, 2], "A"))]),
         "must merge whole bands of level 1 and merge more"),
        (lambda d: d["hierarchy"].append({"items": ["Q4"], "levels": [_level(([1, 2], "A"))]}),
         "item 'Q4' has two hierarchies"),
        (lambda d: d["hierarchy"].append({"items": ["Q6"], "levels": [_level(([1, 2], "A"))]}),
         "only a quasi-identifier can be generalised"),
        (lambda d: d["hierarchy"].append({"items": ["Q3"], "levels": [_level(([1, 2], "A"))]}),
         "only a choice item can be generalised"),
    ],
)  # fmt: skip
def test_a_broken_table_is_refused_with_a_message_naming_the_problem(change, message):
    got = _broken(change)
    assert message in got and got.startswith("[disclosure]")


def test_a_free_text_item_other_than_the_organisation_cannot_be_a_quasi_identifier():
    raw = _raw()
    q3 = next(i for i in raw["item"] if i["id"] == "Q3")
    q3["descriptor"] = "team"
    with pytest.raises(InstrumentError, match="free-text item 'Q3' cannot be a quasi-identifier"):
        parse_instrument(raw)
