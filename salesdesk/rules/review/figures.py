"""Every figure of one week: pool, outcomes, retention, funnel, trends."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from salesdesk.rules.reasons import REASON_LABELS, reason_said
from salesdesk.rules.review.activity import activity
from salesdesk.rules.review.complaints import (
    complained_recently,
    complaint_figures,
    first_contact_figures,
)
from salesdesk.rules.review.facts import (
    CUSTOMER,
    GRADE_RANK,
    GRADES,
    LIVE,
    STAGES,
    CardFact,
    ReviewData,
)
from salesdesk.rules.review.history import History
from salesdesk.rules.review.results import (
    CardRef,
    GradeMove,
    Outcomes,
    PoolHealth,
    Retention,
    SilentCustomer,
    TrendPoint,
    WeeklyReview,
)
from salesdesk.rules.review.revenue import pareto, revenue_groups
from salesdesk.rules.review.weeks import WEEK, selling_weeks_left, week_end

TREND_WEEKS = 12
CLOSING = ("lost", "dropped")  # the statuses a reason goes with


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
    values = dict.fromkeys(GRADES, 0.0)
    for card in history.cards.values():
        if card.value and history.status_at(card, end) == LIVE:
            values[history.grade_at(card, end)] += card.value
    chances = {g: float(data.chances.get(g, 0.0)) for g in GRADES}
    forecast = sum(values[g] * chances[g] for g in GRADES)
    return PoolHealth(
        by_grade, live, data.pool_target, max(0, data.pool_target - live), new,
        values, forecast, chances,
    )


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
    said: dict[int, tuple[str | None, str]] = {}
    for change in data.changes:  # oldest first: the last drop or loss of the week wins
        if (change.kind == "status" and change.new in CLOSING
                and start <= change.day <= end):
            said[change.prospect_id] = (change.reason, change.reason_note)
    reasons: dict[str, int] = {}
    why: dict[int, str] = {}
    for ref in (*lists["lost"], *lists["dropped"]):
        reason, note = said.get(ref.id, (None, ""))
        key = reason if reason in REASON_LABELS else ""
        reasons[key] = reasons.get(key, 0) + 1
        if reason_said(reason, note):
            why[ref.id] = reason_said(reason, note)
    ordered = {k: reasons[k] for k in (*REASON_LABELS, "") if k in reasons}
    return Outcomes(
        lists["won"],
        won_value,
        lists["lost"],
        lists["dropped"],
        lists["parked"],
        lists["reopened"],
        promoted,
        demoted,
        ordered,
        why,
    )


def as_of(data: ReviewData) -> date:
    """The day the week is judged at: its Sunday, or today while the week is running."""
    return min(week_end(data.week_start), max(data.today, data.week_start))


def retention(data: ReviewData, history: History) -> Retention:
    """Customers not contacted for more than ``retention_days`` (as of :func:`as_of`)."""
    day = as_of(data)
    silent = []
    flagged = complained_recently(data.complaints, day)
    complained: list[CardRef] = []
    for card in history.cards.values():
        if history.status_at(card, day) != CUSTOMER:
            continue
        if card.id in flagged:
            complained.append(_ref(card))
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
            silent.append(SilentCustomer(card.id, card.name, card.company, card.value, last, days,
                                         card.id in flagged))
    silent.sort(key=lambda c: (-c.value, -c.days, c.id))
    complained.sort(key=lambda c: (-c.value, c.id))
    return Retention(data.retention_days, silent, float(sum(c.value for c in silent)),
                     complained)


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
        week = complaint_figures(data.complaints, start, end, data.answer_hours)
        points.append(TrendPoint(start, touches, history.live_count(end), len(wins), value,
                                 week.received, week.answered_in_time))
    return points


def weekly_review(data: ReviewData) -> WeeklyReview:
    """Every figure of the week."""
    history = History(data.cards, data.changes)
    groups = revenue_groups(data, history)
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
        complaints=complaint_figures(
            data.complaints, data.week_start, week_end(data.week_start), data.answer_hours),
        first_contact=first_contact_figures(
            data.first_contacts, data.week_start, week_end(data.week_start), day, data.now),
        answer_hours=data.answer_hours,
    )
