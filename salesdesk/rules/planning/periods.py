"""Plan periods: a Monday-to-Sunday week, a calendar month, and the span suggestions are
worked out for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

SUNDAY = 6


@dataclass(frozen=True)
class Period:
    """The days a plan covers: a Monday-to-Sunday week or a calendar month."""

    kind: str  # "week" | "month" | "span" (the days suggestions are worked out for)
    start: date
    end: date

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def shifted(self, steps: int) -> Period:
        """The period ``steps`` weeks or months later (earlier when negative)."""
        if self.kind == "week":
            return week_of(self.start + timedelta(weeks=steps))
        month = self.start.month - 1 + steps
        return month_of(date(self.start.year + month // 12, month % 12 + 1, 1))

    @property
    def title(self) -> str:
        if self.kind == "month":
            return self.start.strftime("%B %Y")
        week = self.start.isocalendar().week
        last = self.end - timedelta(days=1)  # Saturday: the working week
        if self.start.month == last.month:
            span = f"{self.start.day}–{last.day} {last:%b %Y}"
        else:
            span = f"{self.start.day} {self.start:%b} – {last.day} {last:%b %Y}"
        return f"Week {week} · {span}"


def planning_day(today: date) -> date:
    """The day a plan opens on: today, or on a Sunday (no working day left in the week)
    the Monday after, so the rep plans the coming week."""
    return today + timedelta(days=1) if today.weekday() == SUNDAY else today


def after_hours(now: time, working_hours: str) -> bool:
    """Whether the working day (``09:00-18:00``) is over at ``now``: suggestions worked out
    then start tomorrow, since nobody visits anyone at 19:00. A bad value means no limit."""
    try:
        end = time.fromisoformat(working_hours.split("-")[1].strip())
    except (IndexError, ValueError):
        return False
    return now >= end


def suggestion_period(day: date) -> Period:
    """The days suggestions are worked out for while ``day`` is selected, in the week view
    and the month view alike: the calendar month holding ``day``, in whole weeks (from the
    Monday of its first week to the Sunday of its last). Both views, and both shells, show
    slices of that one computation (:meth:`Suggestions.within`), so switching views never
    changes where a suggestion goes or whether it has room."""
    month = month_of(day)
    return Period("span", week_of(month.start).start, week_of(month.end).end)


def selected_day(period: Period, today: date) -> date:
    """The day a shown period is planned from when none is selected (the command line):
    the planning day when the period holds it, else the period's first day."""
    day = planning_day(today)
    return day if day in period else period.start


def week_of(day: date) -> Period:
    """The week (Monday to Sunday) holding ``day``."""
    start = day - timedelta(days=day.weekday())
    return Period("week", start, start + timedelta(days=6))


def month_of(day: date) -> Period:
    """The calendar month holding ``day``."""
    start = day.replace(day=1)
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return Period("month", start, following - timedelta(days=1))
