"""The visit-plan rules (pure) with fixed dates.

Calendar used throughout: November 2026 starts on a Sunday; Wed 18 Nov 2026 is "today";
the week of today is Mon 16 – Sun 22; the new-customer day (2-fri) is Fri 13 Nov and
Fri 11 Dec 2026.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from salesdesk.errors import InputError
from salesdesk.rules.planning import (
    PlannedVisit,
    PlanSettings,
    ProspectFacts,
    day_infos,
    month_of,
    new_customer_days,
    parse_minutes,
    parse_time,
    parse_visit_days,
    parse_visit_time,
    suggest,
    suggestion_period,
    visit_flags,
    week_of,
)

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


# --------------------------------------------------------------------------- periods


def test_week_and_month_periods() -> None:
    assert (WEEK.start, WEEK.end) == (date(2026, 11, 16), date(2026, 11, 22))
    assert WEEK.title == "Week 47 · 16–21 Nov 2026"
    month = month_of(TODAY)
    assert (month.start, month.end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert month.title == "November 2026"
    assert WEEK.shifted(1).start == date(2026, 11, 23)
    assert month_of(date(2026, 12, 31)).shifted(1) == month_of(date(2027, 1, 1))
    assert month.shifted(-11).start == date(2025, 12, 1)


def test_new_customer_day_is_the_friday_of_the_second_week() -> None:
    assert new_customer_days("2-fri", date(2026, 11, 1), date(2026, 12, 31)) == {
        date(2026, 11, 13),
        date(2026, 12, 11),
    }
    assert new_customer_days("1-mon", date(2026, 11, 1), date(2026, 11, 30)) == {date(2026, 11, 2)}
    assert new_customer_days("5-fri", date(2026, 11, 1), date(2026, 11, 30)) == set()
    assert new_customer_days("none", date(2026, 11, 1), date(2026, 11, 30)) == set()


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9", "09:00"),
        ("9:30", "09:30"),
        ("0930", "09:30"),
        ("14:00", "14:00"),
        ("2pm", "14:00"),
        ("12am", "00:00"),
        ("12pm", "12:00"),
        ("14h", "14:00"),
        (" 7.15 ", "07:15"),
    ],
)
def test_parse_time(text: str, expected: str) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "9:75", "13pm", "noon-ish", "", "1:2"])
def test_parse_time_rejects(text: str) -> None:
    with pytest.raises(InputError, match="invalid time"):
        parse_time(text)


def test_parse_minutes() -> None:
    assert parse_minutes("45") == 45
    assert parse_minutes("1h30") == 90
    assert parse_minutes("2h") == 120
    assert parse_minutes("") is None
    for bad in ("0", "abc", "25h", "-5"):
        with pytest.raises(InputError, match="invalid length"):
            parse_minutes(bad)


def test_parse_visit_days() -> None:
    assert parse_visit_days("tue,thu") == {1, 3}
    assert parse_visit_days("Mon-Wed") == {0, 1, 2}
    assert parse_visit_days("Tuesdays") == {1}
    assert parse_visit_days("周二 周四") == {1, 3}
    assert parse_visit_days("weekdays") == {0, 1, 2, 3, 4}
    assert parse_visit_days("") == frozenset()
    assert parse_visit_days("whenever") == frozenset()


def test_parse_visit_time() -> None:
    assert parse_visit_time("14:00-17:00") == ("14:00", "17:00")
    assert parse_visit_time("morning") == ("09:00", "12:00")
    assert parse_visit_time("after 3pm") == ("15:00", None)
    assert parse_visit_time("下午") == ("14:00", "17:00")
    assert parse_visit_time("") is None
    assert parse_visit_time("when he is free") is None


# --------------------------------------------------------------------------- A/B/C


def test_a_needs_a_contact_inside_its_window() -> None:
    graded = date(2026, 11, 16)  # window ends Mon 23
    found = only(run(facts(grade="A", graded_on=graded, last_contact=date(2026, 11, 10))))
    assert found.reason == "A, window ends Mon"
    assert found.due == date(2026, 11, 23)
    assert found.day is not None and TODAY <= found.day <= date(2026, 11, 21)


def test_a_window_ending_thursday_is_said_so_and_placed_by_then() -> None:
    monday = date(2026, 11, 16)
    card = facts(grade="A", graded_on=date(2026, 11, 12), last_contact=None)
    found = only(run(card, today=monday))
    assert found.reason == "A, window ends Thu"
    assert found.day is not None and found.day <= date(2026, 11, 19)
    # Even when Thursday's area is elsewhere and Saturday has the card's area.
    area = facts(grade="A", graded_on=date(2026, 11, 12), last_contact=None, area="浦东")
    busy = full_day(date(2026, 11, 21), 1, area="浦东")
    found = only(run(area, visits=busy, today=monday))
    assert found.day is not None and found.day <= date(2026, 11, 19)


def test_a_contacted_since_grading_is_not_suggested() -> None:
    assert (
        run(facts(grade="A", graded_on=date(2026, 11, 16), last_contact=date(2026, 11, 17))).items
        == ()
    )


def test_a_past_its_window_comes_first_with_visit_or_regrade() -> None:
    late = facts(1, grade="A", graded_on=date(2026, 11, 2), last_contact=None)
    b_card = facts(2, grade="B", last_contact=date(2026, 10, 20))
    result = run(b_card, late)
    assert [s.prospect_id for s in sorted(result.items, key=lambda s: -s.priority)] == [1, 2]
    assert result.items[0].reason.startswith("A, window ended")
    assert "regrade" in result.items[0].reason


def test_b_and_c_by_their_cadence() -> None:
    b_due = facts(1, grade="B", last_contact=TODAY - timedelta(days=20))
    b_recent = facts(2, grade="B", last_contact=TODAY - timedelta(days=3))
    c_due = facts(3, grade="C", last_contact=TODAY - timedelta(days=31))
    c_recent = facts(4, grade="C", last_contact=TODAY - timedelta(days=20))
    found = {s.prospect_id: s for s in run(b_due, b_recent, c_due, c_recent)}
    assert set(found) == {1, 3}
    assert found[1].reason == "B, last contact 20 days ago"
    assert found[3].reason == "C, last contact 31 days ago"
    # In the month view the C contacted 20 days ago comes due (day 30 = 28 Nov).
    month = {s.prospect_id for s in run(c_recent, period=month_of(TODAY))}
    assert month == {4}


def test_next_step_in_the_period_is_planned_on_its_day() -> None:
    found = only(run(facts(next_date=date(2026, 11, 20), next_action="send quote")))
    assert found.day == date(2026, 11, 20)
    assert found.reason == "next step Fri: send quote"
    assert found.purpose == "send quote"
    assert run(facts(next_date=date(2026, 11, 24))).items == ()  # next week


def test_overdue_next_step_is_planned_first() -> None:
    found = only(run(facts(next_date=date(2026, 11, 13), next_action="call back")))
    assert found.reason == "next step overdue 5d: call back"
    assert found.day == TODAY


def test_revisit_after_n_days() -> None:
    due = facts(
        1, follow_up="revisit", revisit_days=21, last_visit=date(2026, 10, 26), last_contact=TODAY
    )
    not_yet = facts(2, follow_up="revisit", revisit_days=21, last_visit=date(2026, 11, 10))
    found = only(run(due, not_yet))
    assert found.prospect_id == 1
    assert found.reason == "revisit every 21 days, last visit 23 days ago"


def test_give_up_and_closed_cards_are_never_suggested() -> None:
    overdue = {"next_date": date(2026, 11, 10), "grade": "A", "last_contact": None}
    result = run(
        facts(1, follow_up="give_up", **overdue),
        facts(2, status="parked", **overdue),
        facts(3, status="dropped", **overdue),
        facts(4, status="lost", **overdue),
    )
    assert result.items == ()


def test_a_prospect_with_a_visit_planned_is_not_suggested_again() -> None:
    card = facts(grade="A", graded_on=date(2026, 11, 16), last_contact=None)
    planned = [PlannedVisit(1, card.id, date(2026, 11, 20))]
    assert run(card, visits=planned).items == ()
    # A visit planned after the window ends does not count: suggest the earlier one.
    later = [PlannedVisit(1, card.id, date(2026, 12, 4))]
    assert len(run(card, visits=later).items) == 1


def test_a_past_period_has_no_suggestions() -> None:
    card = facts(grade="A", last_contact=None)
    assert run(card, period=week_of(date(2026, 11, 9))).items == ()


# --------------------------------------------------------------------------- customers


def test_key_account_monthly_visit() -> None:
    card = facts(
        status="customer",
        key_account=True,
        last_visit=TODAY - timedelta(days=41),
        last_contact=TODAY - timedelta(days=5),
        closed_on=date(2026, 3, 1),
    )
    found = only(run(card))
    assert found.reason == "key account, last visit 41 days ago"
    assert found.kind == "key_account"
    recent = facts(
        status="customer",
        key_account=True,
        last_visit=TODAY - timedelta(days=10),
        last_contact=TODAY - timedelta(days=5),
    )
    assert run(recent).items == ()
    weekly = PlanSettings(key_account_days=7)
    assert len(run(recent, settings=weekly).items) == 1


def test_existing_customers_by_importance() -> None:
    plain = facts(
        1,
        status="customer",
        last_visit=TODAY - timedelta(days=95),
        value=2_000,
        last_contact=TODAY - timedelta(days=3),
    )
    big = facts(
        2,
        status="customer",
        last_visit=TODAY - timedelta(days=95),
        value=80_000,
        last_contact=TODAY - timedelta(days=3),
    )
    fresh = facts(
        3,
        status="customer",
        last_visit=TODAY - timedelta(days=30),
        last_contact=TODAY - timedelta(days=3),
    )
    result = run(plain, big, fresh)
    ranked = sorted(result.items, key=lambda s: -s.priority)
    assert [s.prospect_id for s in ranked] == [2, 1]
    assert ranked[0].reason == "customer, last visit 95 days ago"


def test_customer_silent_for_long_is_a_retention_warning() -> None:
    card = facts(
        status="customer",
        last_visit=TODAY - timedelta(days=20),
        last_contact=TODAY - timedelta(days=75),
    )
    found = only(run(card))
    assert found.kind == "retention"
    assert found.warning == "no contact for 75 days"
    assert run(card, settings=PlanSettings(retention_days=90)).items == ()


def test_thank_you_within_a_week_of_a_large_purchase() -> None:
    bought = date(2026, 11, 16)
    card = facts(
        status="customer",
        purchase=(bought, 48_000.0),
        last_contact=bought,
        last_visit=bought,
        closed_on=bought,
    )
    found = only(run(card))
    assert found.kind == "thank_you"
    assert found.reason == "thank-you: bought 48,000 Mon 16"
    assert found.due == date(2026, 11, 23)
    assert found.purpose == "thank-you visit or card"
    small = facts(
        status="customer",
        purchase=(bought, 3_000.0),
        last_contact=bought,
        last_visit=bought,
        closed_on=bought,
    )
    assert run(small).items == ()
    thanked = facts(
        status="customer",
        purchase=(bought, 48_000.0),
        last_visit=bought,
        last_contact=date(2026, 11, 17),
        closed_on=bought,
    )
    assert run(thanked).items == ()
    assert len(run(small, settings=PlanSettings(thank_you_threshold=2_000)).items) == 1


def test_call_before_a_new_season() -> None:
    settings = PlanSettings(season_dates=((12, 1),))
    card = facts(
        status="customer",
        key_account=True,
        last_visit=TODAY - timedelta(days=5),
        last_contact=date(2026, 11, 10),
    )
    found = only(run(card, settings=settings))
    assert found.kind == "season"
    assert found.reason == "call before the season on 1 Dec"
    assert found.day is not None and found.day <= date(2026, 11, 30)
    called = facts(
        status="customer",
        key_account=True,
        last_visit=TODAY - timedelta(days=5),
        last_contact=date(2026, 11, 17),
    )
    assert run(called, settings=settings).items == ()


def test_birthdays_in_the_period() -> None:
    card = facts(birthday=date(1980, 11, 20))
    found = only(run(card))
    assert found.kind == "birthday"
    assert found.day == date(2026, 11, 20)
    assert found.reason == "birthday Fri"
    sunday = facts(birthday=date(1975, 11, 22))  # a Sunday this year: greet on Saturday
    assert only(run(sunday)).day == date(2026, 11, 21)
    assert run(facts(birthday=date(1980, 12, 20))).items == ()
    assert run(facts(birthday=date(1980, 11, 16))).items == ()  # Monday: already past


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


# --------------------------------------------------------------------------- days and flags


def test_day_infos_count_planned_and_done_and_flag_over_capacity() -> None:
    month = month_of(date(2026, 11, 1))
    visits = [
        *full_day(date(2026, 11, 19), 5),
        PlannedVisit(1, 1, date(2026, 11, 20), status="cancelled"),
        PlannedVisit(2, 2, date(2026, 11, 20), status="done"),
        PlannedVisit(3, 3, date(2026, 11, 20), status="missed"),
    ]
    infos = day_infos(visits, month, SETTINGS)
    assert len(infos) == 30
    assert infos[date(2026, 11, 19)].over_capacity
    assert infos[date(2026, 11, 20)].count == 1
    assert not infos[date(2026, 11, 20)].over_capacity
    assert infos[date(2026, 11, 13)].new_customer_day


def test_visit_flags() -> None:
    assert visit_flags("live", "keep", False, False).messages == ()
    assert visit_flags("parked", "keep", False, False).messages == ("prospect is parked",)
    assert visit_flags("dropped", "keep", False, False).closed_status == "dropped"
    assert visit_flags("live", "give_up", False, False).gave_up
    assert visit_flags("live", "keep", True, False).reserved_day
    assert not visit_flags("live", "keep", True, True).reserved_day


def test_settings_from_stored_strings() -> None:
    settings = PlanSettings.from_strings(
        {
            "day_capacity": "6",
            "season_dates": "03-01,09-15",
            "thank_you_threshold": "5000",
            "new_customer_day": "none",
        }
    )
    assert settings.day_capacity == 6
    assert settings.season_dates == ((3, 1), (9, 15))
    assert settings.thank_you_threshold == 5000.0
    assert settings.new_customer_day == "none"
    assert settings.key_account_days == 30


def test_a_plan_opened_on_sunday_shows_the_coming_week() -> None:
    from salesdesk.rules.planning import planning_day, week_of

    sunday, monday = date(2026, 11, 22), date(2026, 11, 23)
    assert planning_day(sunday) == monday
    assert week_of(planning_day(sunday)).start == monday
    assert planning_day(monday) == monday
    assert planning_day(date(2026, 11, 28)) == date(2026, 11, 28)  # Saturday stays


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


# --------------------------------------------------------------------------- the day it is due
#
# Today: Wednesday 18 Nov; the span of November runs from Mon 26 Oct to Sun 6 Dec.


def span_run(*prospects: ProspectFacts, visits: list[PlannedVisit] | None = None, **kw):  # type: ignore[no-untyped-def]
    from salesdesk.rules.planning import suggestion_period

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
    # No room from Thu 26 to the end of the span: it waits (call), not three weeks early.
    taken: list[PlannedVisit] = []
    for n in range(10):
        taken += full_day(date(2026, 11, 26) + timedelta(days=n), 4, start_id=3000 + 10 * n)
    waiting = only(span_run(card, visits=taken, settings=settings))
    assert waiting.day is None and waiting.note == "no room before the season: call or make room"


def test_the_due_words_say_the_true_due_date() -> None:
    from salesdesk.rules.planning import due_words

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
