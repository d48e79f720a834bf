"""Feedback rules as data: their model, loading and validation.

The engine that applies them, and the account of how rules are evaluated and
kept within disclosure control, is ``collabdx.core.rules``, which re-exports
these names.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol

from collabdx.core.datafiles import data_dirs
from collabdx.core.instruments import Instrument, InstrumentError, load_instrument
from collabdx.core.theory_model import CMOC, ActionStatement

DEFAULT_GROUP_SHARE = 0.33
# A context that describes the collaboration (e.g. "mandated") holds for a group
# when at least half of those who answered it say so (derived heuristic).
CONTEXT_SHARE = 0.5

_RULE_KEYS = {
    "id", "title", "instrument", "version", "derived", "condition", "context_when",
    "actions", "evidence", "group_share", "note",
}  # fmt: skip
_REQUIRED = ("id", "title", "instrument", "version", "derived", "condition", "actions", "evidence")


class RulesError(ValueError):
    """A rules file that cannot be trusted; the message names the rule and field."""


class TheoryLike(Protocol):
    """What the engine needs from ``collabdx.core.theory.Theory``."""

    @property
    def action_statements(self) -> Mapping[str, ActionStatement]: ...

    @property
    def cmocs(self) -> Mapping[str, CMOC]: ...


@dataclass(frozen=True)
class ItemIn:
    item: str
    codes: frozenset[int]


@dataclass(frozen=True)
class ScaleBelow:
    scale: str
    below: float


@dataclass(frozen=True)
class Combined:
    op: Literal["all", "any"]
    parts: tuple[Condition, ...]


Condition = ItemIn | ScaleBelow | Combined


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    instrument: str
    version: str
    derived: bool
    condition: Condition
    actions: tuple[str, ...]
    evidence: str
    context_when: Condition | None = None
    group_share: float | None = None  # None: the rule set's default
    note: str = ""


@dataclass(frozen=True)
class RuleSet:
    instrument: str
    version: str
    derived: bool
    group_share: float
    rules: tuple[Rule, ...]
    source: str


@dataclass(frozen=True)
class Recommendation:
    """One Table 10 action statement, with the evidence of every rule that chose it."""

    rule_id: str  # the first rule (in file order) that selected this action
    action_id: str
    task: str
    text: str
    if_text: str
    then_text: str
    because_text: str
    evidence: tuple[str, ...]
    cmocs: tuple[tuple[str, str, str], ...]  # (id, source, text)
    mechanisms: tuple[str, ...]
    path: str
    rule_ids: tuple[str, ...] = ()


# ------------------------------------------------------------------ loading


def _fail(rule_id: str, field: str, message: str) -> RulesError:
    return RulesError(f"rule {rule_id!r}, field {field!r}: {message}")


def _share(value: Any, rule_id: str, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise _fail(rule_id, field, f"must be a number in (0, 1], got {value!r}")
    return float(value)


def _condition(
    raw: Any,
    rule_id: str,
    field: str,
    item_codes: Mapping[str, Sequence[int]],
    scales: Collection[str],
) -> Condition:
    if not isinstance(raw, dict):
        raise _fail(rule_id, field, f"a condition must be a table, got {raw!r}")
    kinds = [k for k in ("item", "scale", "all", "any") if k in raw]
    if len(kinds) != 1:
        raise _fail(rule_id, field, "needs exactly one of 'item', 'scale', 'all', 'any'")
    kind = kinds[0]
    allowed = {"item": {"item", "codes"}, "scale": {"scale", "below"}}.get(kind, {kind})
    if extra := set(raw) - allowed:
        raise _fail(rule_id, field, f"unexpected key(s) {sorted(extra)} beside {kind!r}")
    if kind == "item":
        item = raw["item"]
        if item not in item_codes:
            raise _fail(rule_id, f"{field}.item", f"unknown item {item!r}")
        codes = raw.get("codes")
        if not isinstance(codes, list) or not codes:
            raise _fail(rule_id, f"{field}.codes", "must be a non-empty list of codes")
        for code in codes:
            if isinstance(code, bool) or code not in item_codes[item]:
                valid = ", ".join(str(c) for c in item_codes[item])
                raise _fail(rule_id, f"{field}.codes", f"{item} has no code {code!r} ({valid})")
        return ItemIn(item, frozenset(codes))
    if kind == "scale":
        if raw["scale"] not in scales:
            raise _fail(rule_id, f"{field}.scale", f"unknown scale {raw['scale']!r}")
        threshold = raw.get("below")
        if isinstance(threshold, bool) or not isinstance(threshold, int | float):
            raise _fail(rule_id, f"{field}.below", f"must be a number, got {threshold!r}")
        return ScaleBelow(raw["scale"], float(threshold))
    parts = raw[kind]
    if not isinstance(parts, list) or not parts:
        raise _fail(rule_id, f"{field}.{kind}", "must be a non-empty list of conditions")
    return Combined(
        "all" if kind == "all" else "any",
        tuple(
            _condition(p, rule_id, f"{field}.{kind}[{n}]", item_codes, scales)
            for n, p in enumerate(parts)
        ),
    )


def _check_evidence(template: Any, rule_id: str, condition: Condition) -> str:
    # Counts are never written into a template: the engine words the subject
    # ({who}/{whose}) itself, which is what lets it withhold small counts.
    if not isinstance(template, str) or not template.strip():
        raise _fail(rule_id, "evidence", "must be non-empty text")
    if isinstance(condition, ScaleBelow):
        allowed, lead = {"whose", "score", "threshold"}, "{whose}"
    else:
        allowed, lead = {"who"}, "{who}"
    try:
        fields = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(template)]
    except ValueError as err:
        raise _fail(rule_id, "evidence", f"bad template: {err}") from None
    for name, spec, conv in fields:
        if name is None:
            continue
        if name not in allowed or spec or conv:
            raise _fail(rule_id, "evidence", f"placeholder {{{name}}} not allowed here")
    if not template.startswith(lead):  # "You"/"Your" must open the sentence
        raise _fail(rule_id, "evidence", f"must start with {lead}")
    return template


def _rule(
    raw: Any,
    position: int,
    defaults: Mapping[str, str],
    item_codes: Mapping[str, Sequence[int]],
    scales: Collection[str],
) -> Rule:
    rid = raw.get("id") if isinstance(raw, dict) else None
    rid = rid if isinstance(rid, str) and rid else f"#{position + 1}"
    if not isinstance(raw, dict):
        raise _fail(rid, "rule", "must be a table")
    if extra := set(raw) - _RULE_KEYS:
        raise _fail(rid, sorted(extra)[0], "unknown field")
    for key in _REQUIRED:
        if key not in raw:
            raise _fail(rid, key, "missing")
    for key in ("title", "instrument", "version"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise _fail(rid, key, "must be non-empty text")
        if key in defaults and raw[key] != defaults[key]:
            raise _fail(rid, key, f"{raw[key]!r} does not match the file's {defaults[key]!r}")
    if raw["derived"] is not True:
        raise _fail(rid, "derived", "every rule is collabdx's derivation: must be true")
    actions = raw["actions"]
    if not isinstance(actions, list) or not actions or not all(isinstance(a, str) for a in actions):
        raise _fail(rid, "actions", "must be a non-empty list of action ids")
    if len(set(actions)) != len(actions):
        raise _fail(rid, "actions", "lists an action twice")
    condition = _condition(raw["condition"], rid, "condition", item_codes, scales)
    context = raw.get("context_when")
    if context is not None:
        context = _condition(context, rid, "context_when", item_codes, scales)
    share = raw.get("group_share")
    share = None if share is None else _share(share, rid, "group_share")
    evidence = _check_evidence(raw["evidence"], rid, condition)
    return Rule(
        rid, raw["title"], raw["instrument"], raw["version"], True, condition,
        tuple(actions), evidence, context, share, str(raw.get("note", "")),
    )  # fmt: skip


def check_actions(rules: RuleSet | Iterable[Rule], theory: TheoryLike) -> None:
    """Every action id the rules name must be a Table 10 statement in ``theory``."""
    for rule in rules.rules if isinstance(rules, RuleSet) else rules:
        for action in rule.actions:
            if action not in theory.action_statements:
                raise _fail(rule.id, "actions", f"unknown action statement {action!r}")


def _header(source: Path) -> tuple[str, str] | None:
    """The (instrument, version) a rules file says it is for; None if it says neither."""
    stat = source.stat()
    return _header_cached(source.absolute(), (stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=64)
def _header_cached(source: Path, stamp: tuple[int, int]) -> tuple[str, str] | None:
    del stamp  # only part of the cache key
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise RulesError(f"{source.name}: not valid TOML: {err}") from None
    iid, version = data.get("instrument"), data.get("version")
    return (iid, version) if isinstance(iid, str) and isinstance(version, str) else None


def rules_path_for(instrument_id: str, version: str) -> Path | None:
    """The rules file whose own header names this instrument version; None if none does.

    Chosen by what the file says, not by its name, so a rules file can never be
    applied to answers from another version of its instrument."""
    found = [
        path
        for directory in data_dirs("rules")
        for path in sorted(directory.glob("*.toml"))
        if _header(path) == (instrument_id, version)
    ]
    if len(found) > 1:
        names = ", ".join(str(p) for p in found)
        raise RulesError(f"more than one rules file for {instrument_id} v{version}: {names}")
    return found[0] if found else None


def rules_for(instrument: Instrument, *, theory: TheoryLike | None = None) -> RuleSet | None:
    """The feedback rules of this instrument version, or None when it has none
    (``performance_check`` has none: its report and feedback say so)."""
    path = rules_path_for(instrument.id, instrument.version)
    return None if path is None else load_rules(path, theory=theory)


def load_rules(
    path: str | Path,
    *,
    theory: TheoryLike | None = None,
    item_codes: Mapping[str, Sequence[int]] | None = None,
    scales: Collection[str] | None = None,
) -> RuleSet:
    """Read and validate a rules file. Its answer codes and scales are those of the
    instrument version its header names, unless ``item_codes`` and ``scales`` are given.

    A file is parsed and validated once per content: every survey submission asks
    for the rules twice, and reading them cost about a fifth of its CPU (docs/benchmarks.md).
    Callers share the cached ``RuleSet``, which is safe because it is immutable all
    the way down (frozen dataclasses, tuples, frozensets, strings, numbers)."""
    source = Path(path)
    # The key holds the file's size and modification time, so an edited file is read
    # again, and the item codes and scales as hashable values (None: the defaults).
    stat = source.stat()
    ruleset = _load_rules_cached(
        source.absolute(),
        (stat.st_mtime_ns, stat.st_size),
        None if item_codes is None else tuple((k, tuple(v)) for k, v in item_codes.items()),
        None if scales is None else tuple(scales),
    )
    if theory is not None:  # cheap, and theories differ between callers: not cached
        check_actions(ruleset, theory)
    return ruleset


@lru_cache(maxsize=64)
def _load_rules_cached(
    source: Path,
    stamp: tuple[int, int],
    item_codes: tuple[tuple[str, tuple[int, ...]], ...] | None,
    scales: tuple[str, ...] | None,
) -> RuleSet:
    del stamp  # only part of the cache key
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise RulesError(f"{source.name}: not valid TOML: {err}") from None
    header: dict[str, str] = {}
    for key in ("instrument", "version"):
        if not isinstance(value := data.get(key), str) or not value:
            raise RulesError(f"{source.name}: needs top-level {key!r} text")
        header[key] = value
    if item_codes is None or scales is None:
        try:
            instrument = load_instrument(header["instrument"], header["version"])
        except InstrumentError as err:
            raise RulesError(f"{source.name}: {err}") from None
    codes: Mapping[str, Sequence[int]] = (
        {i.id: i.codes for i in instrument.choice_items} if item_codes is None
        else dict(item_codes)
    )  # fmt: skip
    scale_ids: Collection[str] = tuple(instrument.scales) if scales is None else scales
    if data.get("derived") is not True:
        raise RulesError(f"{source.name}: top-level 'derived' must be true")
    share = _share(data.get("group_share", DEFAULT_GROUP_SHARE), "(file)", "group_share")
    raw_rules = data.get("rule")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RulesError(f"{source.name}: no [[rule]] tables")
    rules = tuple(_rule(r, n, header, codes, scale_ids) for n, r in enumerate(raw_rules))
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise _fail(rule.id, "id", "used by more than one rule")
        seen.add(rule.id)
    return RuleSet(header["instrument"], header["version"], True, share, rules, source.name)
