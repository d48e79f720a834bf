"""The demo's answers to unscored questions come from the instrument's [[demo.answers]]
(issue 13): no Python names a question; a table that cannot be trusted is refused."""

from pathlib import Path

import pytest

from collabdx.core.demo import DEMO_PARTNERS, demo_responses
from collabdx.core.instruments import InstrumentError, load_instrument, load_instrument_file

V1 = Path(__file__).resolve().parents[2] / "src/collabdx/data/instruments/readiness-v1.toml"


def test_descriptors_follow_the_instrument_table():
    rs = demo_responses()
    # Q12 answers "2" for the third fictional partner only (by_partner = [1, 1, 2, 1]).
    third = rs.codes.index.str.startswith("DEMO-3-")
    assert set(rs.codes.loc[third, "Q12"]) == {2.0}
    assert set(rs.codes.loc[~third, "Q12"]) == {1.0}
    assert set(rs.codes["Q13"]) == {1.0} and set(rs.codes["Q1"]) == {1.0, 2.0}
    names = {p.name for p in DEMO_PARTNERS} | {""}
    assert set(rs.text["Q3"]) <= names


def _with(tmp_path: Path, old: str, new: str) -> Path:
    text = V1.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "readiness-v1.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('item = "Q13"\ncode = 1', 'item = "Q99"\ncode = 1', "'item' must name a question"),
        ("weights = [0.5, 0.3, 0.2]", "weights = [0.5, 0.3, 0.3]", "must add up to 1"),
        ('item = "Q23"\ncode = 1', 'item = "Q23"\ncode = 1\nweights = [1.0]', "exactly one of"),
        ('lowered = ["Q17", "Q18"]', 'lowered = ["Q17", "Q0"]', "[demo].lowered"),
    ],
)
def test_an_untrustworthy_demo_table_is_refused(tmp_path, old, new, message):
    with pytest.raises(InstrumentError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_instrument_file(_with(tmp_path, old, new))


def test_without_answers_the_demo_leaves_unscored_questions_blank(tmp_path):
    text = V1.read_text(encoding="utf-8")
    cut = text[: text.index("\n# What a synthetic respondent answers")] + "\n"
    path = tmp_path / "readiness-v1.toml"
    path.write_text(cut, encoding="utf-8")
    rs = demo_responses(instrument=load_instrument_file(path))
    assert rs.codes["Q1"].isna().all() and rs.codes["Q6"].notna().any()
    assert load_instrument("readiness", "1").extras.demo_answers  # the packaged one has them
