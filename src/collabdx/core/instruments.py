"""Survey instruments as versioned data.

Each instrument lives in ``collabdx/data/instruments/<id>-v<version>.toml``. Loading
validates it, so a broken file fails loudly at start-up rather than mis-scoring
answers later. Responses record the ``(id, version)`` they were collected with, and
are always re-scored against that version, never the newest.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from collabdx.core.datafiles import data_dirs
from collabdx.core.instrument_disclosure import (
    DisclosureSpec,
    DisclosureSpecError,
    parse_disclosure,
)
from collabdx.core.instrument_extras import (
    Extras,
    InstrumentExtrasError,
    MaturityLink,
    parse_extras,
)

ItemRole = Literal["descriptor", "context", "scored"]
ItemType = Literal["choice", "text"]

_FILE_RE = re.compile(r"^(?P<id>[a-z0-9_]+)-v(?P<version>[0-9]+)\.toml$")


class InstrumentError(ValueError):
    """A data file that does not describe a valid instrument."""


@dataclass(frozen=True)
class Option:
    code: int
    label: str


@dataclass(frozen=True)
class Item:
    id: str
    block: str
    text: str
    role: ItemRole
    type: ItemType = "choice"
    options: tuple[Option, ...] = ()
    optional: bool = False
    reverse: bool = False
    scale: str | None = None
    descriptor: str | None = None  # e.g. "role", "organisation"
    context: str | None = None  # e.g. "mandated"
    mechanism: str | None = None
    source: str = ""
    text_original: str | None = None

    @property
    def codes(self) -> tuple[int, ...]:
        return tuple(o.code for o in self.options)

    @property
    def max_code(self) -> int:
        return max(self.codes) if self.options else 0

    def label_for(self, code: int) -> str:
        for option in self.options:
            if option.code == code:
                return option.label
        raise KeyError(f"{self.id} has no code {code}")

    def keyed(self, code: int) -> int:
        """The code in the favourable direction (higher is better)."""
        return (self.max_code + 1 - code) if self.reverse else code


@dataclass(frozen=True)
class Block:
    id: str
    title: str
    items: tuple[str, ...]
    intro: str = ""
    seed_name: str = ""


@dataclass(frozen=True)
class Scale:
    id: str
    name: str
    items: tuple[str, ...]
    source: str
    mechanism: str | None = None
    derived: bool = True

    @property
    def min_answered(self) -> int:
        """Fewest answered items for a score: half the items, rounded up."""
        return -(-len(self.items) // 2)


@dataclass(frozen=True)
class IntroSection:
    heading: str
    text: str
    source: str
    text_original: str | None = None


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    title: str
    subtitle: str
    source: str
    derived: bool
    status: str
    scoring_rule: str
    intro: tuple[IntroSection, ...]
    blocks: tuple[Block, ...]
    items: Mapping[str, Item] = field(hash=False)
    scales: Mapping[str, Scale] = field(hash=False)
    # Which items identify a respondent in a row-level file (``[disclosure]``, derived).
    disclosure: DisclosureSpec = field(
        hash=False, default_factory=lambda: DisclosureSpec((), {}, "")
    )
    # Maturity links, default trend scales and demo factors (``core.instrument_extras``).
    extras: Extras = field(hash=False, default_factory=Extras)

    @property
    def maturity(self) -> tuple[MaturityLink, ...]:
        return self.extras.maturity

    @property
    def trend_scales(self) -> tuple[str, ...]:
        return self.extras.trend_scales

    @property
    def key(self) -> str:
        return f"{self.id}-v{self.version}"

    @property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items.values() if i.role == "scored")

    @property
    def choice_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items.values() if i.type == "choice")

    def descriptor_item(self, name: str) -> Item | None:
        for item in self.items.values():
            if item.descriptor == name:
                return item
        return None

    def context_item(self, name: str) -> Item | None:
        for item in self.items.values():
            if item.context == name:
                return item
        return None


def _files() -> dict[tuple[str, str], Path]:
    """Every instrument file by (id, version); the packaged one wins a clash."""
    found: dict[tuple[str, str], Path] = {}
    for directory in data_dirs("instruments"):
        for path in sorted(directory.iterdir()):
            m = _FILE_RE.match(path.name)
            if m:
                found.setdefault((m["id"], m["version"]), path)
    return found


def available() -> list[tuple[str, str]]:
    """(id, version) of every instrument (packaged or on ``COLLABDX_DATA_PATH``), sorted."""
    return sorted(_files(), key=lambda p: (p[0], int(p[1])))


def latest_version(instrument_id: str) -> str:
    versions = [v for i, v in available() if i == instrument_id]
    if not versions:
        raise InstrumentError(f"No instrument called {instrument_id!r}; known: {_known()}")
    return max(versions, key=int)


def _known() -> str:
    return ", ".join(f"{i} v{v}" for i, v in available())


@lru_cache(maxsize=32)
def load_instrument(instrument_id: str = "readiness", version: str | None = None) -> Instrument:
    """Load and validate a packaged instrument (latest version when none is given)."""
    version = version or latest_version(instrument_id)
    path = _files().get((instrument_id, str(version)))
    if path is None:
        raise InstrumentError(
            f"No instrument {instrument_id!r} version {version!r}; known: {_known()}"
        )
    return load_instrument_file(path)


def load_instrument_file(path: Path) -> Instrument:
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentError(f"{path}: not valid TOML: {exc}") from exc
    try:
        return parse_instrument(raw)
    except InstrumentError as exc:
        raise InstrumentError(f"{Path(path).name}: {exc}") from exc


def _require(table: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in table or table[key] in ("", None):
        raise InstrumentError(f"{where}: missing required field {key!r}")
    return table[key]


def _parse_options(raw: Mapping[str, Any]) -> dict[str, tuple[Option, ...]]:
    sets: dict[str, tuple[Option, ...]] = {}
    for name, entries in raw.get("option_sets", {}).items():
        options = tuple(
            Option(
                int(_require(e, "code", f"option set {name!r}")),
                str(_require(e, "label", f"option set {name!r}")),
            )
            for e in entries
        )
        codes = [o.code for o in options]
        if codes != list(range(1, len(codes) + 1)):
            raise InstrumentError(
                f"option set {name!r}: codes must be contiguous from 1, got {codes}"
            )
        if len({o.label for o in options}) != len(options):
            raise InstrumentError(f"option set {name!r}: duplicate labels")
        sets[name] = options
    return sets


def parse_instrument(raw: Mapping[str, Any]) -> Instrument:
    meta = _require(raw, "instrument", "file")
    iid = str(_require(meta, "id", "[instrument]"))
    version = str(_require(meta, "version", "[instrument]"))
    source = str(_require(meta, "source", "[instrument]"))
    option_sets = _parse_options(raw)

    scale_of: dict[str, str] = {}
    scales: dict[str, Scale] = {}
    for s in raw.get("scale", []):
        sid = str(_require(s, "id", "scale"))
        if sid in scales:
            raise InstrumentError(f"scale {sid!r}: duplicate id")
        members = tuple(_require(s, "items", f"scale {sid!r}"))
        for item_id in members:
            if item_id in scale_of:
                raise InstrumentError(
                    f"item {item_id!r} is in two scales: {scale_of[item_id]!r} and {sid!r}"
                )
            scale_of[item_id] = sid
        scales[sid] = Scale(
            id=sid,
            name=str(_require(s, "name", f"scale {sid!r}")),
            items=members,
            source=str(_require(s, "source", f"scale {sid!r}")),
            mechanism=s.get("mechanism"),
            derived=bool(s.get("derived", True)),
        )

    block_ids = [str(_require(b, "id", "block")) for b in raw.get("block", [])]
    if len(set(block_ids)) != len(block_ids):
        raise InstrumentError(f"duplicate block ids in {block_ids}")

    items: dict[str, Item] = {}
    for r in raw.get("item", []):
        item = _parse_item(r, option_sets, scale_of, source, set(block_ids))
        if item.id in items:
            raise InstrumentError(f"item {item.id!r}: duplicate id")
        items[item.id] = item

    for item_id, sid in scale_of.items():
        if item_id not in items:
            raise InstrumentError(f"scale {sid!r}: names unknown item {item_id!r}")
        if items[item_id].role != "scored":
            raise InstrumentError(f"scale {sid!r}: item {item_id!r} is not a scored item")
    for item in items.values():
        if item.role == "scored" and item.scale is None:
            raise InstrumentError(f"item {item.id!r}: scored but in no scale")

    blocks = tuple(
        Block(
            id=bid,
            title=str(b.get("title", bid)),
            items=tuple(i.id for i in items.values() if i.block == bid),
            intro=str(b.get("intro", "")),
            seed_name=str(b.get("seed_name", "")),
        )
        for bid, b in zip(block_ids, raw.get("block", []), strict=True)
    )
    for block in blocks:
        if not block.items:
            raise InstrumentError(f"block {block.id!r}: has no items")

    intro = tuple(
        IntroSection(
            heading=str(_require(s, "heading", "intro")),
            text=str(_require(s, "text", "intro")),
            source=str(s.get("source", source)),
            text_original=s.get("text_original"),
        )
        for s in meta.get("intro", [])
    )
    scoring = raw.get("scoring", {})
    try:
        disclosure = parse_disclosure(raw.get("disclosure"), items)
    except DisclosureSpecError as exc:
        raise InstrumentError(str(exc)) from exc
    try:
        extras = parse_extras(raw, scales, items)
    except InstrumentExtrasError as exc:
        raise InstrumentError(str(exc)) from exc
    return Instrument(
        id=iid,
        version=version,
        title=str(_require(meta, "title", "[instrument]")),
        subtitle=str(meta.get("subtitle", "")),
        source=source,
        derived=bool(meta.get("derived", False)),
        status=str(meta.get("status", "")),
        scoring_rule=str(scoring.get("rule", "")),
        intro=intro,
        blocks=blocks,
        items=items,
        scales=scales,
        disclosure=disclosure,
        extras=extras,
    )


def _parse_item(
    r: Mapping[str, Any],
    option_sets: Mapping[str, tuple[Option, ...]],
    scale_of: Mapping[str, str],
    instrument_source: str,
    block_ids: set[str],
) -> Item:
    iid = str(_require(r, "id", "item"))
    where = f"item {iid!r}"
    role = _require(r, "role", where)
    if role not in ("descriptor", "context", "scored"):
        raise InstrumentError(f"{where}: role must be descriptor, context or scored, got {role!r}")
    itype = r.get("type", "choice")
    if itype not in ("choice", "text"):
        raise InstrumentError(f"{where}: type must be choice or text, got {itype!r}")
    block = str(_require(r, "block", where))
    if block not in block_ids:
        raise InstrumentError(f"{where}: unknown block {block!r}")
    options: tuple[Option, ...] = ()
    if itype == "choice":
        set_name = _require(r, "options", where)
        if set_name not in option_sets:
            raise InstrumentError(f"{where}: unknown option set {set_name!r}")
        options = option_sets[set_name]
    reverse = bool(r.get("reverse", False))
    if reverse and role != "scored":
        raise InstrumentError(f"{where}: only scored items can be reverse-keyed")
    if role == "scored" and itype != "choice":
        raise InstrumentError(f"{where}: a scored item must be a choice item")
    return Item(
        id=iid,
        block=block,
        text=str(_require(r, "text", where)),
        role=role,
        type=itype,
        options=options,
        optional=bool(r.get("optional", False)),
        reverse=reverse,
        scale=scale_of.get(iid),
        descriptor=r.get("descriptor"),
        context=r.get("context"),
        mechanism=r.get("mechanism"),
        source=str(r.get("source", f"{instrument_source}, {iid}")),
        text_original=r.get("text_original"),
    )
