"""Visit-plan placing (pure): capacity, areas, the new-customer day, preferred days, and
the nearest day before a reason's own day (calendar as in ``test_planning.py``)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from salesdesk.rules.planning import (
    PlannedVisit,
    PlanSettings,
    ProspectFacts,
    due_words,
    suggest,
    suggestion_period,
    week_of,
)
from tests.plan_helpers import TODAY, WEEK, facts, full_day, only, run

# --------------------------------------------------------------------------- placing


def test_at_most_day_capacity_visits_a_day() -> None:
    settings = PlanSettings(day_capacity=2)
    cards = [facts(n, grade="B", last_contact=date(2026, 10, 1)) for n in range(1, 12)]
    existing = full_day(TODAY, 1)
    result = run(*cards, visits=existing, settings=settings)
    per_day: dict[date, int] = {TODAY: 1}
    for s in result.items:
        if s.day is not None:
            per_day[s.day] = per_day.get(s.day, 0) + 1
    assert max(per_day.values()) == 2
    # Wed to Sat: 4 days x 2, one place already taken: 7 placed, 4 without room.
    assert sum(1 for s in result.items if s.day is not None) == 7
    waiting = [s for s in result.items if s.day is None]
    assert len(waiting) == 4 and all(s.note == "no room left" for s in waiting)
    assert all(s.day is None or s.day.weekday() != 6 for s in result.items)


def test_waiting_list_is_cut_and_counted() -> None:
    settings = PlanSettings(day_capacity=1)
    cards = [facts(n, grade="B", last_contact=date(2026, 10, 1)) for n in range(1, 50)]
    result = suggest(cards, [], WEEK, TODAY, settings, waiting_limit=5)
    assert len(result.items) == 4 + 5
    assert result.more == 49 - 9


def test_same_area_goes_on_the_same_day() -> None:
    settings = PlanSettings(day_capacity=3)
    existing = full_day(date(2026, 11, 20), 1, area="浦东")
    east = facts(1, grade="B", area="浦东", last_contact=date(2026, 10, 1))
    east2 = facts(2, grade="B", area="浦东", last_contact=date(2026, 10, 1))
    west = facts(3, grade="B", area="徐汇", last_contact=date(2026, 10, 1))
    west2 = facts(4, grade="B", area="徐汇", last_contact=date(2026, 10, 1))
    days = {
        s.prospect_id: s.day
        for s in run(east, west, east2, west2, visits=existing, settings=settings)
    }
    assert days[1] == days[2] == date(2026, 11, 20)
    assert days[3] == days[4] != date(2026, 11, 20)


def test_new_customer_day_is_kept_for_new_prospects() -> None:
    today = date(2026, 12, 7)  # Monday; Fri 11 Dec is the new-customer day
    week = week_of(today)
    settings = PlanSettings(day_capacity=1)
    busy = [PlannedVisit(100 + n, 500 + n, today + timedelta(days=n)) for n in (0, 1, 2, 3, 5)]
    old = facts(1, grade="B", last_contact=date(2026, 11, 1), last_visit=date(2026, 11, 1))
    customer = facts(
        2, status="customer", last_visit=date(2026, 6, 1), last_contact=date(2026, 12, 1)
    )
    new = facts(3, grade="B", last_contact=None, created_on=date(2026, 11, 1))
    found = {
        s.prospect_id: s.day
        for s in run(old, customer, new, visits=busy, period=week, today=today, settings=settings)
    }
    assert found == {1: None, 2: None, 3: date(2026, 12, 11)}


def test_new_prospects_prefer_the_new_customer_day() -> None:
    today = date(2026, 12, 7)
    new = facts(3, grade="C", last_contact=None, created_on=date(2026, 10, 1))
    found = only(run(new, period=week_of(today), today=today))
    assert found.day == date(2026, 12, 11)
    assert found.new_prospect


def test_preferred_days_and_times() -> None:
    card = facts(
        1, grade="B", last_contact=date(2026, 10, 1), visit_days="tue,thu", visit_time="14:00-17:00"
    )
    twin = facts(
        2, grade="B", last_contact=date(2026, 10, 1), visit_days="thu", visit_time="14:00-17:00"
    )
    found = {s.prospect_id: s for s in run(card, twin)}
    assert found[1].day == found[2].day == date(2026, 11, 19)  # Tue is past: Thursday
    assert {found[1].start, found[2].start} == {"14:00", "15:00"}
    mornings = only(run(facts(grade="B", last_contact=date(2026, 10, 1), visit_time="mornings")))
    assert mornings.start == "09:00"


def test_preferred_day_full_falls_back_with_a_note() -> None:
    settings = PlanSettings(day_capacity=1)
    busy = full_day(date(2026, 11, 19), 1)
    card = facts(grade="B", last_contact=date(2026, 10, 1), visit_days="thu")
    found = only(run(card, visits=busy, settings=settings))
    assert found.day is not None and found.day != date(2026, 11, 19)
    assert found.note == "prefers Thu: none free"


# --------------------------------------------------------------------------- the day it is due
#
# Today: Wednesday 18 Nov; the span of November runs from Mon 26 Oct to Sun 6 Dec.


def span_run(*prospects: ProspectFacts, visits: list[PlannedVisit] | None = None, **kw):  # type: ignore[no-untyped-def]

    return run(*prospects, visits=visits, period=suggestion_period(TODAY), **kw)


SAT_28 = date(2026, 11, 28)


def test_a_next_step_whose_day_is_full_goes_on_the_nearest_free_day_before_it() -> None:
    card = facts(next_date=SAT_28, next_action="send quote")
    found = only(span_run(card, visits=full_day(SAT_28, 4)))
    assert (found.day, found.deadline) == (date(2026, 11, 27), SAT_28)
    # Friday full too: Thursday; never Wednesday 18 (the first free day of the month).
    busy = full_day(SAT_28, 4) + full_day(date(2026, 11, 27), 4, start_id=2000)
    assert only(span_run(card, visits=busy)).day == date(2026, 11, 26)


def test_the_nearest_day_before_skips_sunday_and_keeps_to_the_preferred_days() -> None:
    monday = date(2026, 11, 30)
    card = facts(next_date=monday, next_action="demo")
    assert only(span_run(card, visits=full_day(monday, 4))).day == SAT_28
    liked = facts(next_date=SAT_28, next_action="demo", visit_days="tue")
    assert only(span_run(liked)).day == date(2026, 11, 24)  # the last Tuesday before it


def test_a_birthday_whose_day_is_full_is_greeted_the_day_before() -> None:
    card = facts(birthday=date(1980, 11, 27))
    found = only(span_run(card, visits=full_day(date(2026, 11, 27), 4)))
    assert (found.kind, found.day) == ("birthday", date(2026, 11, 26))


def test_a_window_without_a_day_of_its_own_still_goes_as_soon_as_there_is_room() -> None:
    # An A card is hot: the first free day of its window, not the last one.
    card = facts(grade="A", graded_on=date(2026, 11, 20), last_contact=None)  # ends Fri 27
    assert only(span_run(card, visits=full_day(TODAY, 4))).day == date(2026, 11, 19)


CADENCE_CARDS: dict[str, tuple[ProspectFacts, date]] = {
    "cadence": (facts(grade="B", last_contact=date(2026, 11, 10)), date(2026, 11, 24)),
    "revisit": (
        facts(follow_up="revisit", revisit_days=20, last_visit=date(2026, 11, 5)),
        date(2026, 11, 25),
    ),
    "key_account": (
        facts(
            status="customer",
            key_account=True,
            last_visit=date(2026, 10, 27),
            closed_on=date(2026, 3, 1),
        ),
        date(2026, 11, 26),
    ),
    "customer": (
        facts(status="customer", last_visit=date(2026, 8, 29), closed_on=date(2026, 3, 1)),
        date(2026, 11, 27),
    ),
}


@pytest.mark.parametrize("kind", sorted(CADENCE_CARDS))
def test_every_n_days_is_never_placed_before_it_is_due(kind: str) -> None:
    card, due = CADENCE_CARDS[kind]
    found = only(span_run(card))
    assert (found.kind, found.due) == (kind, due)
    assert found.day is not None and found.day >= due
    # No room from its due day to the end of the span: it waits instead of going earlier.
    taken: list[PlannedVisit] = []
    day, n = due, 0
    while day <= date(2026, 12, 5):
        taken += full_day(day, 4, start_id=3000 + 10 * n)
        day, n = day + timedelta(days=1), n + 1
    waiting = only(span_run(card, visits=taken))
    assert waiting.day is None and waiting.note == "no room left"


def test_a_season_call_waits_for_the_two_weeks_before_the_season() -> None:
    settings = PlanSettings(season_dates=((12, 10),))  # the calls start on Thu 26 Nov
    card = facts(status="customer", key_account=True, last_visit=TODAY, closed_on=date(2026, 3, 1))
    found = only(span_run(card, settings=settings))
    assert found.kind == "season" and found.day is not None
    assert date(2026, 11, 26) <= found.day <= date(2026, 12, 9)
    # Every day from Thu 26 full of visits: a call takes no visit place, so it still goes on
    # its first day (never "no room"), and not three weeks early.
    taken: list[PlannedVisit] = []
    for n in range(10):
        taken += full_day(date(2026, 11, 26) + timedelta(days=n), 4, start_id=3000 + 10 * n)
    called = only(span_run(card, visits=taken, settings=settings))
    assert called.day == date(2026, 11, 26) and called.note == ""


def test_the_due_words_say_the_true_due_date() -> None:

    # B cadence overdue since 1 Nov and a next step on Sat 28: the deadline is what counts.
    both = facts(grade="B", last_contact=date(2026, 10, 18), next_date=SAT_28, next_action="demo")
    taken: list[PlannedVisit] = []
    for n in range(11):
        taken += full_day(TODAY + timedelta(days=n), 4, start_id=3000 + 10 * n)
    waiting = only(span_run(both, visits=taken))
    assert waiting.day is None and waiting.deadline == SAT_28
    assert due_words(waiting, TODAY) == "due by 28 Nov"
    soon = replace_deadline(waiting, date(2026, 11, 20))
    assert due_words(soon, TODAY) == "due by Fri"
    assert due_words(replace_deadline(waiting, TODAY), TODAY) == "due today"
    # Every N days: from its due day on; overdue ones are due now; late ones are overdue.
    cadence = only(span_run(facts(grade="B", last_contact=date(2026, 11, 10))))
    assert due_words(cadence, TODAY) == "due Tue"  # 24 Nov
    c_card = only(span_run(facts(grade="C", last_contact=date(2026, 10, 29))))
    assert due_words(c_card, TODAY) == "due 28 Nov"
    overdue = only(span_run(facts(grade="B", last_contact=date(2026, 10, 1))))
    assert due_words(overdue, TODAY) == "due now"
    late = only(span_run(facts(next_date=date(2026, 11, 10), next_action="call")))
    assert due_words(late, TODAY) == "overdue"


def replace_deadline(s, deadline: date):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(s, deadline=deadline)
