"""Pipeline value: what the live cards are worth by grade, and the weighted forecast (each
grade's value times the chance a card of that grade closes: the ``forecast_probability``
setting, by default A 60%, B 30%, C 10%)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from salesdesk.errors import InputError

GRADES = ("A", "B", "C")
DEFAULT_PROBABILITIES = "A=0.6,B=0.3,C=0.1"
_PAIR = re.compile(r"^\s*([abcABC])\s*[=:]\s*([0-9]*\.?[0-9]+)\s*(%?)\s*$")


def parse_probabilities(text: str) -> dict[str, float]:
    """``A=0.6,B=0.3,C=0.1`` (or ``A=60%,B=30%,C=10%``) -> {"A": 0.6, ...}: every grade
    once, each from 0 to 1. InputError with what to type otherwise."""
    found: dict[str, float] = {}
    usage = "use A=0.6,B=0.3,C=0.1 (or percentages: A=60%,B=30%,C=10%)"
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        match = _PAIR.match(part)
        if match is None:
            raise InputError(f"{part.strip()!r} is not GRADE=CHANCE: {usage}")
        grade, number, percent = match.groups()
        chance = float(number) / (100 if percent else 1)
        if not 0 <= chance <= 1:
            raise InputError(f"{part.strip()!r}: a chance is from 0 to 1 (or 0% to 100%)")
        found[grade.upper()] = chance
    missing = [g for g in GRADES if g not in found]
    if missing:
        raise InputError(f"no chance for grade {', '.join(missing)}: {usage}")
    return {g: found[g] for g in GRADES}


def format_probabilities(chances: Mapping[str, float]) -> str:
    """The stored form: ``A=0.6,B=0.3,C=0.1``."""
    return ",".join(f"{g}={chances[g]:g}" for g in GRADES)


@dataclass(frozen=True)
class Pipeline:
    """The live cards' estimated value by grade, and the chance per grade."""

    value_by_grade: dict[str, float] = field(default_factory=lambda: dict.fromkeys(GRADES, 0.0))
    chances: dict[str, float] = field(
        default_factory=lambda: parse_probabilities(DEFAULT_PROBABILITIES)
    )

    @property
    def total(self) -> float:
        return float(sum(self.value_by_grade.get(g, 0.0) for g in GRADES))

    @property
    def forecast(self) -> float:
        """Value times chance, summed over the grades."""
        return float(
            sum(self.value_by_grade.get(g, 0.0) * self.chances.get(g, 0.0) for g in GRADES)
        )

    def weighted(self, grade: str, value: float) -> float:
        """One card's share of the forecast."""
        return value * self.chances.get(grade, 0.0)

    def to_json(self) -> dict[str, object]:
        return {
            "value_by_grade": {g: self.value_by_grade.get(g, 0.0) for g in GRADES},
            "value": self.total,
            "forecast": round(self.forecast, 2),
            "forecast_probability": {g: self.chances[g] for g in GRADES},
        }
