"""The parts of an instrument file that other features read, beyond its questions.

Each is collabdx's own derivation on top of the seed, so each table says so
(``derived = true``) and names its source:

- ``[[maturity]]``: which scale's mean suggests a starting level for a Table 11
  maturity element (``core.maturity``), and the name the suggestion gives it.
- ``[trends]``: the scales a trend chart draws until the facilitator chooses.
- ``[demo]``: which latent factor drives each scale in the synthetic demo data,
  what a synthetic respondent answers to the questions that are not scored
  (``[[demo.answers]]``) and which answers the demo pulls down (``lowered``).

An instrument without one of these simply has none of that feature (no maturity
suggestions, every scale on the trend chart, no demo data).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any


class InstrumentExtrasError(ValueError):
    """A ``[[maturity]]``, ``[trends]`` or ``[demo]`` table that cannot be trusted."""


@dataclass(frozen=True)
class MaturityLink:
    element: str  # a Table 11 element id in the theory file
    scale: str
    name: str  # how the suggestion's basis names the scale ("Initial trust mean 2.9")
    source: str


DEMO_ANSWER_KINDS = ("leader_codes", "partner_name", "weights", "by_partner", "code")


@dataclass(frozen=True)
class DemoAnswer:
    """How a synthetic respondent answers one question that is not scored."""

    item: str
    kind: str  # one of DEMO_ANSWER_KINDS
    values: tuple[float, ...] = ()  # codes, or the weights of codes 1, 2, ...


@dataclass(frozen=True)
class Extras:
    maturity: tuple[MaturityLink, ...] = ()
    trend_scales: tuple[str, ...] = ()
    demo_factors: Mapping[str, str] | None = None  # None: no demo data for this instrument
    demo_answers: tuple[DemoAnswer, ...] = ()
    demo_lowered: tuple[str, ...] = ()


def _derived_table(raw: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise InstrumentExtrasError(f"{where}: must be a table")
    if raw.get("derived") is not True:
        raise InstrumentExtrasError(f"{where}: collabdx's own rule, must say derived = true")
    if not isinstance(raw.get("source"), str) or not raw["source"].strip():
        raise InstrumentExtrasError(f"{where}: missing required field 'source'")
    return raw


def _scale(value: Any, scales: Mapping[str, Any], where: str) -> str:
    if value not in scales:
        raise InstrumentExtrasError(f"{where}: unknown scale {value!r}")
    return str(value)


def _demo_answer(entry: Any, n: int, items: Collection[str]) -> DemoAnswer:
    where = f"[[demo.answers]] #{n + 1}"
    if not isinstance(entry, dict) or entry.get("item") not in items:
        raise InstrumentExtrasError(f"{where}: 'item' must name a question of this instrument")
    kinds = [k for k in DEMO_ANSWER_KINDS if k in entry]
    if len(kinds) != 1:
        raise InstrumentExtrasError(f"{where}: needs exactly one of {', '.join(DEMO_ANSWER_KINDS)}")
    kind, value = kinds[0], entry[kinds[0]]
    if kind == "partner_name":
        if value is not True:
            raise InstrumentExtrasError(f"{where}.partner_name: must be true")
        return DemoAnswer(str(entry["item"]), kind)
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, int | float) for v in values):
        raise InstrumentExtrasError(f"{where}.{kind}: must be a number or a list of numbers")
    if kind == "leader_codes" and len(values) != 2:
        raise InstrumentExtrasError(f"{where}.leader_codes: a leader's code and everyone else's")
    if kind == "weights" and abs(sum(values) - 1) > 1e-9:
        raise InstrumentExtrasError(f"{where}.weights: the chances must add up to 1")
    return DemoAnswer(str(entry["item"]), kind, tuple(values))


def parse_extras(
    raw: Mapping[str, Any], scales: Mapping[str, Any], items: Collection[str] = ()
) -> Extras:
    links = []
    seen: set[str] = set()
    for n, entry in enumerate(raw.get("maturity", [])):
        where = f"[[maturity]] #{n + 1}"
        entry = _derived_table(entry, where)
        element = entry.get("element")
        if not isinstance(element, str) or not element:
            raise InstrumentExtrasError(f"{where}: missing required field 'element'")
        if element in seen:
            raise InstrumentExtrasError(f"{where}: element {element!r} named twice")
        seen.add(element)
        scale = _scale(entry.get("scale"), scales, f"{where}.scale")
        name = entry.get("name") or scales[scale].name
        links.append(MaturityLink(element, scale, str(name), str(entry["source"])))

    trend_scales: tuple[str, ...] = ()
    if "trends" in raw:
        trends = _derived_table(raw["trends"], "[trends]")
        default = trends.get("default_scales", [])
        if not isinstance(default, list):
            raise InstrumentExtrasError("[trends].default_scales: must be a list of scale ids")
        trend_scales = tuple(_scale(s, scales, "[trends].default_scales") for s in default)

    factors: dict[str, str] | None = None
    demo_answers: tuple[DemoAnswer, ...] = ()
    demo_lowered: tuple[str, ...] = ()
    if "demo" in raw:
        demo = _derived_table(raw["demo"], "[demo]")
        factor = demo.get("factor")
        if not isinstance(factor, dict):
            raise InstrumentExtrasError("[demo].factor: must map each scale to 'trust' or 'faith'")
        for scale_id in scales:
            if factor.get(scale_id) not in ("trust", "faith"):
                raise InstrumentExtrasError(
                    f"[demo].factor: scale {scale_id!r} needs 'trust' or 'faith', "
                    f"got {factor.get(scale_id)!r}"
                )
        for scale_id in factor:
            _scale(scale_id, scales, "[demo].factor")
        factors = {str(k): str(v) for k, v in factor.items()}
        answers = demo.get("answers", [])
        if not isinstance(answers, list):
            raise InstrumentExtrasError("[demo].answers: must be a list of [[demo.answers]]")
        demo_answers = tuple(_demo_answer(a, n, items) for n, a in enumerate(answers))
        lowered = demo.get("lowered", [])
        if not isinstance(lowered, list) or any(q not in items for q in lowered):
            raise InstrumentExtrasError("[demo].lowered: must list questions of this instrument")
        demo_lowered = tuple(str(q) for q in lowered)
    return Extras(tuple(links), trend_scales, factors, demo_answers, demo_lowered)
