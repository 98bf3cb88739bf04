"""The weekly review's figures (the prospect-development checklist). Pure: no database, no clock.

Every function works on plain rows (:class:`ReviewData`, filled by
:mod:`salesdesk.data.review`) for an explicit week, Monday to Sunday. A week with no data
gives zeros; the past is rebuilt from the grade and status changes the app records, so a
past week shows the pool as it was then.

Definitions (the README repeats them for the rep):

- A *touch* is a logged call, visit, message, email or meeting. Notes are counted by kind
  but are not contact with the customer, so they are not touches.
- The state of a card "at day D" is its state at the end of D: the last grade or status
  change dated D or earlier, or, before its first recorded change, that change's "from".
- Time guidance classes (first match wins), for the card as it was on the touch's day:
  no intention (dropped or lost, or live with need = no and not both money and authority:
  MAN verdict "not a prospect", or "nurture" because the need is missing); big (key account,
  a top-20% revenue customer, or a live prospect worth at least the smallest top-20%
  revenue with money not "no"); long-term (a customer won a year or more before, or a card
  linked to an earlier one: a returning customer); small (everything else: other
  customers and live prospects).
- Revenue (80/20) comes from recorded wins: the value written in the win's note
  ("live → customer (12,000)"), else the card's value; a customer card without a recorded
  win (imported) counts its value on its closed date. One win per card, cards linked by
  "previous card" are one customer.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from salesdesk.enums import CONTACT_KINDS, TOUCH_KINDS
from salesdesk.rules.fields import plural

WEEK = timedelta(days=7)
TREND_WEEKS = 12
SELLING_WEEKS_PER_YEAR = 35
PARETO_SHARE = 0.2
REVENUE_DAYS = 365
LONG_TERM_DAYS = 365

GRADES = ("A", "B", "C")
GRADE_RANK = {"A": 3, "B": 2, "C": 1}
STAGES = ("target", "interested", "intentional", "prospective", "customer")

#: The seed's time guidance, in percent of the time (its figures add up to 105: rough shares).
TIME_CLASSES: tuple[tuple[str, str, int], ...] = (
    ("big", "big customers with buying power", 35),
    ("long_term", "long-term customers", 20),
    ("small", "small customers and prospects", 50),
    ("no_intention", "prospects with no intention", 0),
)

LIVE, CUSTOMER = "live", "customer"
_STATUS_NOTE = re.compile(
    r"^\s*([a-z_]+)\s*→\s*([a-z_]+)\s*(?:\(\s*([0-9][0-9,]*(?:\.\d+)?)\s*\))?"
)


# --------------------------------------------------------------------------- weeks


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def week_end(start: date) -> date:
    """The Sunday of the week starting on ``start``."""
    return start + timedelta(days=6)


def iso_week(start: date) -> str:
    """``2026-W47`` (ISO week: the year-end week Mon 2026-12-28 is 2026-W53)."""
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}"


def selling_weeks_left(day: date) -> float:
    """Effective selling weeks left in ``day``'s year after ``day``: 35 a year, pro rata."""
    year_end = date(day.year, 12, 31)
    days_in_year = (year_end - date(day.year, 1, 1)).days + 1
    return round(SELLING_WEEKS_PER_YEAR * (year_end - day).days / days_in_year, 1)


def parse_status_note(note: str) -> tuple[str, str, float | None] | None:
    """``"live → customer (12,000)"`` → ``("live", "customer", 12000.0)``; None if not one."""
    match = _STATUS_NOTE.match(note or "")
    if not match:
        return None
    amount = float(match.group(3).replace(",", "")) if match.group(3) else None
    return match.group(1), match.group(2), amount


# --------------------------------------------------------------------------- input rows


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
    """A recorded grade change (``from_grade``/``to_grade``) or status change (``note``)."""

    prospect_id: int
    kind: str  # "grade" or "status"
    day: date
    note: str = ""
    from_grade: str | None = None
    to_grade: str | None = None


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

    def __post_init__(self) -> None:
        if self.week_start.weekday() != 0:
            raise ValueError(f"a review week starts on a Monday, not {self.week_start:%A}")


# --------------------------------------------------------------------------- results


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


@dataclass(frozen=True)
class Retention:
    days: int
    customers: list[SilentCustomer]  # value first, then the longest silence
    value: float

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


# --------------------------------------------------------------------------- history


@dataclass(slots=True)
class _Track:
    days: list[date]
    before: list[str]
    after: list[str]
    values: list[float | None]


def _track_at(track: _Track, day: date) -> str:
    index = bisect_right(track.days, day)
    return track.after[index - 1] if index else track.before[0]


class History:
    """Grades, statuses and stages of every card at any past day, from the recorded
    changes."""

    def __init__(self, cards: Iterable[CardFact], changes: Iterable[ChangeFact]) -> None:
        self.cards: dict[int, CardFact] = {card.id: card for card in cards}
        self.status: dict[int, _Track] = {}
        self.grade: dict[int, _Track] = {}
        self.stage: dict[int, _Track] = {}
        # Stable sort: same-day changes keep their recorded order.
        for change in sorted(changes, key=lambda c: c.day):
            if change.prospect_id not in self.cards:
                continue
            if change.kind in ("status", "stage"):
                parsed = parse_status_note(change.note)
                if parsed is None:
                    continue
                old, new, amount = parsed
                table = self.status if change.kind == "status" else self.stage
            elif change.kind == "grade" and change.from_grade and change.to_grade:
                old, new, amount = change.from_grade, change.to_grade, None
                table = self.grade
            else:
                continue
            track = table.get(change.prospect_id)
            if track is None:
                track = table[change.prospect_id] = _Track([], [], [], [])
            track.days.append(change.day)
            track.before.append(old)
            track.after.append(new)
            track.values.append(amount)
        self._reconcile()
        self._status_days = _change_index(self.status)
        self._grade_days = _change_index(self.grade)
        self._live_days, self._live_sums = self._live_steps()

    def _reconcile(self) -> None:
        """Regrading a closed card reopens it but records only the grade change: when a
        card's status differs from its last recorded one, it changed at the first grade
        change since (else on the day of the last status change)."""
        for card_id, track in self.status.items():
            status = self.cards[card_id].status
            if track.after[-1] == status:
                continue
            grades = self.grade.get(card_id)
            later = [d for d in grades.days if d >= track.days[-1]] if grades else []
            track.days.append(later[0] if later else track.days[-1])
            track.before.append(track.after[-1])
            track.after.append(status)
            track.values.append(None)

    def _live_steps(self) -> tuple[list[date], list[int]]:
        """Days on which the number of live cards changes, and the count from that day."""
        steps: dict[date, int] = defaultdict(int)
        for card in self.cards.values():
            track = self.status.get(card.id)
            current = track.before[0] if track else card.status
            steps[card.created_on] += current == LIVE
            if track is None:
                continue
            for day, new in zip(track.days, track.after, strict=True):
                steps[max(day, card.created_on)] += (new == LIVE) - (current == LIVE)
                current = new
        days = sorted(steps)
        sums, total = [], 0
        for day in days:
            total += steps[day]
            sums.append(total)
        return days, sums

    def status_at(self, card: CardFact, day: date) -> str | None:
        """The card's status at the end of ``day`` (None before it was created)."""
        if card.created_on > day:
            return None
        track = self.status.get(card.id)
        return _track_at(track, day) if track else card.status

    def grade_at(self, card: CardFact, day: date) -> str:
        track = self.grade.get(card.id)
        return _track_at(track, day) if track else card.grade

    def stage_at(self, card: CardFact, day: date) -> str:
        """The card's stage at the end of ``day``: before its first recorded stage change
        it had that change's "from" stage; a card with none has its current stage
        (databases from before stage changes were recorded included)."""
        track = self.stage.get(card.id)
        return _track_at(track, day) if track else card.stage

    def live_count(self, day: date) -> int:
        """Live cards at the end of ``day``."""
        index = bisect_right(self._live_days, day)
        return self._live_sums[index - 1] if index else 0

    def status_moves(self, start: date, end: date) -> list[tuple[CardFact, str, str, float | None]]:
        """Cards whose status changed (net) between the start and the end of the days:
        (card, before, after, amount of the last win in the period)."""
        moves = []
        for card_id in _changed_between(self._status_days, start, end):
            track = self.status[card_id]
            lo = bisect_right(track.days, start - timedelta(days=1))
            hi = bisect_right(track.days, end)
            card = self.cards[card_id]
            before = track.after[lo - 1] if lo else track.before[0]
            after = track.after[hi - 1]
            if before == after:
                continue
            amount = next(
                (
                    track.values[i]
                    for i in range(hi - 1, lo - 1, -1)
                    if track.after[i] == CUSTOMER and track.values[i] is not None
                ),
                None,
            )
            moves.append((card, before, after, amount))
        return moves

    def grade_moves(self, start: date, end: date) -> list[tuple[CardFact, str, str]]:
        """Cards whose grade changed (net) during the days: (card, first from, last to)."""
        moves = []
        for card_id in _changed_between(self._grade_days, start, end):
            track = self.grade[card_id]
            lo = bisect_right(track.days, start - timedelta(days=1))
            hi = bisect_right(track.days, end)
            if track.before[lo] != track.after[hi - 1]:
                moves.append((self.cards[card_id], track.before[lo], track.after[hi - 1]))
        return moves

    def last_win(self, card: CardFact, until: date) -> tuple[date, float | None] | None:
        """The latest recorded win of the card on or before ``until``: (day, amount)."""
        track = self.status.get(card.id)
        if track is None:
            return None
        for i in range(bisect_right(track.days, until) - 1, -1, -1):
            if track.after[i] == CUSTOMER:
                return track.days[i], track.values[i]
        return None


def _change_index(tracks: Mapping[int, _Track]) -> list[tuple[date, int]]:
    """(day, card id) of every change, sorted: finds the cards changed in a week fast."""
    return sorted((day, card_id) for card_id, track in tracks.items() for day in track.days)


def _changed_between(index: list[tuple[date, int]], start: date, end: date) -> list[int]:
    """Ids of the cards with a change dated ``start`` to ``end``, in id order."""
    lo = bisect_right(index, (start, -1))
    hi = bisect_right(index, (end, 2**63))
    return sorted({card_id for _day, card_id in index[lo:hi]})


def _ref(card: CardFact, value: float | None = None) -> CardRef:
    return CardRef(card.id, card.name, card.company, card.value if value is None else value)


# --------------------------------------------------------------------------- figures


def pool_health(data: ReviewData, history: History) -> PoolHealth:
    """Live prospects by grade at the week's end against the target; new cards this week."""
    start, end = data.week_start, week_end(data.week_start)
    by_grade = dict.fromkeys(GRADES, 0)
    new = 0
    for card in history.cards.values():
        if start <= card.created_on <= end:
            new += 1
        if history.status_at(card, end) == LIVE:
            grade = history.grade_at(card, end)
            by_grade[grade] = by_grade.get(grade, 0) + 1
    live = sum(by_grade.values())
    return PoolHealth(by_grade, live, data.pool_target, max(0, data.pool_target - live), new)


def outcomes(data: ReviewData, history: History) -> Outcomes:
    """Net status and grade moves of the week (won and regraded back the same week: none)."""
    start, end = data.week_start, week_end(data.week_start)
    lists: dict[str, list[CardRef]] = defaultdict(list)
    won_value = 0.0
    for card, _before, after, amount in history.status_moves(start, end):
        value = amount if amount is not None else card.value
        if after == CUSTOMER:
            won_value += value
        key = {CUSTOMER: "won", LIVE: "reopened"}.get(after, after)
        lists[key].append(_ref(card, value if after == CUSTOMER else None))
    promoted: list[GradeMove] = []
    demoted: list[GradeMove] = []
    for card, old, new in history.grade_moves(start, end):
        move = GradeMove(card.id, card.name, card.company, old, new)
        (promoted if GRADE_RANK.get(new, 0) > GRADE_RANK.get(old, 0) else demoted).append(move)
    return Outcomes(
        lists["won"],
        won_value,
        lists["lost"],
        lists["dropped"],
        lists["parked"],
        lists["reopened"],
        promoted,
        demoted,
    )


def visit_counts(visits: Iterable[VisitFact]) -> VisitCounts:
    counts = Counter(v.status for v in visits)
    total = sum(counts.values())
    return VisitCounts(
        planned=total - counts["moved"] - counts["cancelled"],
        done=counts["done"],
        missed=counts["missed"],
        open=counts["planned"],
        moved=counts["moved"],
        cancelled=counts["cancelled"],
    )


@dataclass(frozen=True)
class _RevenueGroups:
    revenue: dict[int, float]  # root card id -> 12-month revenue
    root: dict[int, int]  # card id -> root card id
    latest: dict[int, CardFact]  # root -> its latest card
    top: list[int]  # roots of the top 20%, biggest first
    threshold: float | None  # smallest revenue in the top group


def _root_of(card_id: int, cards: Mapping[int, CardFact]) -> int:
    seen = set()
    while True:
        card = cards.get(card_id)
        previous = card.previous_id if card else None
        if previous is None or previous not in cards or previous in seen:
            return card_id
        seen.add(card_id)
        card_id = previous


def _revenue_groups(data: ReviewData, history: History) -> _RevenueGroups:
    end = week_end(data.week_start)
    first = end - timedelta(days=REVENUE_DAYS - 1)
    cards = history.cards
    root = {card_id: _root_of(card_id, cards) for card_id in cards}
    revenue: dict[int, float] = defaultdict(float)
    latest: dict[int, CardFact] = {}
    for card in cards.values():
        status = history.status_at(card, end)
        if status in (None, LIVE):
            continue
        win = history.last_win(card, end)
        if win is not None:
            day, amount = win
            value = amount if amount is not None else card.value
        elif card.id not in history.status and status == CUSTOMER:
            day, value = card.closed_on or card.created_on, card.value
        else:
            continue
        if not first <= day <= end or value <= 0:
            continue
        group = root[card.id]
        revenue[group] += value
        if group not in latest or card.id > latest[group].id:
            latest[group] = card
    ranked = sorted(revenue, key=lambda g: (-revenue[g], g))
    top = ranked[: math.ceil(PARETO_SHARE * len(ranked))]
    threshold = revenue[top[-1]] if top else None
    return _RevenueGroups(dict(revenue), root, latest, top, threshold)


def _time_class(
    card: CardFact, day: date, history: History, groups: _RevenueGroups, top: set[int]
) -> str:
    status = history.status_at(card, day) or card.status
    if status in ("dropped", "lost"):
        return "no_intention"
    if status == LIVE and card.need == "no" and not (
        card.money == "yes" and card.authority == "yes"
    ):
        return "no_intention"
    if card.key_account or groups.root.get(card.id) in top:
        return "big"
    if (
        status == LIVE
        and groups.threshold is not None
        and card.money != "no"
        and card.value >= groups.threshold
    ):
        return "big"
    if card.previous_id is not None:
        return "long_term"
    if status == CUSTOMER:
        win = history.last_win(card, day)
        won_on = win[0] if win else card.closed_on
        if won_on is not None and (day - won_on).days >= LONG_TERM_DAYS:
            return "long_term"
    return "small"


def activity(data: ReviewData, history: History, groups: _RevenueGroups) -> ActivityFigures:
    """Visits, touches by kind, by grade, on key accounts, and against the time guidance."""
    by_kind: dict[str, int] = {str(kind): 0 for kind in TOUCH_KINDS}
    by_grade = dict.fromkeys((*GRADES, CUSTOMER, "closed"), 0)
    classes = dict.fromkeys((key for key, _, _ in TIME_CLASSES), 0)
    top = set(groups.top)
    touches = key_accounts = 0
    for touch in data.touches:
        by_kind[touch.kind] = by_kind.get(touch.kind, 0) + 1
        card = history.cards.get(touch.prospect_id)
        if card is None or touch.kind not in CONTACT_KINDS:
            continue
        touches += 1
        status = history.status_at(card, touch.day) or card.status
        if status == LIVE:
            by_grade[history.grade_at(card, touch.day)] += 1
        elif status == CUSTOMER:
            by_grade[CUSTOMER] += 1
        else:
            by_grade["closed"] += 1
        key_accounts += card.key_account
        classes[_time_class(card, touch.day, history, groups, top)] += 1
    time = [
        TimeShare(key, label, classes[key], classes[key] / touches if touches else 0.0, guide)
        for key, label, guide in TIME_CLASSES
    ]
    return ActivityFigures(
        visit_counts(data.visits), by_kind, touches, by_grade, key_accounts, time
    )


def pareto(data: ReviewData, history: History, groups: _RevenueGroups) -> Pareto:
    """Share of 12-month revenue from the top 20% of customers, and of this week's touches."""
    total = sum(groups.revenue.values())
    top = set(groups.top)
    per_group: Counter[int] = Counter()
    touches = 0
    for touch in data.touches:
        if touch.kind not in CONTACT_KINDS or touch.prospect_id not in history.cards:
            continue
        touches += 1
        group = groups.root.get(touch.prospect_id)
        if group in top:
            per_group[group] += 1
    top_revenue = sum(groups.revenue[g] for g in groups.top)
    top_touches = sum(per_group.values())
    rows = [
        CustomerRevenue(
            groups.latest[g].id,
            groups.latest[g].name,
            groups.latest[g].company,
            groups.revenue[g],
            per_group[g],
        )
        for g in groups.top
    ]
    return Pareto(
        customers=len(groups.revenue),
        top_count=len(groups.top),
        revenue=total,
        top_revenue=top_revenue,
        top_share=top_revenue / total if total else 0.0,
        touches=touches,
        top_touches=top_touches,
        top_touch_share=top_touches / touches if touches else 0.0,
        top=rows,
    )


def as_of(data: ReviewData) -> date:
    """The day the week is judged at: its Sunday, or today while the week is running."""
    return min(week_end(data.week_start), max(data.today, data.week_start))


def retention(data: ReviewData, history: History) -> Retention:
    """Customers not contacted for more than ``retention_days`` (as of :func:`as_of`)."""
    day = as_of(data)
    silent = []
    for card in history.cards.values():
        if history.status_at(card, day) != CUSTOMER:
            continue
        candidates = [card.created_on]
        if card.last_contact is not None and card.last_contact <= day:
            candidates.append(card.last_contact)
        elif card.touched_on is not None and card.touched_on <= day:
            candidates.append(card.touched_on)  # touched, but no touch logged (imported)
        win = history.last_win(card, day)
        if win is not None:
            candidates.append(win[0])
        elif card.closed_on is not None and card.closed_on <= day:
            candidates.append(card.closed_on)
        last = max(candidates)
        days = (day - last).days
        if days > data.retention_days:
            silent.append(SilentCustomer(card.id, card.name, card.company, card.value, last, days))
    silent.sort(key=lambda c: (-c.value, -c.days, c.id))
    return Retention(data.retention_days, silent, float(sum(c.value for c in silent)))


def funnel(data: ReviewData, history: History) -> dict[str, int]:
    """Cards live or customer at the week's end, by their stage at that time."""
    end = week_end(data.week_start)
    counts = dict.fromkeys(STAGES, 0)
    for card in history.cards.values():
        status = history.status_at(card, end)
        if status == CUSTOMER:
            counts[CUSTOMER] += 1
        elif status == LIVE:
            stage = history.stage_at(card, end)
            counts[stage if stage in counts else "target"] += 1
    return counts


def trends(data: ReviewData, history: History) -> list[TrendPoint]:
    """The last 12 weeks, oldest first, ending with the review's week."""
    points = []
    for back in range(TREND_WEEKS - 1, -1, -1):
        start = data.week_start - back * WEEK
        end = week_end(start)
        touches = sum(
            data.daily_touches.get(start + timedelta(days=i), 0) for i in range(7)
        )
        wins = [
            (card, amount)
            for card, _b, after, amount in history.status_moves(start, end)
            if after == CUSTOMER
        ]
        value = sum(amount if amount is not None else card.value for card, amount in wins)
        points.append(TrendPoint(start, touches, history.live_count(end), len(wins), value))
    return points


def weekly_review(data: ReviewData) -> WeeklyReview:
    """Every figure of the week."""
    history = History(data.cards, data.changes)
    groups = _revenue_groups(data, history)
    day = as_of(data)
    return WeeklyReview(
        week_start=data.week_start,
        week_end=week_end(data.week_start),
        as_of=day,
        pool=pool_health(data, history),
        outcomes=outcomes(data, history),
        activity=activity(data, history, groups),
        pareto=pareto(data, history, groups),
        retention=retention(data, history),
        selling_weeks_left=selling_weeks_left(day),
        funnel=funnel(data, history),
        trends=trends(data, history),
    )


# --------------------------------------------------------------------------- next-step slips


@dataclass(frozen=True)
class NextStepEdit:
    """One recorded change of a card (from the undo journal): its next date before the
    change, and whether the change logged a touch."""

    day: date
    before: date | None
    touched: bool


@dataclass(frozen=True)
class Slip:
    """A next step pushed later (``to`` set) or cleared (``to`` None) without a touch."""

    day: date
    old: date
    new: date | None


def next_step_slips(edits: Sequence[NextStepEdit], current: date | None) -> list[Slip]:
    """Slips among a card's changes, oldest first. The date after change i is the date
    before change i + 1 (or the current one). Moving a step later when a touch was logged
    in the same change is progress, not a slip."""
    if not edits:
        return []
    after = [edit.before for edit in edits[1:]] + [current]
    slips = []
    for edit, new in zip(edits, after, strict=True):
        if edit.touched or edit.before is None or new == edit.before:
            continue
        if new is None or new > edit.before:
            slips.append(Slip(edit.day, edit.before, new))
    return slips


# --------------------------------------------------------------------------- weeks from text


def parse_week(text: str | None, today: date, *, past: bool = False) -> date:
    """The Monday of the week the user means: a date in it (``2026-11-18``, ``fri``,
    ``+1w``), an ISO week (``2026-W47``), ``this``, ``last``, ``next`` or ``-2w`` (weeks
    back). InputError otherwise.

    ``past`` (the review): a weekday name is its latest occurrence up to today, and a week
    that has not begun is refused, since nothing in it can be reviewed yet."""
    from salesdesk.errors import InputError
    from salesdesk.rules.dates import WEEKDAY_NAMES, parse_date

    value = ("this" if text is None else text).strip().lower()
    this = week_start(today)
    words = {"this": 0, "current": 0, "last": -1, "previous": -1, "prev": -1, "next": 1}
    iso = re.fullmatch(r"(\d{4})-?w(\d{1,2})", value)
    back = re.fullmatch(r"-(\d{1,3})\s*w", value)
    try:
        if value in words:
            monday = this + words[value] * WEEK
        elif back:
            monday = this - int(back.group(1)) * WEEK
        elif iso:
            monday = date.fromisocalendar(int(iso.group(1)), int(iso.group(2)), 1)
        else:
            if not value:
                raise InputError("empty")
            day = parse_date(value, today)
            if past and value in WEEKDAY_NAMES and day > today:
                day -= WEEK  # "fri" in a review: the Friday just gone
            monday = week_start(day)
    except (InputError, ValueError):
        raise InputError(
            f"invalid week {text.strip() if text else ''!r}: use a date in the week "
            "(2026-11-16, fri), an ISO week (2026-W47), this, last, next or -2w"
        ) from None
    if past and monday > this:
        raise InputError(
            f"the week of {monday.isoformat()} has not begun: review this week or an "
            "earlier one"
        )
    return monday


def week_label(review: WeeklyReview) -> str:
    """``2026-W47 · Mon 16 Nov – Sun 22 Nov 2026``."""
    start, end = review.week_start, review.week_end
    first = f"{start:%a} {start.day} {start:%b}"
    if start.year != end.year:
        first += f" {start.year}"
    return f"{review.iso_week} · {first} – {end:%a} {end.day} {end:%b} {end.year}"


# --------------------------------------------------------------------------- report text

BARS = "▁▂▃▄▅▆▇█"


def bars(values: Sequence[float]) -> str:
    """A one-line text sparkline (lowest value ▁, highest █; all equal: ▁)."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = high - low
    return "".join(
        BARS[int((v - low) / span * (len(BARS) - 1))] if span else BARS[0] for v in values
    )


def amount(value: float) -> str:
    """``12,000`` (whole units)."""
    return f"{value:,.0f}"


def compact_amount(value: float) -> str:
    """``950``, ``8,400``, ``48k``, ``1.2m``: short enough for a card line (``0`` for none)."""
    from salesdesk.rules.fields import short_money

    return short_money(value) or "0"


def percent(share: float) -> str:
    return f"{share * 100:.0f}%"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def md(text: object) -> str:
    """User text made safe for Markdown, in a table cell too: one line, every character
    Markdown could read as syntax (``| * _ [ ] ` < #`` ...) backslash-escaped."""
    line = " ".join(_CONTROL.sub(" ", str(text or "")).split())
    return _MD_SPECIAL.sub(r"\\\1", line)


def _md_who(ref: CardRef | GradeMove | CustomerRevenue | SilentCustomer) -> str:
    who = md(ref.name)
    return f"{who} ({md(ref.company)})" if ref.company else who


def _md_table(header: Sequence[str], rows: Iterable[Sequence[object]], right: int = 1) -> list[str]:
    """A GFM table; columns from index ``right`` on are right-aligned."""
    lines = ["| " + " | ".join(header) + " |"]
    lines.append(
        "|" + "|".join("---:" if i >= right else "---" for i in range(len(header))) + "|"
    )
    lines.extend("| " + " | ".join(str(c) for c in row) + " |" for row in rows)
    return lines


def markdown_report(review: WeeklyReview, top: int = 20) -> str:
    """The week's figures as a Markdown report for a manager (user text escaped)."""
    r = review
    pool, out, act = r.pool, r.outcomes, r.activity
    lines = [
        f"# Weekly review {r.iso_week}",
        "",
        f"{week_label(r).split(' · ', 1)[1]} · as of {r.as_of:%a} {r.as_of.day} {r.as_of:%b}"
        f" {r.as_of.year} · {r.selling_weeks_left:g} effective selling weeks left in"
        f" {r.as_of.year}",
        "",
        "## Pool",
        "",
        *_md_table(
            ("", "A", "B", "C", "live", "target", "to add", "new this week"),
            [("live prospects", pool.by_grade["A"], pool.by_grade["B"], pool.by_grade["C"],
              pool.live, pool.target, pool.to_add, pool.new)],
        ),
        "",
        "## Outcomes",
        "",
        *_md_table(
            ("", "cards", "value"),
            [
                ("won", len(out.won), amount(out.won_value)),
                ("lost", len(out.lost), ""),
                ("dropped", len(out.dropped), ""),
                ("parked", len(out.parked), ""),
                ("reopened", len(out.reopened), ""),
                ("promoted", len(out.promoted), ""),
                ("demoted", len(out.demoted), ""),
            ],
        ),
        "",
    ]
    for title, refs in (("Won", out.won), ("Lost", out.lost), ("Dropped", out.dropped),
                        ("Parked", out.parked), ("Reopened", out.reopened)):
        for ref in refs[:top]:
            value = f" · {amount(ref.value)}" if title == "Won" and ref.value else ""
            lines.append(f"- {title}: {_md_who(ref)}{value}")
        if len(refs) > top:
            lines.append(f"- … and {len(refs) - top} more {title.lower()}")
    for title, moves in (("Promoted", out.promoted), ("Demoted", out.demoted)):
        for move in moves[:top]:
            lines.append(f"- {title}: {_md_who(move)} {move.from_grade} → {move.to_grade}")
        if len(moves) > top:
            lines.append(f"- … and {len(moves) - top} more {title.lower()}")
    visits = act.visits
    lines += [
        "",
        "## Activity",
        "",
        f"Visits: {visits.planned} planned, {visits.done} done, {visits.missed} missed,"
        f" {visits.open} still open (moved {visits.moved}, cancelled {visits.cancelled}).",
        "",
        *_md_table(("kind", "count"), [(k, n) for k, n in act.by_kind.items()]),
        "",
        f"{plural(act.touches, 'touch', 'touches')} (notes not counted): "
        + ", ".join(f"{k} {n}" for k, n in act.by_grade.items())
        + f"; {act.key_accounts} on key accounts.",
        "",
        "### Where the time went",
        "",
        *_md_table(
            ("class", "touches", "share", "guidance"),
            [(t.label, t.touches, percent(t.share), f"{t.guidance}%") for t in act.time],
        ),
        "",
        "## 80/20",
        "",
    ]
    p = r.pareto
    if p.customers:
        lines += [
            f"The top 20% of customers ({p.top_count} of {p.customers}) brought"
            f" {percent(p.top_share)} of the last 12 months' revenue"
            f" ({amount(p.top_revenue)} of {amount(p.revenue)}) and got"
            f" {percent(p.top_touch_share)} of this week's touches"
            f" ({p.top_touches} of {p.touches}).",
            "",
            *_md_table(
                ("customer", "revenue", "touches"),
                [(_md_who(c), amount(c.revenue), c.touches) for c in p.top[:top]],
            ),
        ]
    else:
        lines.append("No revenue recorded in the last 12 months.")
    ret = r.retention
    lines += ["", "## Retention", ""]
    if ret.customers:
        lines += [
            f"{ret.count} customers not contacted for more than {ret.days} days"
            f" (value {amount(ret.value)}).",
            "",
            *_md_table(
                ("customer", "value", "last contact", "days"),
                [
                    (_md_who(c), amount(c.value), c.last_contact.isoformat(), c.days)
                    for c in ret.customers[:top]
                ],
            ),
        ]
        if ret.count > top:
            lines.append(f"\n… and {ret.count - top} more.")
    else:
        lines.append(
            f"Every customer was contacted within {ret.days} days." if r.funnel["customer"]
            else "No customers yet."
        )
    lines += [
        "",
        "## Stage funnel",
        "",
        " → ".join(f"{stage} {count}" for stage, count in r.funnel.items()),
        "",
        "## Trends, last 12 weeks",
        "",
        f"- touches {bars([t.touches for t in r.trends])}",
        f"- live pool {bars([t.live for t in r.trends])}",
        f"- wins {bars([t.wins for t in r.trends])}",
        "",
        *_md_table(
            ("week", "touches", "live pool", "wins", "won value"),
            [
                (iso_week(t.week_start), t.touches, t.live, t.wins, amount(t.won_value))
                for t in r.trends
            ],
        ),
        "",
    ]
    return "\n".join(lines)
