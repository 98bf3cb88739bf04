"""Placing suggestions on days: capacity, firm last days, preferred days, areas, the
new-customer day."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from salesdesk.rules.planning.needs import Days, Need, needs_of
from salesdesk.rules.planning.periods import SUNDAY, Period, planning_day
from salesdesk.rules.planning.preferences import (
    WEEKDAY_NAMES,
    new_customer_days,
    parse_visit_days,
    parse_visit_time,
    start_time,
)
from salesdesk.rules.planning.rows import (
    PlannedVisit,
    PlanSettings,
    ProspectFacts,
    Suggestion,
    Suggestions,
)
from salesdesk.rules.planning.suggestions import firm, merge, no_room_note

WAITING_LIMIT = 30  # suggestions without room that are still listed

#: ((tier, -priority), due, id, needs, card, only calls): sorted by the first three;
#: merged into a Suggestion only when placed or listed, so a huge database costs one
#: cheap pass.
Wanted = tuple[tuple[int, float], date, int, list[Need], ProspectFacts, bool]
#: Reasons that are calls, not visits (a season call, a keep-in-touch call): made from the
#: desk, they take no place in a day's visits and are never "without room".
CALL_KINDS = frozenset({"season", "retention"})


@dataclass
class _Plan:
    """The period's days as suggestions fill them: the load, areas and start times of each
    day (the visits already planned, then each suggestion placed)."""

    first: date
    capacity: int
    reserved: set[date]  # new-customer days
    load: dict[date, int]
    areas: dict[date, set[str]]
    times: dict[date, set[str]]
    free: list[date]  # working days from ``first`` with room left

    @classmethod
    def of(
        cls, visits: Sequence[PlannedVisit], period: Period, first: date, settings: PlanSettings
    ) -> _Plan:
        load: dict[date, int] = {}
        areas: dict[date, set[str]] = {}
        times: dict[date, set[str]] = {}
        for visit in visits:
            if visit.status in ("planned", "done") and visit.day in period:
                load[visit.day] = load.get(visit.day, 0) + 1
                if visit.area:
                    areas.setdefault(visit.day, set()).add(visit.area.casefold())
                if visit.start:
                    times.setdefault(visit.day, set()).add(visit.start)
        capacity = settings.day_capacity
        free = [
            d
            for d in period.days()
            if d >= first and d.weekday() != SUNDAY and load.get(d, 0) < capacity
        ]
        reserved = new_customer_days(settings.new_customer_day, period.start, period.end)
        return cls(first, capacity, reserved, load, areas, times, free)

    def allowed(self, s: Suggestion, p: ProspectFacts) -> tuple[list[date], str]:
        """The free days ``s`` may go on, and a note when its preferred days are all full."""
        earliest = s.earliest or self.first
        days = [
            d
            for d in self.free
            if (d not in self.reserved or s.new_prospect)
            and earliest <= d
            and (s.deadline is None or d <= s.deadline)
        ]
        preferred = parse_visit_days(p.visit_days)
        if not preferred:
            return days, ""
        liked = [d for d in days if d.weekday() in preferred]
        if liked:
            return liked, ""
        names = ", ".join(WEEKDAY_NAMES[i] for i in sorted(preferred))
        return days, f"prefers {names}: none free"

    def best(self, s: Suggestion, days: list[date], area: str) -> date:
        """A day of its own: that day or the nearest before it, else the first after it.
        Otherwise the first day with visits in the same area, else an empty one, else the
        first free day; an overdue one (``urgent``) the first free day of all."""
        if s.day is not None:
            before = [d for d in days if d <= s.day]
            return max(before) if before else min(days)

        def cost(d: date) -> tuple[int, ...]:
            soon = (d - self.first).days if s.urgent else 0
            on_day = self.areas.get(d, set())
            area_cost = 0 if area and area in on_day else (1 if not on_day else 2)
            reserved_cost = 0 if (s.new_prospect and d in self.reserved) else 1
            return (soon, reserved_cost, area_cost, (d - self.first).days)

        return min(days, key=cost)

    def call_day(self, s: Suggestion) -> date:
        """A call's day: its first allowed working day (calls take no visit place)."""
        day = max(s.earliest or self.first, self.first)
        if day.weekday() == SUNDAY:
            day += timedelta(days=1)
        return day

    def take(self, day: date, p: ProspectFacts, area: str) -> str | None:
        """Fill a place on ``day``; the start time its preferred time gives, if any."""
        taken = self.times.setdefault(day, set())
        start = start_time(parse_visit_time(p.visit_time), taken)
        if start:
            taken.add(start)
        self.load[day] = self.load.get(day, 0) + 1
        if area:
            self.areas.setdefault(day, set()).add(area)
        if self.load[day] >= self.capacity:
            self.free.remove(day)
        return start


def suggest(
    prospects: Iterable[ProspectFacts],
    visits: Sequence[PlannedVisit],
    period: Period,
    today: date,
    settings: PlanSettings,
    *,
    waiting_limit: int = WAITING_LIMIT,
    after_hours: bool = False,
) -> Suggestions:
    """Suggest visits for ``period`` (only its days from ``today`` on; from tomorrow when
    ``after_hours``: the working day is over).

    ``visits`` are the visits already in the plan (the period's, and any later planned
    ones: a prospect with a planned visit coming up is not suggested again).
    """
    opens = today + timedelta(days=1) if after_hours else today
    first = max(period.start, opens)
    if first > period.end:
        return Suggestions(())
    days = Days(first, period.end, today, settings)
    wanted = _wanted(prospects, _upcoming(visits, today), days, planning_day(opens))
    plan = _Plan.of(visits, period, first, settings)
    return _place(wanted, plan, waiting_limit)


def _upcoming(visits: Iterable[PlannedVisit], today: date) -> dict[int, date]:
    """Each card's first visit planned from today on."""
    upcoming: dict[int, date] = {}
    for visit in visits:
        if visit.status == "planned" and visit.day >= today:
            old = upcoming.get(visit.prospect_id)
            upcoming[visit.prospect_id] = min(old, visit.day) if old else visit.day
    return upcoming


def _wanted(
    prospects: Iterable[ProspectFacts], upcoming: dict[int, date], days: Days, opens: date
) -> list[Wanted]:
    """The cards with a reason to be seen, most pressing first; but an A card's own
    next-step day comes before everything else, so lower grades' overdue items (which
    take the first free days) never take the day the hot card asked for."""
    first, last = days.first, days.last
    wanted: list[Wanted] = []
    # An overdue step or an ended window is for the days from now: a later period (next
    # month, browsed ahead) does not list it again, "overdue 4d" on a day months away.
    starts_now = first <= opens
    for p in prospects:
        if p.follow_up == "give_up" or p.status not in ("live", "customer"):
            continue
        needs = needs_of(p, days)
        if not starts_now:
            needs = [n for n in needs if not n.late]
        if not needs:
            continue
        # One pass over the needs (there are 100,000 cards): the earliest due day, the
        # highest weight, a next step with a day of its own, whether all are calls.
        lead = needs[0]
        soonest, weight, step_day, calls = lead.due, lead.weight, False, True
        for n in needs:
            if n.due < soonest:
                soonest = n.due
            if n.weight > weight:
                weight = n.weight
            if n.kind == "next_step" and n.fixed is not None:
                step_day = True
            if n.kind not in CALL_KINDS:
                calls = False
        due = max(soonest, first)
        planned = upcoming.get(p.id)
        if planned is not None:
            # A visit coming up covers the card, but not one after a firm last day.
            firmest = firm(needs)
            if planned <= (firmest.due if firmest else max(last, due)):
                continue
        own_day = step_day and p.grade == "A" and p.status == "live"
        wanted.append(((0 if own_day else 1, -weight), due, p.id, needs, p, calls))
    wanted.sort()  # ids are unique: the comparison never reaches the needs
    return wanted


def _place(wanted: list[Wanted], plan: _Plan, waiting_limit: int) -> Suggestions:
    """Every suggestion of ``wanted`` (most pressing first) put on a day (:class:`Placer`)."""
    placer = Placer(plan, waiting_limit)
    for item in wanted:
        placer.add(item)
    return placer.result()


class Placer:
    """Puts each suggestion on a day, most pressing first: capacity, firm last days,
    preferred days, area, new-customer day.

    - Never before its ``earliest`` day (an "every N days" reason before it is due, a season
      call before its two weeks) nor after its firm last day (``deadline``): with no room
      between the two, it waits unplaced with a note saying what to do.
    - A reason with a day of its own (a next step, a birthday: ``Suggestion.day``) goes on
      that day, or else on the nearest free day before it (the latest one), or else the
      nearest after it when its deadline allows: the rep wants it as close to its day as
      possible, so the area grouping does not pull it further away.
    - The others go on the first free day with visits in their area, else an empty one,
      else the first free day; overdue ones (``urgent``) on the first free day of all.
    - Calls take no place: each goes on its first allowed day, whatever came before it.

    Once :attr:`full` (no free day left, the waiting list full) every later visit is only
    counted (:meth:`leave_out`): a caller that knows the rest's due days in order (the
    database's ranking) stops adding there, so a huge backlog is never worked out.
    """

    def __init__(self, plan: _Plan, waiting_limit: int) -> None:
        self.plan = plan
        self.limit = waiting_limit
        #: (day, start, -priority, wanted order): the final order of the placed ones.
        self.placed: list[tuple[tuple[date, str, float, tuple[Any, ...]], Suggestion]] = []
        self.waiting: list[Suggestion] = []
        self.left_out: list[date] = []

    @property
    def full(self) -> bool:
        """No visit added from now on can be placed or listed: only counted."""
        return not self.plan.free and len(self.waiting) >= self.limit

    def add(self, item: Wanted) -> None:
        """Place, list or count one suggestion (added in the order of :func:`_wanted`)."""
        order, due, pid, needs, p, calls = item
        plan = self.plan
        suggestion = None
        if calls:
            suggestion = merge(p, needs, plan.first)
            self._placed((order, due, pid), replace(suggestion, day=plan.call_day(suggestion)))
            return
        if plan.free:
            suggestion = merge(p, needs, plan.first)
            days, note = plan.allowed(suggestion, p)
            if days:
                area = p.area.casefold()
                day = plan.best(suggestion, days, area)
                start = plan.take(day, p, area)
                self._placed((order, due, pid),
                             replace(suggestion, day=day, start=start, note=note))
                return
        if len(self.waiting) >= self.limit:
            self.left_out.append(due)  # counted, not built: a huge backlog stays cheap
            return
        if suggestion is None:
            suggestion = merge(p, needs, plan.first)
        self.waiting.append(replace(suggestion, day=None, note=no_room_note(needs)))

    def leave_out(self, due: date) -> None:
        """Count one more visit without room (only once :attr:`full`)."""
        self.left_out.append(due)

    def _placed(self, rank: tuple[Any, ...], s: Suggestion) -> None:
        assert s.day is not None
        self.placed.append(((s.day, s.start or "99", -s.priority, rank), s))

    def result(self) -> Suggestions:
        """The placed ones by day, start and priority (ties in the order of
        :func:`_wanted`, however they were added), then those waiting."""
        self.placed.sort(key=lambda pair: pair[0])
        placed = tuple(s for _key, s in self.placed)
        return Suggestions(placed + tuple(self.waiting), len(self.left_out),
                           tuple(sorted(self.left_out)))
