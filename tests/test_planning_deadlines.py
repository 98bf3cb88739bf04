"""Visit-plan firm last days (never passed; no room says what to do) and the one
computation that the week and month views slice (calendar as in ``test_planning.py``)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from salesdesk.rules.planning import (
    PlannedVisit,
    PlanSettings,
    ProspectFacts,
    month_of,
    suggest,
    suggestion_period,
    week_of,
)
from tests.plan_helpers import SETTINGS, TODAY, WEEK, facts, full_day, only, run

# --------------------------------------------------------------------------- firm deadlines

MONDAY = date(2026, 11, 16)
THURSDAY = date(2026, 11, 19)


def full_until(last: date, first: date = MONDAY) -> list[PlannedVisit]:
    """Every working day from ``first`` to ``last`` at capacity (4 visits each)."""
    taken: list[PlannedVisit] = []
    day = first
    while day <= last:
        taken += full_day(day, 4, start_id=1000 + 10 * (day - first).days)
        day += timedelta(days=1)
    return taken


#: One card per firm reason, each with its last day on Thursday 19 Nov (today: Monday 16).
FIRM_CARDS: dict[str, tuple[ProspectFacts, PlanSettings, str]] = {
    "a_window": (
        facts(grade="A", graded_on=date(2026, 11, 12), last_contact=None),
        SETTINGS,
        "no room before its window ends: regrade or make room",
    ),
    "next_step": (
        facts(next_date=THURSDAY, next_action="send quote"),
        SETTINGS,
        "no room by its next-step date: move the step or make room",
    ),
    "thank_you": (
        facts(
            status="customer",
            purchase=(date(2026, 11, 12), 48_000.0),
            last_contact=date(2026, 11, 12),
            last_visit=date(2026, 11, 12),
            closed_on=date(2026, 11, 12),
        ),
        SETTINGS,
        "no room within a week of the purchase: send a card or make room",
    ),
    "season": (
        facts(
            status="customer",
            key_account=True,
            last_visit=date(2026, 11, 11),
            last_contact=date(2026, 11, 1),
            closed_on=date(2026, 3, 1),
        ),
        PlanSettings(season_dates=((11, 20),)),
        "no room before the season: call or make room",
    ),
    "birthday": (
        facts(birthday=date(1980, 11, 19)),
        SETTINGS,
        "no room by the birthday: send a greeting or make room",
    ),
}


@pytest.mark.parametrize("kind", sorted(FIRM_CARDS))
@pytest.mark.parametrize("period", [week_of(MONDAY), month_of(MONDAY)], ids=["week", "month"])
def test_a_firm_reason_is_never_placed_after_its_last_day(kind: str, period) -> None:  # type: ignore[no-untyped-def]
    card, settings, note = FIRM_CARDS[kind]
    free = only(run(card, today=MONDAY, period=period, settings=settings))
    assert free.kind == kind and free.deadline == THURSDAY
    assert free.day is not None and free.day <= THURSDAY
    # Monday to Thursday full: it waits, unplaced, and says what to do (Friday was free).
    full = only(
        run(card, visits=full_until(THURSDAY), today=MONDAY, period=period, settings=settings)
    )
    if kind == "season":  # a call takes no visit place: never "no room", on its first day
        assert full.day is not None and full.day <= THURSDAY and full.note == ""
        return
    assert full.day is None
    assert full.note == note


def test_a_free_day_before_the_deadline_is_used_even_off_the_preferred_days() -> None:
    card = facts(grade="A", graded_on=date(2026, 11, 12), last_contact=None, visit_days="sat")
    found = only(run(card, today=MONDAY))
    assert found.day is not None and found.day <= THURSDAY
    assert found.note == "prefers Sat: none free"


def test_a_fixed_day_after_a_firmer_deadline_is_not_used() -> None:
    # The next step (Friday) leads, but the season call must happen by Thursday.
    card = facts(
        status="customer",
        key_account=True,
        last_visit=date(2026, 11, 11),
        last_contact=date(2026, 11, 1),
        closed_on=date(2026, 3, 1),
        next_date=date(2026, 11, 20),
        next_action="send quote",
    )
    found = only(run(card, today=MONDAY, settings=PlanSettings(season_dates=((11, 20),))))
    assert found.kind == "next_step" and found.deadline == THURSDAY
    assert found.day is not None and found.day <= THURSDAY


def test_overdue_reasons_have_no_last_day_left_and_go_on_the_first_free_day() -> None:
    overdue = facts(1, next_date=date(2026, 11, 10), next_action="call back")
    ended = facts(2, grade="A", graded_on=date(2026, 11, 2), last_contact=None)
    found = {s.prospect_id: s for s in run(overdue, ended, visits=full_until(TODAY, first=TODAY))}
    assert found[1].day == found[2].day == date(2026, 11, 19)
    assert found[1].deadline is None and found[2].deadline is None


def test_a_later_month_does_not_list_what_is_overdue_now() -> None:
    """Browsing ahead, an overdue step or an ended A window is not shown again on a day
    months away ("next step overdue 5d" in April); it belongs to the days from now."""
    overdue = facts(1, next_date=date(2026, 11, 13), next_action="call back")
    ended = facts(2, grade="A", graded_on=date(2026, 11, 2), last_contact=None)
    due_b = facts(3, grade="B", last_contact=date(2026, 9, 1))  # a rhythm: still due then
    now = {s.prospect_id for s in run(overdue, ended, due_b, period=suggestion_period(TODAY))}
    assert now == {1, 2, 3}
    april = run(overdue, ended, due_b, period=suggestion_period(date(2027, 4, 1)))
    reasons = " / ".join(s.reason for s in april)
    assert "overdue" not in reasons and "window ended" not in reasons, reasons
    assert 3 in {s.prospect_id for s in april}  # its rhythm is still due by then


def test_a_visit_planned_after_the_deadline_does_not_hide_the_suggestion() -> None:
    card = facts(grade="A", graded_on=date(2026, 11, 16), last_contact=None)  # ends Mon 23
    month = month_of(TODAY)
    after = [PlannedVisit(1, card.id, date(2026, 11, 27))]
    found = only(run(card, visits=after, period=month))
    assert found.day is not None and found.day <= date(2026, 11, 23)
    before = [PlannedVisit(1, card.id, date(2026, 11, 23))]
    assert run(card, visits=before, period=month).items == ()


# --------------------------------------------------------------------------- one computation


def test_suggestion_period_is_the_selected_days_month_in_whole_weeks() -> None:
    from salesdesk.rules.planning import suggestion_period

    span = suggestion_period(TODAY)
    assert (span.start, span.end) == (date(2026, 10, 26), date(2026, 12, 6))
    assert suggestion_period(date(2026, 11, 30)) == span  # the week across two months
    assert suggestion_period(date(2026, 12, 2)).start == date(2026, 11, 30)


def test_week_and_month_are_slices_of_one_result() -> None:
    from salesdesk.rules.planning import suggestion_period

    settings = PlanSettings(day_capacity=1)
    taken = full_day(TODAY, 1)
    cards = [facts(n, grade="B", last_contact=date(2026, 10, 1)) for n in range(1, 8)]
    late_a = facts(8, grade="A", graded_on=date(2026, 11, 13), last_contact=None)  # ends Fri
    later = facts(9, next_date=date(2026, 11, 26), next_action="demo")  # next week
    result = suggest([*cards, late_a, later], taken, suggestion_period(TODAY), TODAY, settings)
    week, month = result.within(WEEK), result.within(month_of(TODAY))
    # The week: its three free days, then what is due by its end at a later day; the next
    # step of Thursday 26 is not this week's business.
    assert [s.day for s in week.items[:3]] == [date(2026, 11, d) for d in (19, 20, 21)]
    assert week.items[0].prospect_id == 8  # the A window first, before Friday
    assert {s.prospect_id for s in week} == set(range(1, 9))
    assert all(s.day is not None and s.day > WEEK.end for s in week.items[3:])
    assert {s.prospect_id for s in month} == set(range(1, 10))
    by_id = {s.prospect_id: s for s in month}
    for s in week:
        assert by_id[s.prospect_id] == s  # the same day in both views
    assert by_id[9].day == date(2026, 11, 26)


def test_within_counts_the_left_out_ones_due_by_the_end() -> None:
    from salesdesk.rules.planning import suggestion_period

    settings = PlanSettings(day_capacity=1)
    span = suggestion_period(TODAY)
    taken = [PlannedVisit(100 + n, 500 + n, d) for n, d in enumerate(span.days())]
    due_now = [facts(n, grade="B", last_contact=date(2026, 10, 1)) for n in range(1, 6)]
    due_later = [facts(n, grade="B", last_contact=date(2026, 11, 12)) for n in range(6, 9)]
    result = suggest([*due_now, *due_later], taken, span, TODAY, settings, waiting_limit=2)
    assert (len(result), result.more) == (2, 6)
    week, month = result.within(WEEK), result.within(month_of(TODAY))
    assert (len(week), week.more) == (2, 3)  # the ones due Thu 26 are next week's
    assert (len(month), month.more) == (2, 6)


def test_every_deadline_names_its_reason() -> None:
    """An overdue step and a key-account visit lead, but the deadline is the birthday's
    (Thursday): the suggestion lists the birthday too, so its ``due by`` has a reason."""
    card = facts(
        grade="B",
        key_account=True,
        last_contact=MONDAY - timedelta(days=20),
        last_visit=MONDAY - timedelta(days=40),
        next_date=MONDAY - timedelta(days=3),
        next_action="call back",
        birthday=date(1980, 11, 19),
    )
    found = only(run(card, today=MONDAY))
    assert found.deadline == THURSDAY
    parts = found.reason.split(" · ")
    assert len(parts) == 3 and "birthday" in parts[-1], found.reason
    assert found.kind != "birthday"  # not the lead: listed for its deadline


def test_the_firm_reason_is_not_listed_twice() -> None:
    card = facts(grade="A", graded_on=date(2026, 11, 12), last_contact=None,
                 birthday=date(1980, 11, 19))
    found = only(run(card, today=MONDAY))
    assert found.reason.count("birthday") <= 1 and found.reason.count("window") == 1
