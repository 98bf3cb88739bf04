"""The visit plan's reasons, one small function each over a table (``needs.REASONS``): each
reason alone, with an explicit today (calendar as in ``test_planning.py``)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from salesdesk.rules.planning import PlanSettings, ProspectFacts
from salesdesk.rules.planning.needs import (
    REASONS,
    Days,
    a_window,
    birthday,
    cadence,
    customer,
    key_account,
    needs_of,
    next_step,
    retention,
    revisit,
    seasons,
    thank_you,
)
from tests.plan_helpers import TODAY, facts

DAY = timedelta(days=1)
NOVEMBER = Days(TODAY, date(2026, 11, 30), TODAY, PlanSettings())


def kinds(card: ProspectFacts, days: Days = NOVEMBER) -> list[str]:
    return [need.kind for need in needs_of(card, days)]


def test_the_table_lists_every_reason_once_in_the_order_of_ties() -> None:
    assert [r.__name__ for r in REASONS] == [
        "next_step", "revisit", "a_window", "cadence", "key_account", "seasons",
        "customer", "retention", "thank_you", "birthday",
    ]


def test_needs_of_is_every_reason_in_table_order() -> None:
    card = facts(status="customer", key_account=True, next_date=TODAY + 2 * DAY,
                 closed_on=date(2026, 1, 1), last_contact=date(2026, 8, 1),
                 birthday=date(1970, 11, 25))
    days = Days(TODAY, date(2026, 11, 30), TODAY, PlanSettings(season_dates=((12, 1),)))
    assert kinds(card, days) == ["next_step", "key_account", "season", "retention", "birthday"]
    assert needs_of(card, days) == [n for reason in REASONS for n in reason(card, days)]


def test_next_step_on_its_day_or_overdue_first() -> None:
    (ahead,) = next_step(facts(next_date=TODAY + 2 * DAY, next_action="demo"), NOVEMBER)
    assert (ahead.due, ahead.fixed, ahead.reason, ahead.late) == (
        TODAY + 2 * DAY, TODAY + 2 * DAY, "next step Fri: demo", False)
    (late,) = next_step(facts(next_date=TODAY - 4 * DAY), NOVEMBER)
    assert (late.due, late.weight, late.reason, late.late) == (
        TODAY, 102.0, "next step overdue 4d: next step", True)
    assert next_step(facts(next_date=date(2026, 12, 3)), NOVEMBER) == ()  # after the period
    assert next_step(facts(status="parked", next_date=TODAY), NOVEMBER) == ()


def test_a_revisit_rhythm_replaces_the_grades() -> None:
    card = facts(grade="A", follow_up="revisit", revisit_days=10, graded_on=TODAY - 2 * DAY,
                 last_contact=None, last_visit=TODAY - 12 * DAY)
    assert kinds(card) == ["revisit"]
    assert a_window(card, NOVEMBER) == () and cadence(card, NOVEMBER) == ()
    (need,) = revisit(card, NOVEMBER)
    assert (need.due, need.earliest) == (TODAY, TODAY)
    assert need.reason == "revisit every 10 days, last visit 12 days ago"


def test_a_window_before_its_end_then_visit_or_regrade() -> None:
    (need,) = a_window(facts(grade="A", graded_on=TODAY - 3 * DAY, last_contact=None), NOVEMBER)
    assert (need.due, need.reason) == (TODAY + 4 * DAY, "A, window ends Sun")
    (past,) = a_window(facts(grade="A", graded_on=TODAY - 9 * DAY, last_contact=None), NOVEMBER)
    assert past.late and past.reason == "A, window ended Mon 16: visit or regrade"
    assert a_window(facts(grade="A", graded_on=TODAY - 3 * DAY), NOVEMBER) == ()  # contacted


@pytest.mark.parametrize(("grade", "days", "weight"), [("B", 14, 40.0), ("C", 30, 20.0)])
def test_cadence_from_the_last_contact(grade: str, days: int, weight: float) -> None:
    (need,) = cadence(facts(grade=grade, last_contact=TODAY - days * DAY), NOVEMBER)
    assert (need.due, need.weight, need.earliest) == (TODAY, weight, TODAY)
    assert cadence(facts(grade=grade, last_contact=TODAY - DAY), Days(
        TODAY, TODAY + 5 * DAY, TODAY, PlanSettings())) == ()  # not due in the days planned


def test_key_accounts_and_their_seasons() -> None:
    card = facts(status="customer", key_account=True, last_visit=TODAY - 31 * DAY,
                 last_contact=TODAY - 31 * DAY, closed_on=date(2026, 1, 1))
    (visit,) = key_account(card, NOVEMBER)
    assert visit.reason == "key account, last visit 31 days ago"
    days = Days(TODAY, date(2026, 11, 30), TODAY, PlanSettings(season_dates=((12, 1), (3, 1))))
    (season,) = seasons(card, days)  # only the season whose two weeks start in the days
    assert (season.due, season.earliest) == (date(2026, 11, 30), date(2026, 11, 17))
    assert seasons(facts(), days) == ()  # not a key account
    called = facts(status="customer", key_account=True, last_contact=TODAY - DAY)
    assert seasons(called, days) == ()  # already called in the two weeks


def test_customers_by_value_and_silence() -> None:
    big = facts(status="customer", value=50_000, last_visit=TODAY - 100 * DAY,
                last_contact=TODAY - 70 * DAY)
    (visit,) = customer(big, NOVEMBER)
    assert visit.weight == 35.0  # 30 + 50,000 / the 10,000 threshold
    (call,) = retention(big, NOVEMBER)
    assert (call.due, call.warning) == (TODAY, "no contact for 70 days")
    assert customer(facts(status="customer", key_account=True), NOVEMBER) == ()
    assert retention(facts(status="live", last_contact=TODAY - 90 * DAY), NOVEMBER) == ()


def test_thank_you_and_birthday() -> None:
    bought = facts(status="customer", purchase=(TODAY - 2 * DAY, 12_000.0),
                   last_contact=TODAY - 3 * DAY)
    (thanks,) = thank_you(bought, NOVEMBER)
    assert (thanks.due, thanks.reason) == (TODAY + 5 * DAY, "thank-you: bought 12,000 Mon 16")
    small = facts(status="customer", purchase=(TODAY - 2 * DAY, 900.0))
    assert thank_you(small, NOVEMBER) == ()
    (greet,) = birthday(facts(birthday=date(1980, 11, 22)), NOVEMBER)  # a Sunday
    assert (greet.due, greet.fixed) == (date(2026, 11, 22), date(2026, 11, 21))


@pytest.mark.parametrize(
    ("first", "last", "born", "greeted"),
    [
        (date(2027, 2, 1), date(2027, 2, 28), date(1972, 2, 29), date(2027, 2, 27)),  # Sun 28
        (date(2028, 2, 1), date(2028, 3, 5), date(1972, 2, 29), date(2028, 2, 29)),
        (date(2026, 12, 21), date(2027, 1, 31), date(1980, 1, 3), date(2027, 1, 2)),  # Sun 3
        (date(2026, 12, 21), date(2027, 1, 31), date(1980, 12, 22), date(2026, 12, 22)),
        (date(2026, 12, 21), date(2027, 1, 31), date(1980, 12, 20), None),
        (date(2026, 12, 21), date(2027, 1, 31), date(1980, 2, 1), None),
    ],
)
def test_a_birthday_in_the_days_on_its_day_of_the_year(
    first: date, last: date, born: date, greeted: date | None
) -> None:
    """The same day of the year in any year of the days (across New Year, 29 February on
    the 28th in a common year), whatever the day asked before (the answer is kept)."""
    days = Days(first, last, first, PlanSettings())
    for _ in range(2):
        found = birthday(facts(birthday=born), days)
        assert [n.fixed for n in found] == ([greeted] if greeted else [])
