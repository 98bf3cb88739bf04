"""The plain rows the plan rules take (settings, cards, planned visits) and give
(suggestions)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from salesdesk.rules.planning.periods import Period


@dataclass(frozen=True)
class PlanSettings:
    """The settings the plan follows (see ``salesdesk config``)."""

    day_capacity: int = 4
    new_customer_day: str = "2-fri"
    key_account_days: int = 30
    customer_days: int = 90
    thank_you_threshold: float = 10_000.0
    season_dates: tuple[tuple[int, int], ...] = ()
    retention_days: int = 60
    working_hours: str = "09:00-18:00"

    @classmethod
    def from_strings(cls, values: Mapping[str, str]) -> PlanSettings:
        """Build from stored setting strings (missing keys keep their defaults)."""
        base = cls()
        seasons = tuple(
            (int(item[:2]), int(item[3:5]))
            for item in values.get("season_dates", "").split(",")
            if len(item.strip()) == 5
        )
        return cls(
            day_capacity=int(values.get("day_capacity", base.day_capacity)),
            new_customer_day=values.get("new_customer_day", base.new_customer_day),
            key_account_days=int(values.get("key_account_days", base.key_account_days)),
            customer_days=int(values.get("customer_days", base.customer_days)),
            thank_you_threshold=float(values.get("thank_you_threshold", base.thank_you_threshold)),
            season_dates=seasons,
            retention_days=int(values.get("retention_days", base.retention_days)),
            working_hours=values.get("working_hours", base.working_hours),
        )


@dataclass(slots=True)
class ProspectFacts:
    """What the rules need to know about one card (plain values loaded by the store)."""

    id: int
    name: str
    company: str = ""
    area: str = ""
    grade: str = "C"
    status: str = "live"
    key_account: bool = False
    follow_up: str = "keep"
    revisit_days: int | None = None
    visit_days: str = ""
    visit_time: str = ""
    next_date: date | None = None
    next_action: str = ""
    graded_on: date | None = None
    created_on: date | None = None
    last_contact: date | None = None  # last touch of any kind (call, visit, message...)
    last_visit: date | None = None  # last visit done
    closed_on: date | None = None
    value: float = 0.0
    birthday: date | None = None
    purchase: tuple[date, float] | None = None  # the latest won deal: day and amount
    next_kind: str = ""  # the next step's kind: only visits and meetings are planned


@dataclass(frozen=True)
class PlannedVisit:
    """A visit already in the plan (any status; planned and done ones fill their day)."""

    id: int
    prospect_id: int
    day: date
    start: str | None = None
    status: str = "planned"
    area: str = ""


@dataclass(frozen=True)
class Suggestion:
    """One proposed visit (or call, card, greeting) and why."""

    prospect_id: int
    name: str
    company: str
    area: str
    day: date | None  # None: no room left in the period
    due: date  # when it is due: a firm last day, or the day "every N days" comes round
    reason: str
    kind: str
    purpose: str
    start: str | None = None
    priority: float = 0.0
    warning: str = ""
    new_prospect: bool = False
    note: str = ""  # about the placement: "prefers Tue, Thu: none free"
    # Not before this day: an "every N days" reason from its due day, a season call in the
    # 14 days before the season.
    earliest: date | None = None
    deadline: date | None = None  # a firm last day (window, next step...); None: any day
    urgent: bool = False  # overdue or past its window: the first free day


@dataclass(frozen=True)
class Suggestions:
    """The suggestions of a period: placed ones by day, then those without room."""

    items: tuple[Suggestion, ...]
    more: int = 0  # suggestions without room left out of ``items``
    left_out: tuple[date, ...] = ()  # the due day of each one left out, by day (``within``)

    def __iter__(self) -> Iterator[Suggestion]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def within(self, period: Period) -> Suggestions:
        """What a view of ``period`` shows of these: the ones placed on its days, then the
        ones due by its end that went to a later day or found no room. The week and the
        month views show slices of one result, so they never contradict each other."""

        def shown(s: Suggestion) -> bool:
            if s.day is not None and s.day in period:
                return True
            return s.due <= period.end and (s.day is None or s.day > period.end)

        more = self.more
        if len(self.left_out) == self.more:
            more = sum(1 for due in self.left_out if due <= period.end)
        return Suggestions(tuple(s for s in self.items if shown(s)), more)
