"""The weekly review's complaint and first-contact figures. Pure: plain facts in.

Definitions (the README repeats them):
- *received*: complaints that came in during the week; *answered within the window*: of
  those, answered no later than ``answer_hours`` after they came in (the share is of the
  week's complaints); *resolved*, *cause found*, *followed up*, *lessons*: steps dated in
  the week, whenever the complaint came in.
- The first-contact figures are of the new inbound leads created in the week: how many
  were contacted, the median time from creation to the first contact (calendar time), and
  the share contacted by the deadline among those whose clock has ended (contacted, or
  past the deadline by the end of the day judged at).
- A customer is *flagged* in the retention figures when a complaint of theirs came in
  during the 90 days up to the day judged at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median

from salesdesk.rules.complaints import CAUSE_LABELS, CauseKind
from salesdesk.rules.review.facts import ComplaintFact, FirstContactFact

FLAG_DAYS = 90


@dataclass(frozen=True)
class Lesson:
    prospect_id: int
    name: str
    company: str
    text: str


@dataclass(frozen=True)
class ComplaintFigures:
    received: int = 0
    answered_in_time: int = 0
    answered_share: float = 0.0  # of the week's complaints, 0..1
    resolved: int = 0
    by_cause: dict[str, int] | None = None  # causes found in the week, by kind
    followed_up: int = 0
    open_at_end: int = 0  # not resolved at the week's end
    lessons: tuple[Lesson, ...] = ()


@dataclass(frozen=True)
class FirstContactFigures:
    new_leads: int = 0  # cards with a first-contact clock created in the week
    contacted: int = 0
    median_minutes: float | None = None  # creation to first contact, of those contacted
    ended: int = 0  # clocks that ended: contacted, or past the deadline
    within: int = 0  # contacted by the deadline
    within_share: float = 0.0  # within / ended


def _in(moment: datetime | None, start: date, end: date) -> bool:
    return moment is not None and start <= moment.date() <= end


def complaint_figures(
    complaints: Sequence[ComplaintFact], start: date, end: date, hours: int
) -> ComplaintFigures:
    """The complaint figures of the week ``start``..``end`` (days, inclusive)."""
    window = timedelta(hours=hours)
    week = [c for c in complaints if _in(c.received_at, start, end)]
    in_time = sum(1 for c in week if c.answered_at is not None
                  and c.answered_at <= c.received_at + window)
    by_cause = {kind.value: 0 for kind in CauseKind}
    for c in complaints:
        if c.cause_kind in by_cause and _in(c.cause_at, start, end):
            by_cause[str(c.cause_kind)] += 1
    close = datetime.combine(end, time.max)
    lessons = tuple(
        Lesson(c.prospect_id, c.name, c.company, c.lesson)
        for c in sorted(complaints, key=lambda c: c.lesson_at or c.received_at)
        if c.lesson and _in(c.lesson_at, start, end)
    )
    return ComplaintFigures(
        received=len(week),
        answered_in_time=in_time,
        answered_share=in_time / len(week) if week else 0.0,
        resolved=sum(1 for c in complaints if _in(c.resolved_at, start, end)),
        by_cause=by_cause,
        followed_up=sum(1 for c in complaints if _in(c.followed_up_at, start, end)),
        open_at_end=sum(1 for c in complaints if c.received_at <= close
                        and (c.resolved_at is None or c.resolved_at > close)),
        lessons=lessons,
    )


def cause_label(kind: str) -> str:
    return CAUSE_LABELS[CauseKind(kind)]


def first_contact_figures(
    clocks: Sequence[FirstContactFact], start: date, end: date, judged: date,
    now: datetime | None = None,
) -> FirstContactFigures:
    """The first-contact figures of the leads created in the week, judged at the end of
    the day ``judged``, or at ``now`` when that is on the day (a clock still running then
    is not counted as ended)."""
    moment = now if now is not None and now.date() == judged else datetime.combine(
        judged, time.max)
    week = [c for c in clocks if start <= c.created_at.date() <= end]
    contacted = [c for c in week if c.contacted_at is not None]
    minutes = [((c.contacted_at - c.created_at).total_seconds() / 60) for c in contacted
               if c.contacted_at is not None]
    ended = [c for c in week if c.contacted_at is not None or c.due < moment]
    within = sum(1 for c in ended if c.contacted_at is not None and c.contacted_at <= c.due)
    return FirstContactFigures(
        new_leads=len(week),
        contacted=len(contacted),
        median_minutes=median(minutes) if minutes else None,
        ended=len(ended),
        within=within,
        within_share=within / len(ended) if ended else 0.0,
    )


def complained_recently(
    complaints: Sequence[ComplaintFact], judged: date, days: int = FLAG_DAYS
) -> set[int]:
    """The cards with a complaint received in the ``days`` up to ``judged``."""
    first = judged - timedelta(days=days - 1)
    return {c.prospect_id for c in complaints if first <= c.received_at.date() <= judged}


def duration_words(minutes: float | None) -> str:
    """``45 min``, ``2.5 h``, ``3.0 days``; ``—`` for none."""
    if minutes is None:
        return "—"
    if minutes < 120:
        return f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} days"
