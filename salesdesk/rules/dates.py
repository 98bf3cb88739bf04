"""Friendly dates, in English and Chinese, always relative to an explicit ``today``.

What a typed date means (weeks run Monday to Sunday):

- ``today`` ``tomorrow`` ``yesterday`` · 今天 明天 后天 大后天 昨天 前天;
- a weekday alone, ``fri`` or 周五 (星期五, 礼拜五): the next Friday *after* today, so
  ``fri`` typed on a Friday is a week on;
- ``this fri`` or 本周五 (这周五): the Friday of this week, even when it has passed;
- ``next fri`` or 下周五 (下星期五): the Friday of next week. On a Wednesday ``fri`` is in
  two days and ``next fri`` in nine; from Saturday on both are the coming Friday;
- ``last fri`` or 上周五: the Friday of last week;
- offsets ``+3d`` ``2w`` ``1m`` (days, weeks, months);
- a day of a month: ``dec 5``, ``5 dec``, ``december 5th``, 12月5日 (12月5号): its next
  occurrence from today on (today included); with a year, ``dec 5 2026``, ``5 dec 2026``,
  2026年12月5日, exactly that day;
- ISO ``2026-12-05`` (also ``2026-12-5``, ``2026/12/5``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from salesdesk.errors import InputError

_WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}
#: Weekday names a date may be given as ("fri", "friday").
WEEKDAY_NAMES = frozenset(_WEEKDAYS)
_CN_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}
_DAYS_FROM_TODAY = {
    "today": 0, "tod": 0, "now": 0, "今天": 0, "今日": 0,
    "tomorrow": 1, "tom": 1, "tmr": 1, "tmrw": 1, "明天": 1, "明日": 1,
    "后天": 2, "大后天": 3, "yesterday": -1, "昨天": -1, "前天": -2,
}
_OFFSET = re.compile(r"^\+?(\d{1,4})\s*([dwm])$")
_WORD_WEEKDAY = re.compile(r"^(?:(this|next|last)\s+)?([a-z]+)$")
_CN_WEEKDAY = re.compile(r"^(本|这|下|上)?(?:周|星期|礼拜)([一二三四五六日天])$")
_NUMERIC = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_CN_DAY = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]?$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?(?:,?\s+(\d{4}))?$")
_MONTH_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$")
_WEEK_SHIFT = {None: None, "this": 0, "本": 0, "这": 0, "next": 1, "下": 1, "last": -1, "上": -1}

DATE_HELP = (
    "use YYYY-MM-DD, today, tomorrow, a weekday (fri, next fri), a day (dec 5, 5 dec), "
    "an offset (+3d, 2w, 1m), or 明天, 周五, 下周五, 12月5日"
)
MIN_YEAR, MAX_YEAR = 1900, 2999


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def parse_date(text: str, today: date) -> date:
    """Parse ``text`` relative to ``today`` (see the module for the forms); raise
    :class:`InputError` if it is not a date. Years outside 1900-2999 are refused (they are
    typos, and break week arithmetic)."""
    day = _parse_date(text, today)
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InputError(f"invalid date {text.strip()!r}: the year must be {MIN_YEAR}-{MAX_YEAR}")
    return day


def _weekday(weekday: int, shift: int | None, today: date) -> date:
    """A weekday alone (``shift`` None): the next one after today; else the one of this
    week (0), next week (1) or last week (-1)."""
    if shift is None:
        return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(weeks=shift, days=weekday)


def _day_of_month(text: str, year: str | None, month: int, day: str, today: date) -> date:
    """A day of a month: that year's, or without a year the next one from today on."""
    try:
        if year is not None:
            return date(int(year), month, int(day))
        for ahead in range(9):  # 29 February: the next leap year's
            try:
                found = date(today.year + ahead, month, int(day))
            except ValueError:
                if (month, int(day)) == (2, 29):
                    continue
                raise
            if found >= today:
                return found
    except ValueError:
        pass
    raise InputError(f"invalid date {text!r}: no such day; {DATE_HELP}")


def _parse_date(text: str, today: date) -> date:
    raw = text.strip()
    value = " ".join(raw.lower().split())
    if not value:
        raise InputError(f"empty date: {DATE_HELP}")
    if value in _DAYS_FROM_TODAY:
        return today + timedelta(days=_DAYS_FROM_TODAY[value])
    compact = value.replace(" ", "")
    match = _CN_WEEKDAY.match(compact)
    if match:
        return _weekday(_CN_WEEKDAYS[match.group(2)], _WEEK_SHIFT[match.group(1)], today)
    match = _WORD_WEEKDAY.match(value)
    if match and match.group(2) in _WEEKDAYS:
        return _weekday(_WEEKDAYS[match.group(2)], _WEEK_SHIFT[match.group(1)], today)
    match = _OFFSET.match(value)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        if unit == "d":
            return today + timedelta(days=amount)
        if unit == "w":
            return today + timedelta(weeks=amount)
        return _add_months(today, amount)
    match = _NUMERIC.match(value)
    if match:
        year, month, day = match.groups()
        return _day_of_month(raw, year, int(month), day, today)
    match = _CN_DAY.match(compact)
    if match:
        year, month, day = match.groups()
        return _day_of_month(raw, year, int(month), day, today)
    for pattern, month_at, day_at in ((_MONTH_DAY, 1, 2), (_DAY_MONTH, 2, 1)):
        match = pattern.match(value)
        if match and match.group(month_at) in _MONTHS:
            month = _MONTHS[match.group(month_at)]
            return _day_of_month(raw, match.group(3), month, match.group(day_at), today)
    try:
        return date.fromisoformat(value)  # the other ISO forms: 20261205, 2026-W49-1
    except ValueError:
        pass
    raise InputError(f"invalid date {raw!r}: {DATE_HELP}")


#: What clears an optional date.
NO_DATE = ("", "none", "-", "clear", "无")


def parse_optional_date(text: str | None, today: date) -> date | None:
    """Like :func:`parse_date`, but empty text, ``none``, ``-`` or 无 clears the date."""
    if text is None or text.strip().lower() in NO_DATE:
        return None
    return parse_date(text, today)


def parse_next_date(text: str | None, today: date) -> date | None:
    """A next-step date: like :func:`parse_optional_date`, but never in the past (a next
    step is something still to do; log what already happened instead)."""
    day = parse_optional_date(text, today)
    if day is not None and day < today:
        raise InputError(
            f"the next step cannot be in the past ({day_name(day, today)}, {day.isoformat()})"
        )
    return day


def day_name(day: date, today: date) -> str:
    """The day as a confirmation names it: ``Fri 4 Dec`` (``Fri 4 Dec 2027`` in another
    year), so the rep sees which day ``fri`` or ``12月5日`` turned out to be."""
    name = f"{day.strftime('%a')} {day.day} {day.strftime('%b')}"
    return name if day.year == today.year else f"{name} {day.year}"


def next_step_said(day: date | None, today: date) -> str:
    """How a confirmation names a next step's day: ``next step Fri 4 Dec``, ``no next
    step``."""
    return f"next step {day_name(day, today)}" if day is not None else "no next step"


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


_CLOCK = re.compile(r"^(?:(.*?)[ t])?([01]?\d|2[0-3]):([0-5]\d)$")
_AGO = re.compile(r"^-(\d{1,4})\s*(m|min|h)$")
MOMENT_HELP = "use HH:MM (today), a date and HH:MM (yesterday 16:30, 2026-12-01 09:15) or -2h"


def parse_moment(text: str, now: datetime) -> datetime:
    """When something happened: ``14:30`` (today), ``yesterday 16:30``, ``2026-12-01
    09:15``, ``-2h`` / ``-30m`` (ago), or a date alone (that day, at now's time of day).
    InputError for anything else."""
    value = " ".join(text.strip().lower().split())
    if not value or value == "now":
        return now
    match = _AGO.match(value)
    if match:
        amount = int(match.group(1))
        unit = timedelta(hours=1) if match.group(2) == "h" else timedelta(minutes=1)
        return now - amount * unit
    match = _CLOCK.match(value)
    try:
        if match:
            day = parse_date(match.group(1), now.date()) if match.group(1) else now.date()
            return datetime.combine(day, time(int(match.group(2)), int(match.group(3))))
        return datetime.combine(parse_date(value, now.date()), now.time())
    except InputError:
        raise InputError(f"invalid time {text.strip()!r}: {MOMENT_HELP}") from None
