"""The plain rows the weekly review is computed from (filled by :mod:`salesdesk.data.review`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

GRADES = ("A", "B", "C")
GRADE_RANK = {"A": 3, "B": 2, "C": 1}
STAGES = ("target", "interested", "intentional", "prospective", "customer")
LIVE, CUSTOMER = "live", "customer"

@dataclass(slots=True)
class CardFact:
    """One card as the review needs it (current values)."""

    id: int
    name: str
    company: str = ""
    grade: str = "C"
    status: str = LIVE
    stage: str = "target"
    value: float = 0.0
    key_account: bool = False
    money: str = "unknown"
    authority: str = "unknown"
    need: str = "unknown"
    created_on: date = date(2000, 1, 1)
    closed_on: date | None = None
    previous_id: int | None = None
    touched_on: date | None = None
    #: The latest contact touch on or before the week's end (None: none logged).
    last_contact: date | None = None


@dataclass(slots=True)
class ChangeFact:
    """A recorded grade, status or stage change: from ``old`` to ``new`` (the activity's
    typed columns), and a win's ``amount`` when one was given."""

    prospect_id: int
    kind: str  # "grade", "status" or "stage"
    day: date
    old: str | None = None
    new: str | None = None
    amount: float | None = None
    reason: str | None = None  # a drop's or a loss's reason (rules.reasons), when given
    reason_note: str = ""


@dataclass(slots=True)
class TouchFact:
    """A logged touch (any touch kind, notes included) in the week."""

    prospect_id: int
    kind: str
    day: date


@dataclass(slots=True)
class VisitFact:
    """A visit whose day falls in the week."""

    prospect_id: int
    day: date
    status: str


@dataclass(slots=True)
class ComplaintFact:
    """A complaint and when each of its steps was taken (None: not yet)."""

    prospect_id: int
    received_at: datetime
    answered_at: datetime | None = None
    cause_kind: str | None = None
    cause_at: datetime | None = None
    resolved_at: datetime | None = None
    followed_up_at: datetime | None = None
    lesson: str = ""
    lesson_at: datetime | None = None
    name: str = ""  # the card's, for the lessons named in the review
    company: str = ""


@dataclass(slots=True)
class FirstContactFact:
    """A new inbound lead's first-contact clock: when the card came in, its deadline and
    its first contact (None: not yet)."""

    prospect_id: int
    created_at: datetime
    due: datetime
    contacted_at: datetime | None = None


@dataclass(frozen=True)
class ReviewData:
    """Everything the figures of one week are computed from."""

    week_start: date
    today: date
    pool_target: int = 50
    retention_days: int = 60
    cards: Sequence[CardFact] = ()
    changes: Sequence[ChangeFact] = ()  # every grade and status change, oldest first
    touches: Sequence[TouchFact] = ()  # touches dated in the week
    visits: Sequence[VisitFact] = ()  # visits planned for a day of the week
    daily_touches: Mapping[date, int] = field(default_factory=dict)  # contact touches per day
    complaints: Sequence[ComplaintFact] = ()  # every complaint
    answer_hours: int = 24  # the complaint answer clock
    first_contacts: Sequence[FirstContactFact] = ()  # every card with a first-contact clock
    now: datetime | None = None  # the moment, when known (a clock still running then)
    #: The forecast's chance per grade (the forecast_probability setting).
    chances: Mapping[str, float] = field(
        default_factory=lambda: {"A": 0.6, "B": 0.3, "C": 0.1}
    )

    def __post_init__(self) -> None:
        if self.week_start.weekday() != 0:
            raise ValueError(f"a review week starts on a Monday, not {self.week_start:%A}")
