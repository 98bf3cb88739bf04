"""A key person's preferences and the times a rep types: visit days, visit time, the
new-customer day, ``HH:MM`` times and visit lengths."""

from __future__ import annotations

import re
from datetime import date, timedelta

from salesdesk.errors import InputError

DEFAULT_MINUTES = 60

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAY_WORDS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("mon", "monday", "mo", "一", "周一", "星期一", "礼拜一"),
        ("tue", "tues", "tuesday", "tu", "二", "周二", "星期二", "礼拜二"),
        ("wed", "wednesday", "we", "三", "周三", "星期三", "礼拜三"),
        ("thu", "thur", "thurs", "thursday", "th", "四", "周四", "星期四", "礼拜四"),
        ("fri", "friday", "fr", "五", "周五", "星期五", "礼拜五"),
        ("sat", "saturday", "sa", "六", "周六", "星期六", "礼拜六"),
        ("sun", "sunday", "su", "日", "天", "周日", "周天", "星期日", "星期天", "礼拜天"),
    )
):
    for _name in _names:
        _WEEKDAY_WORDS[_name] = _index


_TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?$")


def parse_time(text: str) -> str:
    """``9``, ``9:30``, ``0930``, ``2pm``, ``14h`` -> ``HH:MM``; InputError otherwise."""
    value = text.strip().lower().replace(" ", "")
    if value.endswith("h"):
        value = value[:-1]
    if value.isdigit() and len(value) in (3, 4):
        value = f"{value[:-2]}:{value[-2:]}"
    match = _TIME.match(value)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        suffix = match.group(3)
        if suffix and not 1 <= hour <= 12:
            hour = 99
        elif suffix == "pm" and hour != 12:
            hour += 12
        elif suffix == "am" and hour == 12:
            hour = 0
        if hour < 24 and minute < 60:
            return f"{hour:02d}:{minute:02d}"
    raise InputError(f"invalid time {text.strip()!r}: use HH:MM, e.g. 09:30 or 14:00")


def parse_minutes(text: str) -> int | None:
    """A visit length in minutes (``45``, ``1h``, ``1h30``, ``90m``); empty means none."""
    value = text.strip().lower().replace(" ", "")
    if not value:
        return None
    match = re.match(r"^(?:(\d{1,2})h)?(?:(\d{1,4})(?:m|min)?)?$", value)
    if match and (match.group(1) or match.group(2)):
        total = int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
        if 1 <= total <= 24 * 60:
            return total
    raise InputError(f"invalid length {text.strip()!r}: use minutes (45) or hours (1h30)")


def parse_visit_days(text: str) -> frozenset[int]:
    """Preferred weekdays from free text: ``tue,thu``, ``Mon-Wed``, ``weekdays``, ``周二 周四``.

    Words it does not know are ignored (the field is free text); empty means any day.
    """
    value = text.strip().lower()
    if not value:
        return frozenset()
    if value in ("weekdays", "workdays", "工作日"):
        return frozenset(range(5))
    days: set[int] = set()
    for part in re.split(r"[,;/\s、，]+", value):
        if not part:
            continue
        ends = re.split(r"[-–~至到]", part)
        if len(ends) == 2 and ends[0] in _WEEKDAY_WORDS and ends[1] in _WEEKDAY_WORDS:
            first, last = _WEEKDAY_WORDS[ends[0]], _WEEKDAY_WORDS[ends[1]]
            days.update(range(first, last + 1) if first <= last else ())
        elif part.rstrip("s") in _WEEKDAY_WORDS:
            days.add(_WEEKDAY_WORDS[part.rstrip("s")])
        elif part in _WEEKDAY_WORDS:
            days.add(_WEEKDAY_WORDS[part])
    return frozenset(days)


_TIME_WORDS: dict[str, tuple[str, str | None]] = {
    "morning": ("09:00", "12:00"),
    "mornings": ("09:00", "12:00"),
    "am": ("09:00", "12:00"),
    "上午": ("09:00", "12:00"),
    "早上": ("09:00", "12:00"),
    "noon": ("12:00", "13:30"),
    "lunch": ("12:00", "13:30"),
    "中午": ("12:00", "13:30"),
    "afternoon": ("14:00", "17:00"),
    "afternoons": ("14:00", "17:00"),
    "pm": ("14:00", "17:00"),
    "下午": ("14:00", "17:00"),
    "evening": ("18:00", "20:00"),
    "evenings": ("18:00", "20:00"),
    "晚上": ("18:00", "20:00"),
}


def parse_visit_time(text: str) -> tuple[str, str | None] | None:
    """Preferred time from free text: ``14:00-17:00``, ``morning``, ``after 3pm``, ``下午``.

    Returns (first, last) as ``HH:MM`` (last may be None), or None when not understood.
    """
    value = text.strip().lower()
    if not value:
        return None
    for word, span in _TIME_WORDS.items():
        if value == word or value.startswith(word + " ") or value.endswith(" " + word):
            return span
    after = re.match(r"^(?:after|from|since)\s+(.+)$", value)
    if after:
        try:
            return parse_time(after.group(1)), None
        except InputError:
            return None
    parts = re.split(r"\s*[-–~至到]\s*", value)
    try:
        if len(parts) == 2:
            return parse_time(parts[0]), parse_time(parts[1])
        if len(parts) == 1:
            return parse_time(parts[0]), None
    except InputError:
        return None
    return None


def _nth_weekday(year: int, month: int, nth: int, weekday: int) -> date | None:
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    return day if day.month == month else None


def new_customer_days(setting: str, start: date, end: date) -> set[date]:
    """The new-customer days (``2-fri``: the Friday of the second week) from start to end."""
    match = re.match(r"^([1-5])-(\w{3})$", setting.strip().lower())
    if not match or match.group(2) not in _WEEKDAY_WORDS:
        return set()
    nth, weekday = int(match.group(1)), _WEEKDAY_WORDS[match.group(2)]
    found: set[date] = set()
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        day = _nth_weekday(year, month, nth, weekday)
        if day is not None and start <= day <= end:
            found.add(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:5])


def _hhmm(total: int) -> str:
    return f"{total // 60:02d}:{total % 60:02d}"


def start_time(pref: tuple[str, str | None] | None, taken: set[str]) -> str | None:
    if pref is None:
        return None
    first, last = pref
    start = _minutes(first)
    limit = _minutes(last) if last else start + 4 * 60
    moment = start
    while _hhmm(moment) in taken and moment + DEFAULT_MINUTES <= limit:
        moment += DEFAULT_MINUTES
    return _hhmm(moment)
