"""Each day of a plan (its load and marks) and the flags of a planned visit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from salesdesk.rules.planning.periods import Period
from salesdesk.rules.planning.preferences import new_customer_days
from salesdesk.rules.planning.rows import PlannedVisit, PlanSettings


@dataclass(frozen=True)
class DayInfo:
    """One day of the plan: its load against capacity and its marks."""

    day: date
    count: int
    capacity: int
    new_customer_day: bool
    visit_ids: tuple[int, ...] = ()

    @property
    def over_capacity(self) -> bool:
        return self.count > self.capacity


def day_infos(
    visits: Iterable[PlannedVisit], period: Period, settings: PlanSettings
) -> dict[date, DayInfo]:
    """Each day of the period with its load (planned and done visits) and marks."""
    reserved = new_customer_days(settings.new_customer_day, period.start, period.end)
    counts: dict[date, list[int]] = {d: [] for d in period.days()}
    for visit in visits:
        if visit.day in counts and visit.status in ("planned", "done"):
            counts[visit.day].append(visit.id)
    return {
        d: DayInfo(d, len(ids), settings.day_capacity, d in reserved, tuple(ids))
        for d, ids in counts.items()
    }


@dataclass(frozen=True)
class VisitFlags:
    """Why a planned visit deserves a second look."""

    closed_status: str = ""  # parked, dropped or lost prospect
    gave_up: bool = False
    reserved_day: bool = False  # an old prospect on the new-customer day
    messages: tuple[str, ...] = field(default=())


def visit_flags(
    status: str, follow_up: str, on_new_customer_day: bool, new_prospect: bool
) -> VisitFlags:
    """Flags for one visit: closed prospects, given-up ones, the reserved new-customer day."""
    messages: list[str] = []
    closed = status if status in ("parked", "dropped", "lost") else ""
    if closed:
        messages.append(f"prospect is {closed}")
    gave_up = follow_up == "give_up"
    if gave_up:
        messages.append("follow-up: give up")
    reserved = on_new_customer_day and not new_prospect
    if reserved:
        messages.append("new-customer day is for new prospects")
    return VisitFlags(closed, gave_up, reserved, tuple(messages))
