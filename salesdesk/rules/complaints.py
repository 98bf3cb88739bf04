"""Complaints: the steps of handling one, the 24-hour answer clock, and what comes next.

Pure: no database, no clock of its own (``now`` is a parameter). The source (a
complaint-handling manual) asks for every complaint to be recorded, answered within 24
hours, traced to its real cause, resolved, followed by a contact afterwards and kept to
learn from; these rules say where a complaint stands on that path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from salesdesk.errors import InputError


class CauseKind(StrEnum):
    """The real cause (satisfaction = what the customer felt against what they expected)."""

    EXPECTATION = "expectation"  # an expectation gap: promised or assumed more
    QUALITY = "quality"  # the product's quality
    SERVICE = "service"  # the salesperson's service
    OTHER = "other"


CAUSE_LABELS: dict[CauseKind, str] = {
    CauseKind.EXPECTATION: "expectation gap",
    CauseKind.QUALITY: "product quality",
    CauseKind.SERVICE: "service",
    CauseKind.OTHER: "other",
}


class Step(StrEnum):
    """The steps of a complaint, in order."""

    RECEIVED = "received"
    ANSWERED = "answered"
    CAUSE = "cause"
    RESOLVED = "resolved"
    FOLLOWED_UP = "followed_up"
    LESSON = "lesson"


STEP_LABELS: dict[Step, str] = {
    Step.RECEIVED: "received",
    Step.ANSWERED: "answered",
    Step.CAUSE: "cause found",
    Step.RESOLVED: "resolved",
    Step.FOLLOWED_UP: "followed up",
    Step.LESSON: "lesson",
}


class Clock(StrEnum):
    """The answer clock: running (unanswered, before the deadline), missed (unanswered,
    after it), met (answered in time), late (answered after the deadline)."""

    RUNNING = "running"
    MISSED = "missed"
    MET = "met"
    LATE = "late"


def parse_cause(text: str) -> CauseKind:
    """``quality``, ``q``, ``expectation gap``... -> the kind; InputError otherwise."""
    value = text.strip().lower()
    for kind in CauseKind:
        if value and (kind.value.startswith(value) or CAUSE_LABELS[kind].startswith(value)):
            return kind
    raise InputError(
        f"invalid cause {text.strip()!r}: use expectation, quality, service or other"
    )


@dataclass(frozen=True, slots=True)
class ComplaintFacts:
    """The plain facts of one complaint that the rules need (typed columns, read back)."""

    received_at: datetime
    answered_at: datetime | None = None
    cause_kind: str | None = None
    resolved_at: datetime | None = None
    followed_up_at: datetime | None = None
    lesson: str = ""

    @property
    def is_open(self) -> bool:
        """Open until resolved (the follow-up after it is the card's next step)."""
        return self.resolved_at is None


def answer_due(received_at: datetime, hours: int) -> datetime:
    """When the answer is due: ``hours`` (the ``complaint_answer_hours`` setting, 24 by
    default) after the complaint came in, round the clock."""
    return received_at + timedelta(hours=hours)


def clock(facts: ComplaintFacts, hours: int, now: datetime) -> Clock:
    """Where the answer clock stands at ``now``."""
    due = answer_due(facts.received_at, hours)
    if facts.answered_at is None:
        return Clock.RUNNING if now <= due else Clock.MISSED
    return Clock.MET if facts.answered_at <= due else Clock.LATE


def answered_in_time(facts: ComplaintFacts, hours: int) -> bool:
    return facts.answered_at is not None and facts.answered_at <= answer_due(
        facts.received_at, hours
    )


def steps_done(facts: ComplaintFacts) -> tuple[Step, ...]:
    """The steps taken so far, in order."""
    done = {
        Step.RECEIVED: True,
        Step.ANSWERED: facts.answered_at is not None,
        Step.CAUSE: facts.cause_kind is not None,
        Step.RESOLVED: facts.resolved_at is not None,
        Step.FOLLOWED_UP: facts.followed_up_at is not None,
        Step.LESSON: bool(facts.lesson.strip()),
    }
    return tuple(step for step in Step if done[step])


def steps_missing(facts: ComplaintFacts) -> tuple[Step, ...]:
    done = set(steps_done(facts))
    return tuple(step for step in Step if step not in done)


def next_step(facts: ComplaintFacts) -> Step | None:
    """The first step not yet taken (None: every step is done)."""
    missing = steps_missing(facts)
    return missing[0] if missing else None


def check_step(facts: ComplaintFacts, step: Step, at: datetime) -> None:
    """Refuse (InputError) a step that is already taken, or one dated before the
    complaint came in; following up needs the resolution first."""
    if step == Step.RECEIVED:
        raise InputError("the complaint is already recorded")
    if step in steps_done(facts) and step != Step.LESSON:
        raise InputError(f"the complaint is already {STEP_LABELS[step]}")
    if at < facts.received_at:
        raise InputError(
            f"{STEP_LABELS[step]} at {at:%Y-%m-%d %H:%M} is before the complaint came in "
            f"({facts.received_at:%Y-%m-%d %H:%M})"
        )
    if step == Step.FOLLOWED_UP and facts.resolved_at is None:
        raise InputError("resolve the complaint first: the follow-up comes after it")


def follow_up_day(resolved_at: datetime, days: int) -> datetime:
    """When the contact after the resolution is due (``complaint_follow_up_days``)."""
    return resolved_at + timedelta(days=days)


def left_text(due: datetime, now: datetime) -> str:
    """``5h``, ``40m``, ``2d`` until ``due`` (or since, when past): for marks and lists."""
    seconds = abs((due - now).total_seconds())
    if seconds >= 2 * 86400:
        return f"{int(seconds // 86400)}d"
    if seconds >= 3600:
        return f"{int(seconds // 3600)}h"
    return f"{max(1, int(seconds // 60))}m"
