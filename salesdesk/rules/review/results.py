"""The weekly review's figures: plain frozen rows, ready for JSON and the writers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from salesdesk.rules.review.complaints import ComplaintFigures, FirstContactFigures
from salesdesk.rules.review.weeks import iso_week


@dataclass(frozen=True)
class CardRef:
    id: int
    name: str
    company: str
    value: float = 0.0


@dataclass(frozen=True)
class GradeMove:
    id: int
    name: str
    company: str
    from_grade: str
    to_grade: str


@dataclass(frozen=True)
class PoolHealth:
    by_grade: dict[str, int]
    live: int
    target: int
    to_add: int
    new: int
    #: The live cards' estimated value by grade at the week's end, and the weighted
    #: forecast (value times the grade's chance).
    value_by_grade: dict[str, float] = field(default_factory=dict)
    forecast: float = 0.0
    chances: dict[str, float] = field(default_factory=dict)

    @property
    def value(self) -> float:
        return float(sum(self.value_by_grade.values()))


@dataclass(frozen=True)
class Outcomes:
    won: list[CardRef]
    won_value: float
    lost: list[CardRef]
    dropped: list[CardRef]
    parked: list[CardRef]
    reopened: list[CardRef]
    promoted: list[GradeMove]
    demoted: list[GradeMove]
    #: Why the week's lost and dropped cards went: reason key ("" not said) -> cards.
    reasons: dict[str, int] = field(default_factory=dict)
    #: Card id -> what the rep said (the reason's label and words), for the lists.
    why: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class VisitCounts:
    planned: int = 0  # every visit of the week except moved and cancelled ones
    done: int = 0
    missed: int = 0
    open: int = 0  # still planned: not yet marked done or missed
    moved: int = 0
    cancelled: int = 0


@dataclass(frozen=True)
class TimeShare:
    key: str
    label: str
    touches: int
    share: float  # 0..1 of the week's touches
    guidance: int  # percent, from the seed


@dataclass(frozen=True)
class ActivityFigures:
    visits: VisitCounts
    by_kind: dict[str, int]
    touches: int
    by_grade: dict[str, int]  # A, B, C (live), customer, closed (parked, dropped, lost)
    key_accounts: int
    time: list[TimeShare]


@dataclass(frozen=True)
class CustomerRevenue:
    id: int  # the customer's latest card
    name: str
    company: str
    revenue: float
    touches: int  # contact touches this week


@dataclass(frozen=True)
class Pareto:
    customers: int  # customers with revenue in the last 12 months
    top_count: int  # the top 20% of them (rounded up)
    revenue: float
    top_revenue: float
    top_share: float  # 0..1
    touches: int  # contact touches this week, all cards
    top_touches: int
    top_touch_share: float  # 0..1
    top: list[CustomerRevenue]


@dataclass(frozen=True)
class SilentCustomer:
    id: int
    name: str
    company: str
    value: float
    last_contact: date
    days: int
    complaint: bool = False  # a complaint came in during the last 90 days


@dataclass(frozen=True)
class Retention:
    days: int
    customers: list[SilentCustomer]  # value first, then the longest silence
    value: float
    complained: list[CardRef] = field(default_factory=list)  # a complaint in 90 days

    @property
    def count(self) -> int:
        return len(self.customers)


@dataclass(frozen=True)
class TrendPoint:
    week_start: date
    touches: int
    live: int
    wins: int
    won_value: float
    complaints: int = 0  # received in the week
    answered_in_time: int = 0  # of those, answered within the window


@dataclass(frozen=True)
class WeeklyReview:
    week_start: date
    week_end: date
    as_of: date
    pool: PoolHealth
    outcomes: Outcomes
    activity: ActivityFigures
    pareto: Pareto
    retention: Retention
    selling_weeks_left: float
    funnel: dict[str, int]
    trends: list[TrendPoint]
    complaints: ComplaintFigures = field(default_factory=ComplaintFigures)
    first_contact: FirstContactFigures = field(default_factory=FirstContactFigures)
    answer_hours: int = 24

    @property
    def iso_week(self) -> str:
        return iso_week(self.week_start)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready values (ISO dates, shares as fractions)."""
        data = _jsonable(asdict(self))
        data["iso_week"] = self.iso_week
        data["retention"]["count"] = self.retention.count
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    return value
