"""Which items of an instrument identify a respondent in a row-level file, and how
their answers may be coarsened (issue 12).

An instrument's ``[disclosure]`` table names its *quasi-identifiers*: the items that
describe the respondent (organisation, role, staff group, tenure...), which an
attacker could know about a colleague and use to find that colleague's row. Row-level
files are made k-anonymous over them (``core.microdata``). An ordinal quasi-identifier
may carry a generalisation hierarchy: levels of bands, each band a run of adjacent
answer codes shown as one value ("1-2"), each level coarser than the one before.

This is collabdx's own rule, not the seed's, and the data files say so
(``derived = true``). An instrument without the table treats every descriptor item as
a quasi-identifier and has no hierarchy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collabdx.core.instruments import Item

DEFAULT_SOURCE = "collabdx default (derived): every descriptor item is a quasi-identifier"


@dataclass(frozen=True)
class Band:
    """Adjacent answer codes shown together as one value."""

    codes: tuple[int, ...]
    label: str

    @property
    def value(self) -> str:
        """How the band is written in a file: its first and last code, e.g. "1-3"."""
        return f"{self.codes[0]}-{self.codes[-1]}"


@dataclass(frozen=True)
class Hierarchy:
    """Generalisation levels of one item: level 1 is ``levels[0]``; level 0 (not
    listed) shows every code as it is. Codes in no band of a level stay as they are."""

    item_id: str
    levels: tuple[tuple[Band, ...], ...]

    def band_of(self, code: int, level: int) -> Band | None:
        if level <= 0:
            return None
        for band in self.levels[level - 1]:
            if code in band.codes:
                return band
        return None


@dataclass(frozen=True)
class DisclosureSpec:
    quasi_identifiers: tuple[str, ...]
    hierarchies: Mapping[str, Hierarchy]
    source: str
    derived: bool = True


class DisclosureSpecError(ValueError):
    pass


def parse_disclosure(raw: Mapping[str, Any] | None, items: Mapping[str, Item]) -> DisclosureSpec:
    """Validate an instrument's ``[disclosure]`` table against its items."""
    descriptors = [i.id for i in items.values() if i.role == "descriptor"]
    if raw is None:
        return DisclosureSpec(tuple(descriptors), {}, DEFAULT_SOURCE)
    where = "[disclosure]"
    qis = raw.get("quasi_identifiers")
    if not isinstance(qis, list) or not all(isinstance(q, str) for q in qis):
        raise DisclosureSpecError(f"{where}: quasi_identifiers must be a list of item ids")
    if len(set(qis)) != len(qis):
        raise DisclosureSpecError(f"{where}: quasi_identifiers lists an item twice: {qis}")
    for q in qis:
        if q not in items:
            raise DisclosureSpecError(f"{where}: quasi_identifiers names unknown item {q!r}")
    for d in descriptors:
        if d not in qis:
            raise DisclosureSpecError(
                f"{where}: item {d!r} describes the respondent (role descriptor) but is not "
                "in quasi_identifiers; a row-level file would show it unprotected"
            )
    for q in qis:
        item = items[q]
        if item.type == "text" and item.descriptor != "organisation":
            raise DisclosureSpecError(
                f"{where}: free-text item {q!r} cannot be a quasi-identifier; only the "
                "organisation can (its names are grouped)"
            )
    source = raw.get("source")
    if not isinstance(source, str) or not source:
        raise DisclosureSpecError(f"{where}: missing required field 'source'")
    hierarchies: dict[str, Hierarchy] = {}
    for h in raw.get("hierarchy", []):
        for item_id in h.get("items", []):
            if item_id in hierarchies:
                raise DisclosureSpecError(f"{where}: item {item_id!r} has two hierarchies")
            hierarchies[item_id] = _hierarchy(item_id, h.get("levels"), items, set(qis))
    return DisclosureSpec(tuple(qis), hierarchies, source, bool(raw.get("derived", True)))


def _hierarchy(
    item_id: str, raw_levels: object, items: Mapping[str, Item], qis: set[str]
) -> Hierarchy:
    where = f"[disclosure] hierarchy of {item_id!r}"
    item = items.get(item_id)
    if item is None:
        raise DisclosureSpecError(f"{where}: unknown item")
    if item_id not in qis:
        raise DisclosureSpecError(f"{where}: only a quasi-identifier can be generalised")
    if item.type != "choice":
        raise DisclosureSpecError(f"{where}: only a choice item can be generalised")
    if not isinstance(raw_levels, list) or not raw_levels:
        raise DisclosureSpecError(f"{where}: levels must be a non-empty list")
    codes = set(item.codes)
    levels: list[tuple[Band, ...]] = []
    for n, raw_level in enumerate(raw_levels, start=1):
        bands: list[Band] = []
        for b in raw_level:
            band_codes = tuple(int(c) for c in b.get("codes", []))
            label = str(b.get("label", "")).strip()
            name = f"{where}, level {n}, band {list(band_codes)}"
            if not label:
                raise DisclosureSpecError(f"{name}: needs a label")
            if len(band_codes) < 2:
                raise DisclosureSpecError(f"{name}: a band merges at least two codes")
            if not set(band_codes) <= codes:
                raise DisclosureSpecError(f"{name}: codes not among {sorted(codes)}")
            if list(band_codes) != list(range(band_codes[0], band_codes[0] + len(band_codes))):
                raise DisclosureSpecError(f"{name}: codes must be adjacent and in order")
            if set(band_codes) == codes:
                raise DisclosureSpecError(
                    f"{name}: a band of every code shows nothing; that is suppression"
                )
            bands.append(Band(band_codes, label))
        seen = [c for b in bands for c in b.codes]
        if len(seen) != len(set(seen)):
            raise DisclosureSpecError(f"{where}, level {n}: bands overlap")
        if levels and not _coarser(levels[-1], bands, codes):
            raise DisclosureSpecError(
                f"{where}, level {n}: must merge whole bands of level {n - 1} and merge more"
            )
        levels.append(tuple(sorted(bands, key=lambda b: b.codes)))
    return Hierarchy(item_id, tuple(levels))


def _partition(bands: tuple[Band, ...] | list[Band], codes: set[int]) -> set[frozenset[int]]:
    grouped = {frozenset(b.codes) for b in bands}
    covered = {c for b in bands for c in b.codes}
    return grouped | {frozenset({c}) for c in codes - covered}


def _coarser(finer: tuple[Band, ...], coarser: list[Band], codes: set[int]) -> bool:
    fine, coarse = _partition(finer, codes), _partition(coarser, codes)
    return fine != coarse and all(any(f <= c for c in coarse) for f in fine)
