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
    day_infos,
    month_of,
    new_customer_days,
    parse_minutes,
    parse_time,
    parse_visit_days,
    parse_visit_time,
    planning_day,
    visit_flags,
    week_of,
)
from tests.plan_helpers import SETTINGS, TODAY, WEEK, facts, full_day, only, run

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
    from salesdesk.rules.planning import week_of

    sunday, monday = date(2026, 11, 22), date(2026, 11, 23)
    assert planning_day(sunday) == monday
    assert week_of(planning_day(sunday)).start == monday
    assert planning_day(monday) == monday
    assert planning_day(date(2026, 11, 28)) == date(2026, 11, 28)  # Saturday stays
