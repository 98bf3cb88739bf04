"""Placing suggestions on days: capacity, firm last days, preferred days, areas, the
new-customer day."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from salesdesk.rules.planning.needs import _firm, _merge, _Need, _needs, _no_room_note
from salesdesk.rules.planning.periods import SUNDAY, Period, planning_day
from salesdesk.rules.planning.preferences import (
    WEEKDAY_NAMES,
    _start_time,
    new_customer_days,
    parse_visit_days,
    parse_visit_time,
)
from salesdesk.rules.planning.rows import (
    PlannedVisit,
    PlanSettings,
    ProspectFacts,
    Suggestion,
    Suggestions,
)

WAITING_LIMIT = 30  # suggestions without room that are still listed


def suggest(
    prospects: Iterable[ProspectFacts],
    visits: Sequence[PlannedVisit],
    period: Period,
    today: date,
    settings: PlanSettings,
    *,
    waiting_limit: int = WAITING_LIMIT,
) -> Suggestions:
    """Suggest visits for ``period`` (only its days from ``today`` on).

    ``visits`` are the visits already in the plan (the period's, and any later planned
    ones: a prospect with a planned visit coming up is not suggested again).
    """
    first = max(period.start, today)
    last = period.end
    if first > last:
        return Suggestions(())
    upcoming: dict[int, date] = {}
    load: dict[date, int] = {}
    areas: dict[date, set[str]] = {}
    times: dict[date, set[str]] = {}
    for visit in visits:
        if visit.status == "planned" and visit.day >= today:
            old = upcoming.get(visit.prospect_id)
            upcoming[visit.prospect_id] = min(old, visit.day) if old else visit.day
        if visit.status in ("planned", "done") and visit.day in period:
            load[visit.day] = load.get(visit.day, 0) + 1
            if visit.area:
                areas.setdefault(visit.day, set()).add(visit.area.casefold())
            if visit.start:
                times.setdefault(visit.day, set()).add(visit.start)

    # (-priority, due, id, needs, card): sorted by the first three; merged into a Suggestion
    # only when placed or listed, so a huge database costs one cheap pass.
    wanted: list[tuple[float, date, int, list[_Need], ProspectFacts]] = []
    # An overdue step or an ended window is for the days from now: a later period (next
    # month, browsed ahead) does not list it again, "overdue 4d" on a day months away.
    starts_now = first <= planning_day(today)
    for p in prospects:
        if p.follow_up == "give_up" or p.status not in ("live", "customer"):
            continue
        needs = _needs(p, first, last, today, settings)
        if not starts_now:
            needs = [n for n in needs if not n.late]
        if not needs:
            continue
        due = max(min(n.due for n in needs), first)
        planned = upcoming.get(p.id)
        if planned is not None:
            # A visit coming up covers the card, but not one after a firm last day.
            firm = _firm(needs)
            if planned <= (firm.due if firm else max(last, due)):
                continue
        wanted.append((-max(n.weight for n in needs), due, p.id, needs, p))
    wanted.sort()  # ids are unique: the comparison never reaches the needs
    return _place(wanted, period, first, today, settings, load, areas, times, waiting_limit)


def _place(
    wanted: list[tuple[float, date, int, list[_Need], ProspectFacts]],
    period: Period,
    first: date,
    today: date,
    settings: PlanSettings,
    load: dict[date, int],
    areas: dict[date, set[str]],
    times: dict[date, set[str]],
    waiting_limit: int,
) -> Suggestions:
    """Put each suggestion on a day: capacity, firm last days, preferred days, area,
    new-customer day.

    - Never before its ``earliest`` day (an "every N days" reason before it is due, a season
      call before its two weeks) nor after its firm last day (``deadline``): with no room
      between the two, it waits unplaced with a note saying what to do.
    - A reason with a day of its own (a next step, a birthday: ``Suggestion.day``) goes on
      that day, or else on the nearest free day before it (the latest one), or else the
      nearest after it when its deadline allows: the rep wants it as close to its day as
      possible, so the area grouping does not pull it further away.
    - The others go on the first free day with visits in their area, else an empty one,
      else the first free day; overdue ones (``urgent``) on the first free day of all.
    """
    days = [d for d in period.days() if d >= first and d.weekday() != SUNDAY]
    reserved = new_customer_days(settings.new_customer_day, period.start, period.end)
    capacity = settings.day_capacity
    free = [d for d in days if load.get(d, 0) < capacity]
    placed: list[Suggestion] = []
    waiting: list[Suggestion] = []
    more = 0
    left_out: list[date] = []
    for _priority, due, _id, needs, p in wanted:
        if not free:
            if len(waiting) < waiting_limit:
                waiting.append(
                    replace(_merge(p, needs, first), day=None, note=_no_room_note(needs))
                )
            else:
                more += 1
                left_out.append(due)
            continue
        suggestion = _merge(p, needs, first)
        deadline = suggestion.deadline
        earliest = suggestion.earliest or first
        allowed = [
            d
            for d in free
            if (d not in reserved or suggestion.new_prospect)
            and earliest <= d
            and (deadline is None or d <= deadline)
        ]
        note = ""
        preferred = parse_visit_days(p.visit_days)
        if preferred:
            liked = [d for d in allowed if d.weekday() in preferred]
            if liked:
                allowed = liked
            else:
                names = ", ".join(WEEKDAY_NAMES[i] for i in sorted(preferred))
                note = f"prefers {names}: none free"
        if not allowed:
            if len(waiting) < waiting_limit:
                waiting.append(replace(suggestion, day=None, note=_no_room_note(needs)))
            else:
                more += 1
                left_out.append(due)
            continue
        area = p.area.casefold()
        target = suggestion.day
        if target is not None:
            before = [d for d in allowed if d <= target]
            day = max(before) if before else min(allowed)
        else:

            def cost(d: date, s: Suggestion = suggestion, a: str = area) -> tuple[int, ...]:
                soon = (d - first).days if s.urgent else 0
                on_day = areas.get(d, set())
                area_cost = 0 if a and a in on_day else (1 if not on_day else 2)
                reserved_cost = 0 if (s.new_prospect and d in reserved) else 1
                return (soon, reserved_cost, area_cost, (d - first).days)

            day = min(allowed, key=cost)
        taken = times.setdefault(day, set())
        start = _start_time(parse_visit_time(p.visit_time), taken)
        if start:
            taken.add(start)
        load[day] = load.get(day, 0) + 1
        if area:
            areas.setdefault(day, set()).add(area)
        if load[day] >= capacity:
            free.remove(day)
        placed.append(replace(suggestion, day=day, start=start, note=note))
    placed.sort(key=lambda s: (s.day or today, s.start or "99", -s.priority))
    return Suggestions(tuple(placed + waiting), more, tuple(left_out))
