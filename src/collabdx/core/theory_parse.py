"""Read the raw TOML tables of a theory file into theory_model dataclasses.

Kept apart from :mod:`collabdx.core.theory` so that module stays about the
:class:`~collabdx.core.theory.Theory` itself. Every check here raises
:class:`TheoryError` naming the kind, the entry id and the field at fault, because
the data file is edited by hand and a bare KeyError would not say where to look.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from collabdx.core.theory_model import (
    CMOC,
    LEVELS,
    ActionStatement,
    CollaborationType,
    Direction,
    Driver,
    LifeCycleStage,
    MaturityElement,
    Mechanism,
    Node,
    PerformanceMechanism,
    Term,
)


class TheoryError(ValueError):
    """The theory data is malformed; the message names the entry and field at fault."""


class _Entry:
    """One raw TOML table, read field by field so errors can name id and field."""

    def __init__(self, kind: str, raw: object, index: int) -> None:
        if not isinstance(raw, Mapping):
            raise TheoryError(f"{kind} #{index + 1}: expected a table, got {type(raw).__name__}")
        self.kind = kind
        self.raw: Mapping[str, Any] = raw
        self.used: set[str] = {"id", "derived"}  # derived is allowed on any entry
        ident = raw.get("id")
        if not isinstance(ident, str) or not ident.strip():
            raise TheoryError(f"{kind} #{index + 1}: field 'id' must be a non-empty string")
        self.id = ident

    def error(self, field: str, problem: str) -> TheoryError:
        return TheoryError(f"{self.kind} {self.id!r}: field {field!r}: {problem}")

    def string(self, field: str, *, empty_ok: bool = False, default: str | None = None) -> str:
        self.used.add(field)
        value = self.raw.get(field, default)
        if value is None:
            raise self.error(field, "is missing")
        if not isinstance(value, str):
            raise self.error(field, f"must be a string, got {type(value).__name__}")
        if not empty_ok and not value.strip():
            raise self.error(field, "must not be empty")
        return value

    def opt_string(self, field: str) -> str | None:
        return self.string(field) if field in self.raw else None

    def flag(self, field: str, default: bool) -> bool:
        self.used.add(field)
        value = self.raw.get(field, default)
        if not isinstance(value, bool):
            raise self.error(field, f"must be true or false, got {value!r}")
        return value

    def ids(self, field: str) -> tuple[str, ...]:
        self.used.add(field)
        value = self.raw.get(field, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(field, "must be a list of ids")
        return tuple(value)

    def terms(self, field: str) -> tuple[Term, ...]:
        self.used.add(field)
        value = self.raw.get(field)
        if not isinstance(value, list) or not value:
            raise self.error(field, "must be a non-empty list of {node, direction, text}")
        out = []
        for i, term in enumerate(value, 1):
            where = f"{field}[{i}]"
            if not isinstance(term, Mapping) or set(term) != {"node", "direction", "text"}:
                raise self.error(where, "must have exactly node, direction and text")
            node, direction, text = term["node"], term["direction"], term["text"]
            if not isinstance(node, str) or not node:
                raise self.error(where, "node must be a node id")
            # bool is an int subclass; true must not pass for +1.
            if isinstance(direction, bool) or direction not in (1, -1):
                raise self.error(where, f"direction must be 1 or -1, got {direction!r}")
            if not isinstance(text, str) or not text.strip():
                raise self.error(where, "text must be the seed's phrase")
            out.append(Term(node=node, direction=_direction(direction), text=text))
        return tuple(out)

    def levels(self, field: str) -> dict[str, str]:
        self.used.add(field)
        value = self.raw.get(field)
        if not isinstance(value, Mapping):
            raise self.error(field, f"must be a table with {', '.join(LEVELS)}")
        missing = [lvl for lvl in LEVELS if lvl not in value]
        extra = sorted(set(value) - set(LEVELS))
        if missing or extra:
            raise self.error(
                field,
                f"must have exactly {', '.join(LEVELS)}; missing {missing}, unexpected {extra}",
            )
        for lvl in LEVELS:
            if not isinstance(value[lvl], str) or not value[lvl].strip():
                raise self.error(f"{field}.{lvl}", "must be a non-empty string")
        return {lvl: value[lvl] for lvl in LEVELS}

    def done(self) -> None:
        unknown = sorted(set(self.raw) - self.used)
        if unknown:
            raise self.error(unknown[0], "is not a known field")


def _direction(value: int) -> Direction:
    return 1 if value == 1 else -1


def _mechanism(e: _Entry) -> Mechanism:
    return Mechanism(
        id=e.id,
        name=e.string("name"),
        kind=e.string("kind"),
        explanation=e.string("explanation"),
        most_frequent_outcome=e.string("most_frequent_outcome"),
        source=e.string("source"),
    )


def _node(e: _Entry) -> Node:
    return Node(
        id=e.id,
        label=e.string("label"),
        mechanism=e.opt_string("mechanism"),
        derived=e.flag("derived", True),
        performance_mechanism=e.opt_string("performance_mechanism"),
        source=e.string("source"),
    )


def _cmoc(e: _Entry) -> CMOC:
    return CMOC(
        id=e.id,
        text=e.string("text"),
        section=e.string("section"),
        context=e.terms("context"),
        mechanism=e.terms("mechanism"),
        outcome=e.terms("outcome"),
        source=e.string("source"),
        group=e.string("group", empty_ok=True, default=""),
    )


def _performance(e: _Entry) -> PerformanceMechanism:
    return PerformanceMechanism(
        id=e.id,
        domain=e.string("domain"),
        name=e.string("name"),
        improvement=e.string("improvement"),
        source=e.string("source"),
    )


def _action(e: _Entry) -> ActionStatement:
    return ActionStatement(
        id=e.id,
        task=e.string("task"),
        text=e.string("text"),
        if_text=e.string("if_text"),
        then_text=e.string("then_text"),
        because_text=e.string("because_text"),
        mechanisms=e.ids("mechanisms"),
        cmocs=e.ids("cmocs"),
        source=e.string("source"),
        because_derived=e.flag("because_derived", False),
        note=e.string("note", empty_ok=True, default=""),
    )


def _maturity(e: _Entry) -> MaturityElement:
    return MaturityElement(
        id=e.id,
        name=e.string("name"),
        definition=e.string("definition", empty_ok=True),
        levels=e.levels("levels"),
        source=e.string("source"),
        mechanism=e.opt_string("mechanism"),
    )


def _collab_type(e: _Entry) -> CollaborationType:
    return CollaborationType(
        id=e.id, name=e.string("name"), definition=e.string("definition"), source=e.string("source")
    )


def _driver(e: _Entry) -> Driver:
    return Driver(
        id=e.id,
        domain=e.string("domain"),
        driver=e.string("driver"),
        theories=e.string("theories"),
        source=e.string("source"),
    )


def _stage(e: _Entry) -> LifeCycleStage:
    return LifeCycleStage(
        id=e.id,
        name=e.string("name"),
        description=e.string("description"),
        source=e.string("source"),
        derived=e.flag("derived", False),
    )


def read_kind[T](data: Mapping[str, Any], kind: str, build: Callable[[_Entry], T]) -> dict[str, T]:
    raw = data.get(kind, [])
    if not isinstance(raw, list):
        raise TheoryError(f"{kind}: expected an array of tables ([[{kind}]])")
    out: dict[str, T] = {}
    for i, item in enumerate(raw):
        entry = _Entry(kind, item, i)
        if entry.id in out:
            raise TheoryError(f"{kind} {entry.id!r}: field 'id': duplicate id")
        out[entry.id] = build(entry)
        entry.done()
    return out


TOP_LEVEL = {
    "id",
    "version",
    "title",
    "citation",
    "licence",
    "doi",
    "maturity_instruction",
    "maturity_instruction_source",
}
KINDS = (
    "mechanism",
    "node",
    "cmoc",
    "performance_mechanism",
    "action_statement",
    "maturity_element",
    "collaboration_type",
    "driver",
    "life_cycle_stage",
)


def top_str(data: Mapping[str, Any], key: str, *, required: bool) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise TheoryError(f"theory: top-level field {key!r} must be a non-empty string")
    return value


def check_top_level(data: Mapping[str, Any]) -> None:
    unknown = sorted(set(data) - TOP_LEVEL - set(KINDS))
    if unknown:
        raise TheoryError(f"theory: unknown top-level field {unknown[0]!r}")


# One reader per kind, so callers get precise types without naming the builders.
def read_mechanisms(data: Mapping[str, Any]) -> dict[str, Mechanism]:
    return read_kind(data, "mechanism", _mechanism)


def read_nodes(data: Mapping[str, Any]) -> dict[str, Node]:
    return read_kind(data, "node", _node)


def read_cmocs(data: Mapping[str, Any]) -> dict[str, CMOC]:
    return read_kind(data, "cmoc", _cmoc)


def read_performance_mechanisms(data: Mapping[str, Any]) -> dict[str, PerformanceMechanism]:
    return read_kind(data, "performance_mechanism", _performance)


def read_action_statements(data: Mapping[str, Any]) -> dict[str, ActionStatement]:
    return read_kind(data, "action_statement", _action)


def read_maturity_elements(data: Mapping[str, Any]) -> dict[str, MaturityElement]:
    return read_kind(data, "maturity_element", _maturity)


def read_collaboration_types(data: Mapping[str, Any]) -> dict[str, CollaborationType]:
    return read_kind(data, "collaboration_type", _collab_type)


def read_drivers(data: Mapping[str, Any]) -> dict[str, Driver]:
    return read_kind(data, "driver", _driver)


def read_life_cycle_stages(data: Mapping[str, Any]) -> dict[str, LifeCycleStage]:
    return read_kind(data, "life_cycle_stage", _stage)
