"""Review weeks: Monday to Sunday, ISO week names, the week a user means, selling weeks
left."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salesdesk.rules.review.results import WeeklyReview

WEEK = timedelta(days=7)
SELLING_WEEKS_PER_YEAR = 35


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def week_end(start: date) -> date:
    """The Sunday of the week starting on ``start``."""
    return start + timedelta(days=6)


def iso_week(start: date) -> str:
    """``2026-W47`` (ISO week: the year-end week Mon 2026-12-28 is 2026-W53)."""
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}"


def selling_weeks_left(day: date) -> float:
    """Effective selling weeks left in ``day``'s year after ``day``: 35 a year, pro rata."""
    year_end = date(day.year, 12, 31)
    days_in_year = (year_end - date(day.year, 1, 1)).days + 1
    return round(SELLING_WEEKS_PER_YEAR * (year_end - day).days / days_in_year, 1)


def parse_week(text: str | None, today: date, *, past: bool = False) -> date:
    """The Monday of the week the user means: a date in it (``2026-11-18``, ``fri``,
    ``+1w``), an ISO week (``2026-W47``), ``this``, ``last``, ``next`` or ``-2w`` (weeks
    back). InputError otherwise.

    ``past`` (the review): a weekday name is its latest occurrence up to today, and a week
    that has not begun is refused, since nothing in it can be reviewed yet."""
    from salesdesk.errors import InputError
    from salesdesk.rules.dates import WEEKDAY_NAMES, parse_date

    value = ("this" if text is None else text).strip().lower()
    this = week_start(today)
    words = {"this": 0, "current": 0, "last": -1, "previous": -1, "prev": -1, "next": 1}
    iso = re.fullmatch(r"(\d{4})-?w(\d{1,2})", value)
    back = re.fullmatch(r"-(\d{1,3})\s*w", value)
    try:
        if value in words:
            monday = this + words[value] * WEEK
        elif back:
            monday = this - int(back.group(1)) * WEEK
        elif iso:
            monday = date.fromisocalendar(int(iso.group(1)), int(iso.group(2)), 1)
        else:
            if not value:
                raise InputError("empty")
            day = parse_date(value, today)
            if past and value in WEEKDAY_NAMES and day > today:
                day -= WEEK  # "fri" in a review: the Friday just gone
            monday = week_start(day)
    except (InputError, ValueError):
        raise InputError(
            f"invalid week {text.strip() if text else ''!r}: use a date in the week "
            "(2026-11-16, fri), an ISO week (2026-W47), this, last, next or -2w"
        ) from None
    if past and monday > this:
        raise InputError(
            f"the week of {monday.isoformat()} has not begun: review this week or an "
            "earlier one"
        )
    return monday


def week_label(review: WeeklyReview) -> str:
    """``2026-W47 · Mon 16 Nov – Sun 22 Nov 2026``."""
    start, end = review.week_start, review.week_end
    first = f"{start:%a} {start.day} {start:%b}"
    if start.year != end.year:
        first += f" {start.year}"
    return f"{review.iso_week} · {first} – {end:%a} {end.day} {end:%b} {end.year}"
