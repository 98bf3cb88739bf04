"""Shared rows and a runner for the visit-plan tests (see ``test_planning.py``'s calendar)."""

from __future__ import annotations

from datetime import date, timedelta

from salesdesk.rules.planning import PlannedVisit, PlanSettings, ProspectFacts, suggest, week_of

TODAY = date(2026, 11, 18)  # Wednesday
WEEK = week_of(TODAY)
SETTINGS = PlanSettings()


def facts(pid: int = 1, **values: object) -> ProspectFacts:
    """A live C card, created long ago, contacted yesterday: by default nothing is due."""
    base: dict[str, object] = {
        "name": f"P{pid}",
        "grade": "C",
        "created_on": date(2026, 1, 5),
        "graded_on": TODAY - timedelta(days=3),
        "last_contact": TODAY - timedelta(days=1),
    }
    base.update(values)
    return ProspectFacts(id=pid, **base)  # type: ignore[arg-type]


def run(
    *prospects: ProspectFacts,
    visits: list[PlannedVisit] | None = None,
    period=WEEK,
    today: date = TODAY,
    settings: PlanSettings = SETTINGS,
):  # type: ignore[no-untyped-def]
    return suggest(list(prospects), visits or [], period, today, settings)


def only(result) -> object:  # type: ignore[no-untyped-def]
    assert len(result.items) == 1, result.items
    return result.items[0]


def full_day(day: date, count: int, start_id: int = 1000, area: str = "") -> list[PlannedVisit]:
    return [PlannedVisit(start_id + n, 900 + start_id + n, day, area=area) for n in range(count)]

