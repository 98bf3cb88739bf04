"""Friendly date parsing: ISO dates plus today, tomorrow, fri, +3d, 2w, 1m."""

from __future__ import annotations

import re
from datetime import date, timedelta

from salesdesk.errors import InputError

_WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}
#: Weekday names a date may be given as ("fri", "friday").
WEEKDAY_NAMES = frozenset(_WEEKDAYS)
_OFFSET = re.compile(r"^\+?(\d{1,4})\s*([dwm])$")
DATE_HELP = "use YYYY-MM-DD, today, tomorrow, a weekday (fri), or an offset (+3d, 2w, 1m)"


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


MIN_YEAR, MAX_YEAR = 1900, 2999


def parse_date(text: str, today: date) -> date:
    """Parse ``text`` relative to ``today``; raise :class:`InputError` if it is not a date.

    A weekday name means its next occurrence after today (``fri`` on a Friday is a week on).
    Years outside 1900-2999 are refused (they are typos, and break week arithmetic).
    """
    day = _parse_date(text, today)
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InputError(f"invalid date {text.strip()!r}: the year must be {MIN_YEAR}-{MAX_YEAR}")
    return day


def _parse_date(text: str, today: date) -> date:
    value = text.strip().lower()
    if not value:
        raise InputError(f"empty date: {DATE_HELP}")
    if value in ("today", "tod", "now"):
        return today
    if value in ("tomorrow", "tom", "tmr"):
        return today + timedelta(days=1)
    if value == "yesterday":
        return today - timedelta(days=1)
    if value in _WEEKDAYS:
        ahead = (_WEEKDAYS[value] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    match = _OFFSET.match(value)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        if unit == "d":
            return today + timedelta(days=amount)
        if unit == "w":
            return today + timedelta(weeks=amount)
        return _add_months(today, amount)
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    raise InputError(f"invalid date {text.strip()!r}: {DATE_HELP}")


def parse_optional_date(text: str | None, today: date) -> date | None:
    """Like :func:`parse_date`, but empty text or ``none``/``-`` clears the date."""
    if text is None or text.strip().lower() in ("", "none", "-", "clear"):
        return None
    return parse_date(text, today)


def parse_next_date(text: str | None, today: date) -> date | None:
    """A next-step date: like :func:`parse_optional_date`, but never in the past (a next
    step is something still to do; log what already happened instead)."""
    day = parse_optional_date(text, today)
    if day is not None and day < today:
        raise InputError(f"the next step cannot be in the past ({day.isoformat()})")
    return day


def short_date(day: date | None, today: date) -> str:
    """Compact human form: ``today``, ``tmrw``, ``Fri 27``, ``27 Nov``, or ISO for other years."""
    if day is None:
        return ""
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tmrw"
    if delta == -1:
        return "yday"
    if 1 < delta < 7:
        return day.strftime("%a %d").replace(" 0", " ")
    if day.year == today.year:
        return f"{day.day} {day.strftime('%b')}"
    return day.isoformat()
