"""Statistical disclosure control of row-level files ("microdata", issue 12).

A download with one row per person shows, next to their answers, who they are:
organisation, role, staff group, time at the organisation... (the instrument's
quasi-identifiers, ``Instrument.disclosure``). ``anonymise`` decides, for every row,
how those items are shown so that every *equivalence class* (rows showing the same
organisation and the same descriptor values) holds at least k rows. "not shown" is a
value like any other: a row showing "not shown" matches only rows showing "not
shown" there, so a checker can group the file's own text and count.

Steps, each consistent with the group report published from the same rows:

1. **Organisation**: shown exactly as the report's partner table protects it
   (``protect`` on the counts, lower bound 0 over a fixed partner list; without one,
   over the organisations written in, lower bound 1, as the report's breakdown of a
   file does). Hidden organisations all read "not shown". The organisation of a row is
   never hidden on its own: a partner's published mean times its count, minus the
   other rows, would give that row's answers back.
2. **The report's own protection of each descriptor** it breaks figures down by
   (``core.breakdowns.BREAKDOWN_TITLES``) is applied to every row (global recoding):
   a group the report hides (say "Both", 2 people, and the group hidden beside it)
   reads "not shown" in every row.
3. **Generalisation**: ordinal descriptors with a hierarchy may show bands of adjacent
   answers ("1-2") in every row; every combination of levels is tried.
4. **Local suppression** (``microdata_suppress``): further values are hidden until
   every class reaches k, and so that no group of the report can be differenced
   against the file.

Of the combinations in step 3 the one losing least information is kept: a hidden
value loses 1, a band of w of an item's d answers loses (w-1)/(d-1), a value shown as
answered loses 0 (Iyengar's loss metric); ties go to fewer hidden values, then to lower
levels. The result depends on the rows' content only, not their order or ids.

Every other value of a row (answers, scores) is left as it is, and no row is dropped.
Under k rows nothing can be released: ``TooFewRows``.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from collabdx.core.breakdowns import BREAKDOWN_TITLES, NOT_ANSWERED, normalise_organisation
from collabdx.core.disclosure import DisclosureError, check_min_group_size
from collabdx.core.disclosure_audit import audited_protect
from collabdx.core.instrument_disclosure import Band, DisclosureSpec
from collabdx.core.instruments import Item
from collabdx.core.microdata_suppress import NOT_SHOWN, suppress
from collabdx.core.responses import ResponseSet
from collabdx.core.wave_counts import partner_protection

__all__ = ["NOT_SHOWN", "Anonymised", "ItemProtection", "OrganisationProtection", "TooFewRows",
           "anonymise", "in_content_order"]  # fmt: skip


class TooFewRows(DisclosureError):
    """Fewer than k rows: no row-level file can be made safe."""


@dataclass(frozen=True)
class OrganisationProtection:
    item_id: str | None
    fixed_list: bool  # True: a partner list (lower bound 0); False: names written in
    withheld: bool  # the report shows no organisation breakdown: every row "not shown"
    hidden_groups: int
    hidden_rows: int


@dataclass(frozen=True)
class ItemProtection:
    item_id: str
    report_hidden: tuple[str, ...]  # answer labels hidden in every row, as the report hides them
    level: int  # generalisation level used (0: none)
    bands: tuple[Band, ...]  # bands of that level found in the file
    generalised_cells: int
    hidden_cells: int  # "not shown" because the report hides the group
    suppressed_cells: int  # "not shown" to make every class reach k


@dataclass(frozen=True)
class Anonymised:
    """How each quasi-identifier of each row is shown.

    ``shown`` has the responses' index and one column per quasi-identifier: an int
    (the answer code), a band ("1-2"), ``NOT_SHOWN``, an organisation's name, or None
    (left blank by the respondent).
    """

    k: int
    shown: pd.DataFrame
    organisation: OrganisationProtection
    items: tuple[ItemProtection, ...]

    @property
    def quasi_identifiers(self) -> tuple[str, ...]:
        return tuple(str(c) for c in self.shown.columns)


def anonymise(
    responses: ResponseSet, k: int, *, partners: Collection[str] | None = None
) -> Anonymised:
    """Make ``responses`` k-anonymous over the instrument's quasi-identifiers.

    ``partners`` is the fixed list of partner organisations (the web app: every
    partner with a link, including those nobody answered for); each row's
    organisation must be one of them. Without it, organisations are the free text
    respondents wrote, grouped ignoring case and spacing.
    """
    k = check_min_group_size(k)
    instrument = responses.instrument
    n = responses.n
    if 0 < n < k:
        raise TooFewRows(
            f"only {n} responses, fewer than {k}: no row can be released without singling "
            "someone out"
        )
    spec = instrument.disclosure
    org_item = instrument.descriptor_item("organisation")
    org_id = org_item.id if org_item is not None and org_item.id in spec.quasi_identifiers else None
    choice = [instrument.items[q] for q in spec.quasi_identifiers
              if instrument.items[q].type == "choice"]  # fmt: skip
    org, org_protection = _organisations(responses, org_id, k, partners)
    # Only the descriptors the report breaks figures down by can be differenced against
    # it; the others (e.g. time on the collaboration) are published nowhere else.
    published = [item.descriptor in BREAKDOWN_TITLES for item in choice]
    base = [
        _report_recoded(item, responses.codes[item.id], k, shown_by_report)
        for item, shown_by_report in zip(choice, published, strict=True)
    ]
    rank = _ranks(responses)
    hierarchical = [j for j, item in enumerate(choice) if item.id in spec.hierarchies]
    best: tuple[tuple[Fraction, int, tuple[int, ...]], list[list[str]], dict[int, int]] | None
    best = None
    for combo in itertools.product(
        *(range(len(spec.hierarchies[choice[j].id].levels) + 1) for j in hierarchical)
    ):
        levels = dict(zip(hierarchical, combo, strict=True))
        cols = [_generalised(col, choice[j], spec, levels.get(j, 0)) for j, col in enumerate(base)]
        out = suppress(org, cols, k, rank, published)
        score = (_loss(out, choice), _hidden(out), tuple(combo))
        if best is None or score < best[0]:
            best = (score, out, levels)
    assert best is not None  # the product of no ranges has one element
    _, out, levels = best
    shown = pd.DataFrame(index=responses.codes.index)
    for q in spec.quasi_identifiers:
        if q == org_id:
            shown[q] = pd.Series([v or None for v in org], index=shown.index, dtype=object)
        elif q in responses.codes.columns:
            col = out[[i.id for i in choice].index(q)]
            shown[q] = pd.Series([_typed(v) for v in col], index=shown.index, dtype=object)
    items = tuple(
        _item_protection(item, responses.codes[item.id], base[j], out[j], spec, levels.get(j, 0))
        for j, item in enumerate(choice)
    )  # fmt: skip
    return Anonymised(k, shown, org_protection, items)


def _organisations(
    responses: ResponseSet, org_id: str | None, k: int, partners: Collection[str] | None
) -> tuple[list[str], OrganisationProtection]:
    n = responses.n
    if org_id is None:
        return [""] * n, OrganisationProtection(None, partners is not None, False, 0, 0)
    raw = [str(v) if isinstance(v, str) else "" for v in responses.text[org_id].tolist()]
    if partners is not None:
        unknown = sorted(set(raw) - set(partners))
        if unknown:
            raise ValueError(f"organisation {unknown[0]!r} of a row is not one of the partners")
        counts = Counter(raw)
        # The same decision as the wave page and the report's partner table (audited
        # against an attacker who knows which partners were under k while it was open).
        protected = partner_protection({p: counts.get(p, 0) for p in partners}, k)
        org = [name if protected.visible(name) else NOT_SHOWN for name in raw]
        hidden = sum(1 for p in partners if not protected.visible(p) and counts.get(p, 0))
        return org, OrganisationProtection(
            org_id, True, protected.withheld, hidden, org.count(NOT_SHOWN)
        )
    keys = [normalise_organisation(v) for v in raw]
    label = _spellings(raw, keys)
    counts = Counter(label[key] if key else NOT_ANSWERED for key in keys)
    protected = audited_protect(dict(counts), k, lower_bound=1)  # as core.breakdowns
    org = []
    for key in keys:
        group = label[key] if key else NOT_ANSWERED
        shown = protected.visible(group)
        org.append(NOT_SHOWN if not shown else (label[key] if key else ""))
    hidden = sum(1 for g in counts if not protected.visible(g))
    return org, OrganisationProtection(
        org_id, False, protected.withheld, hidden, org.count(NOT_SHOWN)
    )


def _spellings(raw: Sequence[str], keys: Sequence[str]) -> dict[str, str]:
    """Each organisation's name as shown: its most common spelling (ties: the one that
    sorts first), so that a rare spelling cannot single out who typed it."""
    tally: dict[str, Counter[str]] = {}
    for text, key in zip(raw, keys, strict=True):
        if key:
            tally.setdefault(key, Counter())[text.strip()] += 1
    return {
        key: min(t, key=lambda s: (-t[s], s.casefold(), s)) for key, t in tally.items()
    }


def _report_recoded(item: Item, codes: pd.Series, k: int, published: bool) -> list[str]:
    """The column as text, with the groups the report's breakdown hides "not shown".

    The breakdown (``core.breakdowns``) labels each answer, blank as "Not answered",
    and protects the groups present with lower bound 1; the same decision here.
    """
    values = ["" if np.isnan(c) else str(int(c)) for c in codes.to_numpy(dtype=float)]
    if not published:
        return values
    label = {str(o.code): o.label for o in item.options} | {"": NOT_ANSWERED}
    counts = Counter(label[v] for v in values)
    order = [o.label for o in item.options if o.label in counts] + (
        [NOT_ANSWERED] if NOT_ANSWERED in counts else []
    )
    if not values:
        return values
    protected = audited_protect({g: counts[g] for g in order}, k, lower_bound=1)
    return [v if protected.visible(label[v]) else NOT_SHOWN for v in values]


def _generalised(col: list[str], item: Item, spec: DisclosureSpec, level: int) -> list[str]:
    if level == 0:
        return list(col)
    hierarchy = spec.hierarchies[item.id]
    out = []
    for v in col:
        band = hierarchy.band_of(int(v), level) if v.isdigit() else None
        out.append(band.value if band else v)
    return out


def _loss(cols: list[list[str]], items: Sequence[Item]) -> Fraction:
    total = Fraction(0)
    for col, item in zip(cols, items, strict=True):
        d = max(len(item.codes) - 1, 1)
        for v, count in Counter(col).items():
            if v == NOT_SHOWN:
                total += count
            elif "-" in v:
                first, last = (int(x) for x in v.split("-"))
                total += Fraction((last - first) * count, d)
    return total


def _hidden(cols: list[list[str]]) -> int:
    return sum(col.count(NOT_SHOWN) for col in cols)


def _typed(value: str) -> int | str | None:
    if value == "":
        return None
    return int(value) if value.isdigit() else value


def _item_protection(
    item: Item,
    codes: pd.Series,
    base: list[str],
    out: list[str],
    spec: DisclosureSpec,
    level: int,
) -> ItemProtection:
    labels = {str(o.code): o.label for o in item.options} | {"": NOT_ANSWERED}
    raw = ["" if np.isnan(c) else str(int(c)) for c in codes.to_numpy(dtype=float)]
    report_hidden = sorted(
        {labels[r] for r, b in zip(raw, base, strict=True) if b == NOT_SHOWN},
        key=lambda g: [*labels.values()].index(g),
    )
    hierarchy = spec.hierarchies.get(item.id)
    used = {v for v in out if "-" in v}
    bands = (
        tuple(b for b in hierarchy.levels[level - 1] if b.value in used)
        if hierarchy is not None and level
        else ()
    )
    return ItemProtection(
        item.id,
        tuple(report_hidden),
        level,
        bands,
        generalised_cells=sum(1 for v in out if "-" in v),
        hidden_cells=base.count(NOT_SHOWN),
        suppressed_cells=out.count(NOT_SHOWN) - base.count(NOT_SHOWN),
    )


def _ranks(responses: ResponseSet) -> list[int]:
    """A number per row from its content alone (never its id or position), keyed by a
    digest of the whole data set: rows that must donate are picked by it, so the same
    rows give the same file in any order, and someone who sees only the file cannot
    work out which rows were picked."""
    codes = np.nan_to_num(responses.codes.to_numpy(dtype=float), nan=-1.0)
    texts = responses.text.astype(str).to_numpy()
    rows = [
        codes[i].tobytes() + "\x1f".join(texts[i].tolist()).encode("utf-8")
        for i in range(responses.n)
    ]
    digest = hashlib.sha256(b"".join(hashlib.sha256(r).digest() for r in sorted(rows))).digest()
    return [int.from_bytes(hashlib.sha256(digest + r).digest()[:8], "big") for r in rows]


def in_content_order(responses: ResponseSet) -> ResponseSet:
    """The rows in an order set by their content alone, numbered afresh from 1.

    An imported file's respondent ids and row order can say who answered (a survey
    platform's id, the order people answered in); a file made k-anonymous for
    sharing gets neither. The order is the same for the same rows however they came.
    """
    rank = _ranks(responses)
    order = sorted(range(responses.n), key=lambda i: (rank[i], i))
    index = pd.Index([str(i + 1) for i in range(responses.n)], dtype=object,
                     name=responses.codes.index.name)  # fmt: skip
    codes = responses.codes.iloc[order].set_axis(index)
    text = responses.text.iloc[order].set_axis(index)
    return ResponseSet(responses.instrument_id, responses.instrument_version, codes, text)
