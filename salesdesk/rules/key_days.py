"""When a card's board key may next change by the calendar alone (pure: ``today`` is a
parameter).

A card's key (its urgency score, the review-due and overdue flags, the items it puts on
today's list) moves with the date only through parts that start on a day or run up to a
cap: an overdue step's points stop growing after 10 days, a grade's past-window points
after 20, staleness after 15 days; a next step, a visit, a window's end, a birthday and
a thank-you's week start or end on known days. Each part gives the first day after
``today`` on which it may change, and the board's key table rescores a card only when
that day comes (:mod:`salesdesk.data.board_keys`): most old cards have reached every cap
and are never rescored by the date again (None).

The days may be early (a rescoring that finds the same key costs a little), never late:
``tests/test_board_keys.py`` scores cards on every day up to the one given and checks the
key does not move before it.
"""

from __future__ import annotations

from datetime import date, timedelta
from math import ceil

from salesdesk.rules.grading import (
    REVIEW_EVERY_DAYS,
    W_OVERDUE_CAP,
    W_OVERDUE_PER_DAY,
    W_PAST_WINDOW_CAP,
    W_PAST_WINDOW_PER_DAY,
    W_STALE_CAP,
    W_STALE_PER_DAY,
    WINDOW_DAYS,
    Grade,
)
from salesdesk.rules.planning.needs import THANK_YOU_DAYS
from salesdesk.rules.planning.rows import ProspectFacts

#: Days after which each growing part has reached its cap (it no longer changes).
OVERDUE_CAP_DAYS = ceil(W_OVERDUE_CAP / W_OVERDUE_PER_DAY)
PAST_WINDOW_CAP_DAYS = ceil(W_PAST_WINDOW_CAP / W_PAST_WINDOW_PER_DAY)
STALE_CAP_DAYS = ceil(W_STALE_CAP / W_STALE_PER_DAY)
#: A next step within this many days scores as "soon" (see grading._evaluate).
SOON_DAYS = 3

_DAY = timedelta(days=1)


def first_after(today: date, days: list[date | None]) -> date | None:
    """The earliest of ``days`` after ``today`` (None: none is)."""
    later = [day for day in days if day is not None and day > today]
    return min(later) if later else None


def score_changes(
    grade: Grade,
    graded_on: date,
    last_looked: date | None,
    touched_on: date | None,
    created_on: date,
    next_date: date | None,
    today: date,
) -> date | None:
    """The first day after ``today`` the urgency score or its flags may differ (the
    inputs of :func:`salesdesk.rules.grading.score`; the clocks in hours are the
    caller's: a first contact's deadline is a moment, not a day)."""
    days: list[date | None] = []
    if next_date is not None:
        if today < next_date - timedelta(days=SOON_DAYS):
            days.append(next_date - timedelta(days=SOON_DAYS))
        elif today < next_date:
            days.append(next_date)
        elif today < next_date + timedelta(days=OVERDUE_CAP_DAYS):
            days.append(today + _DAY)  # one more day overdue, one more half point
    window_end = graded_on + timedelta(days=WINDOW_DAYS[grade])
    if today <= window_end:
        days.append(window_end + _DAY)
    elif today < window_end + timedelta(days=PAST_WINDOW_CAP_DAYS):
        days.append(today + _DAY)
    if last_looked is not None:
        days.append(last_looked + timedelta(days=REVIEW_EVERY_DAYS[grade]))
    if today < (touched_on or created_on) + timedelta(days=STALE_CAP_DAYS):
        days.append(today + _DAY)
    return first_after(today, days)


def list_changes(p: ProspectFacts, today: date, next_visit: date | None) -> date | None:
    """The first day after ``today`` the number of items the card puts on today's list
    (:func:`salesdesk.rules.today.card_items`) may differ: ``next_visit`` is its first
    planned visit after today. (A new lead comes onto the list on the day its
    first-contact clock runs out: the caller adds that day, it knows the clock.)"""
    if p.status not in ("live", "customer"):
        return None
    days: list[date | None] = [next_visit, p.next_date]
    if p.birthday is not None:
        days += _birthday_days(p.birthday, today)
    if p.purchase is not None:
        bought_on = p.purchase[0]
        days += [bought_on, bought_on + timedelta(days=THANK_YOU_DAYS + 1)]
    if p.status == "live" and p.graded_on is not None:
        days.append(p.graded_on + timedelta(days=WINDOW_DAYS[Grade(p.grade)] + 1))
    return first_after(today, days)


def _birthday_days(birthday: date, today: date) -> list[date | None]:
    """The days a birthday's greeting comes onto the list and leaves it, this year and
    next (29 February: the 28th, the 29th in a leap year, and 1 March)."""
    days: list[date | None] = []
    for year in (today.year, today.year + 1):
        if (birthday.month, birthday.day) == (2, 29):
            days += [date(year, 2, 28), date(year, 3, 1)]
            if _is_leap(year):
                days.append(date(year, 2, 29))
        else:
            day = date(year, birthday.month, birthday.day)
            days += [day, day + _DAY]
    return days


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
