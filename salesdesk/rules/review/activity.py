"""The week's activity: visits, touches by kind and grade, and where the time went
against the seed's guidance."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from salesdesk.enums import CONTACT_KINDS, TOUCH_KINDS
from salesdesk.rules.review.facts import CUSTOMER, GRADES, LIVE, CardFact, ReviewData, VisitFact
from salesdesk.rules.review.history import History
from salesdesk.rules.review.results import ActivityFigures, TimeShare, VisitCounts
from salesdesk.rules.review.revenue import RevenueGroups

LONG_TERM_DAYS = 365

#: The seed's time guidance, in percent of the time (its figures add up to 105: rough shares).
TIME_CLASSES: tuple[tuple[str, str, int], ...] = (
    ("big", "big customers with buying power", 35),
    ("long_term", "long-term customers", 20),
    ("small", "small customers and prospects", 50),
    ("no_intention", "prospects with no intention", 0),
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


def _time_class(
    card: CardFact, day: date, history: History, groups: RevenueGroups, top: set[int]
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


def activity(data: ReviewData, history: History, groups: RevenueGroups) -> ActivityFigures:
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
