"""How the plan says when: ``today``, ``Thu``, ``due by 28 Nov``."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from salesdesk.rules.planning.preferences import WEEKDAY_NAMES
from salesdesk.rules.planning.rows import Suggestion


@lru_cache(maxsize=4096)  # a reason per card: the same few days over and over
def when(day: date, today: date) -> str:
    """``today``, ``tomorrow``, ``Thu`` (within the coming week), else ``12 Dec``."""
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    if 1 < delta < 7:
        return WEEKDAY_NAMES[day.weekday()]
    if -7 < delta < 0:
        return f"{WEEKDAY_NAMES[day.weekday()]} {day.day}"
    text = f"{day.day} {day:%b}"
    return text if day.year == today.year else f"{text} {day.year}"


def due_words(s: Suggestion, today: date) -> str:
    """When a suggestion is due, for one listed without a day: its firm last day when it has
    one (``due by 28 Nov``; a cadence due now does not make it "due today"), ``overdue``
    when that day has passed, else the day its "every N days" reason comes due (``due 24
    Nov``, ``due now`` once reached)."""
    if s.deadline is not None:
        return "due today" if s.deadline <= today else f"due by {when(s.deadline, today)}"
    if s.urgent:
        return "overdue"
    return "due now" if s.due <= today else f"due {when(s.due, today)}"


def ago(days: int) -> str:
    return "today" if days == 0 else "yesterday" if days == 1 else f"{days} days ago"


def amount(value: float) -> str:
    return f"{value:,.0f}"
