"""Frozen dataclasses for the programme theory of Millar et al. 2023.

The loader (``collabdx.core.theory``) builds these from
``collabdx/data/theory/millar2023.toml``. Every entry carries ``source``: where in
the seed report it comes from ("Table 7", "Box 1", ...). Anything the project
derived itself (for example how a CMOC's free text maps onto causal-web nodes)
carries ``derived = True`` or sits in a field documented as derived.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Direction = Literal[1, -1]
Level = Literal["pathological", "bureaucratic", "generative"]
LEVELS: tuple[Level, ...] = ("pathological", "bureaucratic", "generative")


@dataclass(frozen=True)
class Mechanism:
    """A refined mechanism of Table 7."""

    id: str
    name: str
    kind: str  # "cognitive process", "behaviour", ... as Table 7 gives it
    explanation: str
    most_frequent_outcome: str
    source: str = "Table 7"


@dataclass(frozen=True)
class Node:
    """A factor in the causal web: a context, mechanism or outcome.

    The vocabulary of nodes is derived by collabdx from the CMOC wording, so that
    one CMOC's outcome can be another's context. ``mechanism`` links a node to its
    Table 7 mechanism where there is one.
    """

    id: str
    label: str
    mechanism: str | None = None
    derived: bool = True
    # The Table 9 performance mechanism this node stands for, where there is one.
    performance_mechanism: str | None = None
    source: str = "Box 1"  # whose wording the node was derived from


@dataclass(frozen=True)
class Term:
    """One part of a CMOC: a node and whether it goes up (+1) or down (-1)."""

    node: str
    direction: Direction
    text: str  # the seed's phrase for this part, verbatim


@dataclass(frozen=True)
class CMOC:
    """A context–mechanism–outcome configuration from Box 1 or Box 2."""

    id: str
    text: str  # verbatim from the seed
    section: str  # the Box's heading, e.g. "Conflict"
    context: tuple[Term, ...]
    mechanism: tuple[Term, ...]
    outcome: tuple[Term, ...]
    source: str  # "Box 1" or "Box 2"
    group: str = ""  # Box 1's higher heading ("Partnership functioning"); empty in Box 2


@dataclass(frozen=True)
class PerformanceMechanism:
    """A collaborative-performance mechanism of Table 9."""

    id: str
    domain: str  # "Cultural efficacy" | "Technological effectiveness" | "Organisational efficiency"
    name: str
    improvement: str
    source: str = "Table 9"


@dataclass(frozen=True)
class ActionStatement:
    """An "if … then … because" action statement of Table 10.

    ``text`` is verbatim. The split into ``if_text``/``then_text``/``because_text``
    and the links to mechanisms and CMOCs are derived by collabdx.
    """

    id: str
    task: str  # the Table 10 "IOC task"
    text: str
    if_text: str
    then_text: str
    because_text: str
    mechanisms: tuple[str, ...]
    cmocs: tuple[str, ...]
    source: str = "Table 10"
    # True when the seed has no explicit "because": because_text is then the clause
    # (or collabdx's wording) naming the mechanism.
    because_derived: bool = False
    note: str = ""  # collabdx's remark on the split, e.g. a second "if" sentence


@dataclass(frozen=True)
class MaturityElement:
    """A key element of the Table 11 maturity matrix, with its three levels."""

    id: str
    name: str
    definition: str
    levels: dict[str, str] = field(hash=False)  # level id -> descriptor, verbatim
    source: str = "Table 11"
    mechanism: str | None = None  # derived: the Table 7 mechanism the element rates


@dataclass(frozen=True)
class CollaborationType:
    id: str
    name: str
    definition: str
    source: str = "Table 2"


@dataclass(frozen=True)
class Driver:
    id: str
    domain: str
    driver: str
    theories: str
    source: str = "Table 3"


@dataclass(frozen=True)
class LifeCycleStage:
    id: str
    name: str
    description: str
    source: str = "Chapter 2, Figure 7"
    derived: bool = False  # True when description paraphrases rather than quotes


@dataclass(frozen=True)
class Edge:
    """A signed edge of the causal web, with the CMOCs that assert it."""

    source: str
    target: str
    sign: Direction
    cmocs: tuple[str, ...]
