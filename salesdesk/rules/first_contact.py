"""The first-contact clock of a new inbound lead, in working time.

A new web, phone-in, walk-in, exhibition or referral lead cools within hours (HBR 2011:
contacted within the hour, about seven times as likely to qualify), so a card from an
inbound source gets a deadline: ``hours`` working hours after it came in, counted inside
the working hours on working days only. A lead at 10:15 on a Tuesday is due 11:15; one at
17:30 is due 09:30 the next working morning (with 09:00-18:00); one on Saturday, 10:00 on
Monday. Pure: every moment is a parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache

from salesdesk.errors import InputError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-4]):([0-5]\d)\s*$")


@dataclass(frozen=True, slots=True)
class WorkingTime:
    """When the rep works: opening and closing time, and the working weekdays (0 = Mon)."""

    start: time = time(9)
    end: time = time(18)
    days: frozenset[int] = frozenset(range(5))

    def is_working_day(self, moment: datetime) -> bool:
        return moment.weekday() in self.days

    def opening(self, day: datetime) -> datetime:
        return datetime.combine(day.date(), self.start)

    def closing(self, day: datetime) -> datetime:
        if self.end == time(0):
            return datetime.combine(day.date() + timedelta(days=1), time(0))
        return datetime.combine(day.date(), self.end)


class FirstContact(StrEnum):
    RUNNING = "running"  # not contacted yet, deadline ahead
    MISSED = "missed"  # not contacted yet, deadline passed
    MET = "met"  # first touch in time
    LATE = "late"  # first touch after the deadline


def parse_working_hours(text: str) -> tuple[time, time]:
    """``09:00-18:00`` -> (09:00, 18:00); InputError unless it is HH:MM-HH:MM, start first."""
    match = _HOURS.match(text)
    if not match:
        raise InputError(f"invalid working hours {text.strip()!r}: use HH:MM-HH:MM (09:00-18:00)")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h2 == 24 and m2:
        raise InputError(f"invalid working hours {text.strip()!r}: the day ends at 24:00")
    start = time(h1, m1)
    end = time(0) if h2 == 24 else time(h2, m2)
    if end != time(0) and end <= start:
        raise InputError(f"invalid working hours {text.strip()!r}: the end must be after the start")
    return start, end


_DAYS_HELP = "use mon-fri or mon,tue,..."


def parse_working_days(text: str) -> frozenset[int]:
    """``mon,tue,wed,thu,fri`` or ``mon-fri`` -> weekday numbers; InputError otherwise."""
    days: set[int] = set()
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        if "-" in part:
            first, _, last = (s.strip()[:3] for s in part.partition("-"))
            if first not in DAY_NAMES or last not in DAY_NAMES:
                raise InputError(f"invalid working days {text.strip()!r}: {_DAYS_HELP}")
            a, b = DAY_NAMES.index(first), DAY_NAMES.index(last)
            days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        elif part[:3] in DAY_NAMES:
            days.add(DAY_NAMES.index(part[:3]))
        else:
            raise InputError(f"invalid working days {text.strip()!r}: {_DAYS_HELP}")
    if not days:
        raise InputError(f"working days cannot be empty: {_DAYS_HELP}")
    return frozenset(days)


def working_time(hours: str, days: str) -> WorkingTime:
    """The settings' text (``09:00-18:00``, ``mon-fri``) as a :class:`WorkingTime`."""
    start, end = parse_working_hours(hours)
    return WorkingTime(start, end, parse_working_days(days))


@lru_cache(maxsize=1024)
def is_inbound(source: str, inbound: str) -> bool:
    """True when the card's source is one of the ``first_contact_sources`` setting's
    (comma separated; case, spaces and underscores do not matter: Phone in = phone-in).
    Cached: an import asks it once per card with the same few sources."""
    wanted = {_norm(s) for s in inbound.split(",") if s.strip()}
    return _norm(source) in wanted if source.strip() else False


def _norm(text: str) -> str:
    return "-".join(text.strip().casefold().replace("_", " ").replace("-", " ").split())


def due_at(created: datetime, work: WorkingTime, hours: float = 1.0) -> datetime:
    """When the first contact is due: ``hours`` of working time after ``created``."""
    left = timedelta(hours=hours)
    moment = created
    for _ in range(3660):  # at most ten years of days: a guard, never reached
        if work.is_working_day(moment):
            opening, closing = work.opening(moment), work.closing(moment)
            begin = max(moment, opening)
            if begin < closing:
                if begin + left <= closing:
                    return begin + left
                left -= closing - begin
        moment = datetime.combine(moment.date() + timedelta(days=1), time(0))
    raise InputError("no working time in the working-hours settings")


def state(due: datetime, contacted_at: datetime | None, now: datetime) -> FirstContact:
    """Where a first-contact clock stands at ``now``."""
    if contacted_at is None:
        return FirstContact.RUNNING if now <= due else FirstContact.MISSED
    return FirstContact.MET if contacted_at <= due else FirstContact.LATE
