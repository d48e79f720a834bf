"""k-anonymity of row-level files (core.microdata, issue 12).

Hand-worked cases first (expected values worked out by hand in the comments), then
Hypothesis properties over random waves, each checked by a brute-force attacker
written here: group the values as shown, "not shown" a value like any other, count.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collabdx.core.breakdowns import breakdown
from collabdx.core.disclosure import DisclosureError
from collabdx.core.instruments import load_instrument
from collabdx.core.microdata import NOT_SHOWN, TooFewRows, anonymise, in_content_order
from collabdx.core.responses import ResponseSet, from_records
from collabdx.core.scoring import keyed_items, scale_scores_from_keyed
from collabdx.core.wave_counts import partner_protection

READINESS = load_instrument("readiness", "1")
PERFORMANCE = load_instrument("performance_check", "1")
# Written out here, not read from the instrument: the organisation and the "About you"
# items of each instrument.
QIS = {"readiness": ("Q3", "Q1", "Q2", "Q4", "Q5"), "performance_check": ("Q3", "Q1", "Q2")}
# Bands the readiness TOML allows for Q4 and Q5, as the file writes them.
BANDS = {"1-2": {1, 2}, "1-3": {1, 2, 3}}


def rows_of(n: int, **fixed: object) -> list[dict[str, object]]:
    return [dict(fixed) for _ in range(n)]


def shown_tuples(protection, qis: Sequence[str]) -> list[tuple[str, ...]]:
    return [
        tuple("" if v is None else str(v) for v in row)
        for row in protection.shown[list(qis)].itertuples(index=False)
    ]


def attacker_small_classes(protection, qis: Sequence[str], k: int) -> dict:
    counts = Counter(shown_tuples(protection, qis))
    return {key: n for key, n in counts.items() if n < k}


# ---- hand-worked cases ----


def test_the_issues_both_group_is_never_shown():
    # One partner, 12 Clinical and 2 "Both". The report's staff-group breakdown:
    # Both (2) is under k; hiding one group alone is unsafe, so Clinical is hidden
    # too, and with every group hidden the breakdown is withheld. The file then
    # shows no staff group at all: every Q2 reads "not shown".
    records = rows_of(12, Q1=2, Q2=1, Q3="Alpha", Q4=4, Q5=4) + rows_of(
        2, Q1=2, Q2=3, Q3="Alpha", Q4=4, Q5=4
    )
    rs = from_records(READINESS, records)
    a = anonymise(rs, 5, partners=["Alpha"])
    assert a.shown["Q2"].tolist() == [NOT_SHOWN] * 14
    assert a.shown["Q3"].tolist() == ["Alpha"] * 14
    assert a.shown["Q1"].tolist() == [2] * 14 and a.shown["Q4"].tolist() == [4] * 14
    q2 = next(p for p in a.items if p.item_id == "Q2")
    assert q2.report_hidden == ("Clinical", "Both") and q2.hidden_cells == 14
    assert q2.suppressed_cells == 0


def test_bands_are_preferred_to_hiding():
    # Q5 (time on the collaboration) is in no report breakdown. 3 people answered 1,
    # 3 answered 2, 14 answered 4. Unbanded: the 1s and 2s are classes of 3, so all six
    # lose Q5 (loss 6). Band level 1 ("1-2"): one class of 6, loss 6 x (2-1)/(4-1) = 2.
    # Level 2 ("1-3"): loss 6 x 2/3 = 4. Level 1 wins.
    records = (
        rows_of(3, Q1=2, Q2=1, Q3="A", Q4=4, Q5=1)
        + rows_of(3, Q1=2, Q2=1, Q3="A", Q4=4, Q5=2)
        + rows_of(14, Q1=2, Q2=1, Q3="A", Q4=4, Q5=4)
    )
    a = anonymise(from_records(READINESS, records), 5, partners=["A"])
    assert sorted(map(str, a.shown["Q5"])) == ["1-2"] * 6 + ["4"] * 14
    q5 = next(p for p in a.items if p.item_id == "Q5")
    assert q5.level == 1 and q5.generalised_cells == 6 and q5.suppressed_cells == 0
    assert [b.label for b in q5.bands] == ["Less than 3 months"]


def test_two_unique_people_borrow_spare_rows_instead_of_losing_everything():
    # 8 people (2,1,4,4) and two with Q5 = 1 and Q5 = 2. Hiding Q5 of the two gives a
    # class of 2; the big class can spare 3 rows (8 - 5): they hide Q5 too and join
    # it. Result: 5 rows (2,1,4,"not shown") and 5 rows (2,1,4,4): 5 cells hidden.
    # (Banding 1-2 gives the same 5-cell loss plus a band, so level 0 is kept.)
    records = [
        *rows_of(8, Q1=2, Q2=1, Q3="A", Q4=4, Q5=4),
        {"Q1": 2, "Q2": 1, "Q3": "A", "Q4": 4, "Q5": 1},
        {"Q1": 2, "Q2": 1, "Q3": "A", "Q4": 4, "Q5": 2},
    ]
    a = anonymise(from_records(READINESS, records), 5, partners=["A"])
    assert sorted(Counter(shown_tuples(a, QIS["readiness"])).items()) == [
        (("A", "2", "1", "4", "4"), 5),
        (("A", "2", "1", "4", NOT_SHOWN), 5),
    ]


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        # A 10, B 7, C 3 (fixed list: an outsider may assume 0). C is under k; hiding
        # it alone is unsafe, so the smallest other, B, is hidden with it (10 together).
        ({"A": 10, "B": 7, "C": 3}, {"A": "A", "B": NOT_SHOWN, "C": NOT_SHOWN}),
        # A 12, B 3, C 0: B and C under k, 3 together; A would have to go too, so the
        # report withholds the partner breakdown and no row shows its organisation.
        ({"A": 12, "B": 3, "C": 0}, {"A": NOT_SHOWN, "B": NOT_SHOWN}),
        ({"A": 6, "B": 5}, {"A": "A", "B": "B"}),
    ],
)
def test_organisation_is_shown_as_the_partner_table_shows_it(counts, shown):
    records = [r for name, n in counts.items() for r in rows_of(n, Q1=2, Q2=1, Q3=name)]
    a = anonymise(from_records(READINESS, records), 5, partners=list(counts))
    got = dict(zip(from_records(READINESS, records).text["Q3"], a.shown["Q3"], strict=True))
    assert got == shown


def test_free_text_organisations_are_grouped_and_spelt_one_way():
    # Without a partner list (the command line): names grouped ignoring case and
    # spaces, each shown by its most common spelling; blank is a group of its own.
    records = (
        rows_of(4, Q3="North Trust") + rows_of(2, Q3="north  trust") + rows_of(6, Q3="")
        + rows_of(2, Q3="Tiny Hospice")
    )  # fmt: skip
    a = anonymise(from_records(READINESS, records), 5)
    # North Trust 6, blank 6, Tiny 2 (hidden); hiding Tiny alone is unsafe: the
    # smallest of the others goes too, on a tie the label sorting first: "North
    # Trust" < "Not answered" ("r" < "t"). Blanks stay blank.
    assert Counter(a.shown["Q3"].tolist()) == {None: 6, NOT_SHOWN: 8}
    assert a.organisation.hidden_groups == 2 and not a.organisation.fixed_list


def test_too_few_rows_are_refused_and_k_below_3_too():
    rs = from_records(READINESS, rows_of(4, Q1=1, Q3="A"))
    with pytest.raises(TooFewRows, match="only 4 responses, fewer than 5"):
        anonymise(rs, 5, partners=["A"])
    with pytest.raises(DisclosureError, match="at least 3"):
        anonymise(rs, 2, partners=["A"])
    empty = anonymise(from_records(READINESS, []), 5, partners=["A"])
    assert len(empty.shown) == 0


def test_a_row_from_an_unknown_partner_is_refused():
    rs = from_records(READINESS, rows_of(5, Q3="Stranger"))
    with pytest.raises(ValueError, match="not one of the partners"):
        anonymise(rs, 5, partners=["A"])


def test_content_order_ignores_ids_and_order():
    records = [{"Q1": i % 2 + 1, "Q6": i % 5 + 1} for i in range(12)]
    rs = from_records(READINESS, records)
    flipped = from_records(READINESS, records[::-1], ids=list("abcdefghijkl"))
    a, b = in_content_order(rs), in_content_order(flipped)
    assert a.codes.equals(b.codes) and list(a.codes.index) == [str(i) for i in range(1, 13)]


# ---- properties over random waves ----


@st.composite
def waves(draw) -> tuple[ResponseSet, list[str], int]:
    """A wave as the web app holds it: 0-400 responses over 1-8 partners (some may
    have none), each descriptor drawn from its own skewed distribution with blanks."""
    instrument = draw(st.sampled_from([READINESS, READINESS, PERFORMANCE]))
    n = draw(st.integers(0, 400))
    partners = [f"Partner {i}" for i in range(draw(st.integers(1, 8)))]
    seed = draw(st.integers(0, 2**32 - 1))
    k = draw(st.sampled_from([3, 5, 7]))
    rng = random.Random(seed)
    weights = {p: rng.random() ** 2 + 0.01 for p in partners}
    descriptors = [q for q in QIS[instrument.id] if q != "Q3"]
    dist = {
        q: [rng.random() ** 3 + 0.005 for _ in range(len(instrument.items[q].codes) + 1)]
        for q in descriptors
    }  # index 0 = left blank
    scored = [i.id for i in instrument.scored_items]
    records = []
    for _ in range(n):
        record: dict[str, object] = {"Q3": rng.choices(partners, list(weights.values()))[0]}
        for q in descriptors:
            code = rng.choices(range(len(dist[q])), dist[q])[0]
            if code:
                record[q] = code
        record.update({s: rng.randint(1, 5) for s in scored if rng.random() > 0.1})
        records.append(record)
    return from_records(instrument, records), partners, k


def _label(code: float, item) -> str:
    return "Not answered" if np.isnan(code) else item.label_for(int(code))


def _covered(value: object) -> set[int] | None:
    """Codes a shown value stands for (None: a blank)."""
    if value is None:
        return None
    if isinstance(value, int):
        return {value}
    return BANDS[str(value)]


def check_report_consistency(rs: ResponseSet, protection, k: int) -> None:
    """No group the report shows, less the rows the file shows for it, leaves a group
    of 1 to k-1; no row shows an answer the report hides. The report's own breakdown
    function is the reference."""
    keyed = keyed_items(rs)
    scores = scale_scores_from_keyed(keyed, rs.instrument)
    for descriptor in ("role", "staff_group", "tenure"):
        b = breakdown(rs.instrument, rs.codes, rs.text, scores, keyed, descriptor, k)
        if b is None:
            continue
        item = rs.instrument.items[b.item]
        visible = {g.label: g.n for g in b.groups if not g.suppressed}
        originals = [_label(c, item) for c in rs.codes[item.id]]
        shown = protection.shown[item.id].tolist()
        for label, value in zip(originals, shown, strict=True):
            if label not in visible:
                assert value == NOT_SHOWN, (item.id, label, value)
        for value in set(shown) - {NOT_SHOWN}:
            codes = _covered(value)
            labels = {"Not answered"} if codes is None else {item.label_for(c) for c in codes}
            in_report = sum(n for g, n in visible.items() if g in labels)
            left = in_report - shown.count(value)
            assert left == 0 or left >= k, (item.id, value, in_report, shown.count(value))


def content(rs: ResponseSet) -> list[tuple]:
    codes = rs.codes.to_numpy(dtype=float)
    return [
        (tuple(None if np.isnan(v) else v for v in codes[i]), tuple(rs.text.iloc[i]))
        for i in range(rs.n)
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wave=waves(), shuffle_seed=st.integers(0, 1000))
def test_every_output_is_k_anonymous_truthful_consistent_and_deterministic(wave, shuffle_seed):
    rs, partners, k = wave
    qis = QIS[rs.instrument.id]
    if 0 < rs.n < k:
        with pytest.raises(TooFewRows):
            anonymise(rs, k, partners=partners)
        return
    a = anonymise(rs, k, partners=partners)
    # Every quasi-identifier, indexed like the responses: nothing else, no row dropped.
    assert list(a.shown.columns) == list(qis) and a.shown.index.equals(rs.codes.index)
    # 1. k-anonymous, by brute force.
    assert attacker_small_classes(a, qis, k) == {}
    # 2. The organisation is exactly what the partner table shows (protect, lower
    #    bound 0, over the fixed list), hidden ones all "not shown".
    counts = Counter(rs.text["Q3"])
    # The same decision as the wave page and the report's partner table.
    table = partner_protection({p: counts.get(p, 0) for p in partners}, k)
    for name, shown in zip(rs.text["Q3"], a.shown["Q3"], strict=True):
        assert shown == (name if table.visible(name) else NOT_SHOWN)
    # 3. Truthful: a value is the answer, a band holding it, or "not shown".
    for q in qis[1:]:
        for code, shown in zip(rs.codes[q], a.shown[q], strict=True):
            if shown == NOT_SHOWN:
                continue
            covered = _covered(shown)
            assert covered is None if np.isnan(code) else int(code) in (covered or ()), (q, code)
    # 4. Consistent with the report's breakdowns.
    check_report_consistency(rs, a, k)
    # 5. Deterministic: the same rows in another order with other ids give the same rows.
    order = list(range(rs.n))
    random.Random(shuffle_seed).shuffle(order)
    shuffled = ResponseSet(
        rs.instrument_id, rs.instrument_version,
        rs.codes.iloc[order].set_axis([f"x{i}" for i in range(rs.n)]),
        rs.text.iloc[order].set_axis([f"x{i}" for i in range(rs.n)]),
    )  # fmt: skip
    again = anonymise(shuffled, k, partners=list(reversed(partners)))

    def pairs(responses, protection):
        return Counter(zip(content(responses), shown_tuples(protection, qis), strict=True))

    assert pairs(rs, a) == pairs(shuffled, again)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wave=waves())
def test_free_text_organisations_are_k_anonymous_too(wave):
    # The command line's case: no partner list; names as typed, some blank.
    rs, _, k = wave
    text = rs.text.copy()
    text["Q3"] = [("" if i % 7 == 0 else f" {v.upper()} " if i % 3 else v)
                  for i, v in enumerate(text["Q3"])]  # fmt: skip
    rs = ResponseSet(rs.instrument_id, rs.instrument_version, rs.codes, text)
    if 0 < rs.n < k:
        return
    a = anonymise(rs, k)
    assert attacker_small_classes(a, QIS[rs.instrument.id], k) == {}
    check_report_consistency(rs, a, k)
