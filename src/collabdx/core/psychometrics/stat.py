"""The one shape every reported statistic takes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stat:
    """A statistic, its confidence interval, how it was computed and any caution.

    ``value`` is None when the statistic cannot be computed; ``note`` then says why.
    ``warning`` is set whenever the sample is too small to interpret the value.
    """

    value: float | None
    n: int
    method: str
    ci: tuple[float, float] | None = None
    ci_level: float = 0.95
    warning: str | None = None
    note: str | None = None


def not_computed(n: int, method: str, why: str) -> Stat:
    return Stat(None, n, method, note=why)


def p_phrase(p: float) -> str:
    """"p = 0.042", or "p < 0.001" where three decimals would print "p = 0.000"."""
    if p != p:  # NaN: no test
        return "p not defined"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
