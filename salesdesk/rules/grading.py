"""A/B/C urgency rules (the yellow-card method). Pure: no database, no clock.

Every function takes ``today`` explicitly so the rules can be tested with fixed dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from salesdesk.errors import InputError


class Grade(StrEnum):
    """Likelihood of closing: A within a week, B within a month, C within three months."""

    A = "A"
    B = "B"
    C = "C"


#: Days a grade stays valid after grading; past it the card must be regraded.
WINDOW_DAYS: dict[Grade, int] = {Grade.A: 7, Grade.B: 30, Grade.C: 90}
#: How often the card should be looked at: A daily, B weekly, C monthly.
REVIEW_EVERY_DAYS: dict[Grade, int] = {Grade.A: 1, Grade.B: 7, Grade.C: 30}


def parse_grade(text: str) -> Grade:
    """Parse ``a``/``B``...; raise :class:`InputError` with a clear message otherwise."""
    value = text.strip().upper()
    try:
        return Grade(value)
    except ValueError:
        raise InputError(f"invalid grade {text.strip()!r}: use A, B or C") from None


def window_end(grade: Grade, graded_on: date) -> date:
    """Last day of the grade's window."""
    return graded_on + timedelta(days=WINDOW_DAYS[grade])


def days_past_window(grade: Grade, graded_on: date, today: date) -> int:
    """Days since the window closed (0 when still inside it)."""
    return max(0, (today - window_end(grade, graded_on)).days)


def is_past_window(grade: Grade, graded_on: date, today: date) -> bool:
    """True when the card was graded longer ago than its window: regrade it."""
    return days_past_window(grade, graded_on, today) > 0


def review_due(grade: Grade, last_looked: date | None, today: date) -> bool:
    """True when the card is due for a look (A daily, B weekly, C monthly).

    ``last_looked`` is the later of the last grading and the last review; regrading a card
    to the grade it already has counts as a look ("keep").
    """
    if last_looked is None:
        return True
    return (today - last_looked).days >= REVIEW_EVERY_DAYS[grade]


# Urgency weights, in the spirit of taskwarrior's urgency coefficients.
W_OVERDUE = 100.0  # next-step date has passed: a promise missed outranks everything
W_OVERDUE_PER_DAY = 0.5  # ...plus this per day overdue
W_OVERDUE_CAP = 5.0
W_PAST_WINDOW = 40.0  # graded longer ago than the grade's window: regrade it
W_PAST_WINDOW_PER_DAY = 0.2
W_PAST_WINDOW_CAP = 4.0
W_DUE_TODAY = 6.0  # next step is today
W_DUE_SOON = 2.0  # next step within the next 3 days
W_REVIEW_DUE = 3.0  # due for a look under the A/B/C rhythm
W_GRADE: dict[Grade, float] = {Grade.A: 6.0, Grade.B: 3.0, Grade.C: 1.0}
W_STALE_PER_DAY = 0.1  # days since the last touch...
W_STALE_CAP = 1.5  # ...capped at 15 days, so staleness never overturns a grade
W_KEY_ACCOUNT = 1.0
# A complaint's answer clock (24 hours by default) outranks everything while it runs: the
# customer is waiting for a reply. A missed clock stays on top, marked like an overdue
# step; an answered complaint not yet resolved still counts, below the missed promises.
W_COMPLAINT_RUNNING = 200.0
W_COMPLAINT_MISSED = 200.0
W_COMPLAINT_OPEN = 20.0
# A new inbound lead's first-contact clock (it cools within hours): after complaints,
# before overdue next steps.
W_FIRST_CONTACT_RUNNING = 150.0
W_FIRST_CONTACT_MISSED = 130.0

#: The complaint states the urgency knows: the answer clock running or missed, or an
#: answered complaint still open ("" : none open).
COMPLAINT_STATES = ("running", "missed", "open")


@dataclass(slots=True)
class CardFacts:
    """The plain facts about a live card that the urgency rules need."""

    grade: Grade
    graded_on: date
    last_looked: date | None
    touched_on: date | None
    created_on: date
    next_date: date | None
    key_account: bool = False
    complaint: str = ""  # "running", "missed", "open" or "" (see COMPLAINT_STATES)
    first_contact: str = ""  # "running", "missed" or ""


#: (code, days, points) of one part of the urgency score.
Part = tuple[str, int, float]
#: What :func:`score` is computed from, kept so the parts can be listed when asked.
_Inputs = tuple[
    Grade, date, "date | None", "date | None", date, "date | None", bool, date, str, str
]


@dataclass(slots=True)
class Urgency:
    """A card's urgency score and the parts it is made of (shown in the card detail).

    Only the score and the flags are computed for every card; :attr:`components` and
    :meth:`breakdown` work the parts out again from the same inputs, when a person reads
    them, which keeps scoring 100,000 cards cheap.
    """

    score: float
    overdue_days: int
    past_window: bool
    review_due: bool
    days_since_touch: int
    grade: Grade
    inputs: _Inputs

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0

    @property
    def complaint(self) -> str:
        """The card's open complaint: "running", "missed", "open" or "" (none)."""
        return self.inputs[8]

    @property
    def first_contact(self) -> str:
        """The first-contact clock: "running", "missed" or "" (none running)."""
        return self.inputs[9]

    @property
    def components(self) -> tuple[Part, ...]:
        parts: list[Part] = []
        _evaluate(*self.inputs, parts)
        return tuple(parts)

    def breakdown(self) -> list[tuple[str, float]]:
        """Human labels with their points, e.g. ``("next step overdue 3d", 11.5)``."""
        labels = {
            "overdue": "next step overdue {d}d",
            "today": "next step today",
            "soon": "next step in {d}d",
            "past_window": f"past {self.grade} window by {{d}}d",
            "review": "due for review",
            "grade": f"grade {self.grade}",
            "stale": "{d}d since last touch",
            "untouched": "{d}d since added, never touched",
            "key": "key account",
            "complaint_running": "complaint: answer clock running",
            "complaint_missed": "complaint: answer clock missed",
            "complaint_open": "complaint open (answered)",
            "first_contact_running": "new lead: first contact due",
            "first_contact_missed": "new lead: first contact missed",
        }
        return [(labels[code].format(d=days), points) for code, days, points in self.components]


def urgency(facts: CardFacts, today: date) -> Urgency:
    """Score a card: an open complaint's answer clock first, then a new lead's first
    contact, overdue next steps and past-window cards, then grade, then staleness."""
    return score(
        facts.grade,
        facts.graded_on,
        facts.last_looked,
        facts.touched_on,
        facts.created_on,
        facts.next_date,
        facts.key_account,
        today,
        complaint=facts.complaint,
        first_contact=facts.first_contact,
    )


def score(
    grade: Grade,
    graded_on: date,
    last_looked: date | None,
    touched_on: date | None,
    created_on: date,
    next_date: date | None,
    key_account: bool,
    today: date,
    *,
    complaint: str = "",
    first_contact: str = "",
) -> Urgency:
    """:func:`urgency` from plain values (the board scores every card with this)."""
    inputs = (grade, graded_on, last_looked, touched_on, created_on, next_date, key_account,
              today, complaint, first_contact)
    total, overdue_days, past, due, stale_days = _evaluate(*inputs, None)
    return Urgency(total, overdue_days, past > 0, due, stale_days, grade, inputs)


def _evaluate(
    grade: Grade,
    graded_on: date,
    last_looked: date | None,
    touched_on: date | None,
    created_on: date,
    next_date: date | None,
    key_account: bool,
    today: date,
    complaint: str,
    first_contact: str,
    parts: list[Part] | None,
) -> tuple[float, int, int, bool, int]:
    """The one place the weights are applied: (score, overdue days, days past the window,
    review due, days since the last touch). Each part is appended to ``parts`` if given."""
    total = 0.0
    if complaint:
        points = {"running": W_COMPLAINT_RUNNING, "missed": W_COMPLAINT_MISSED}.get(
            complaint, W_COMPLAINT_OPEN)
        total += points
        if parts is not None:
            parts.append((f"complaint_{complaint}", 0, points))
    if first_contact:
        points = W_FIRST_CONTACT_RUNNING if first_contact == "running" else W_FIRST_CONTACT_MISSED
        total += points
        if parts is not None:
            parts.append((f"first_contact_{first_contact}", 0, points))
    overdue_days = 0
    if next_date is not None:
        delta = (next_date - today).days
        if delta < 0:
            overdue_days = -delta
            points = W_OVERDUE + min(W_OVERDUE_CAP, W_OVERDUE_PER_DAY * overdue_days)
            total += points
            if parts is not None:
                parts.append(("overdue", overdue_days, points))
        elif delta == 0:
            total += W_DUE_TODAY
            if parts is not None:
                parts.append(("today", 0, W_DUE_TODAY))
        elif delta <= 3:
            total += W_DUE_SOON
            if parts is not None:
                parts.append(("soon", delta, W_DUE_SOON))
    past = (today - graded_on).days - WINDOW_DAYS[grade]
    if past > 0:
        points = W_PAST_WINDOW + min(W_PAST_WINDOW_CAP, W_PAST_WINDOW_PER_DAY * past)
        total += points
        if parts is not None:
            parts.append(("past_window", past, points))
    due = last_looked is None or (today - last_looked).days >= REVIEW_EVERY_DAYS[grade]
    if due:
        total += W_REVIEW_DUE
        if parts is not None:
            parts.append(("review", 0, W_REVIEW_DUE))
    total += W_GRADE[grade]
    if parts is not None:
        parts.append(("grade", 0, W_GRADE[grade]))
    stale_days = (today - (touched_on or created_on)).days
    if stale_days > 0:
        points = min(W_STALE_CAP, W_STALE_PER_DAY * stale_days)
        total += points
        if parts is not None:
            parts.append(("stale" if touched_on is not None else "untouched", stale_days, points))
    else:
        stale_days = 0
    if key_account:
        total += W_KEY_ACCOUNT
        if parts is not None:
            parts.append(("key", 0, W_KEY_ACCOUNT))
    return round(total, 2), overdue_days, past, due, stale_days
