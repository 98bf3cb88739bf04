"""Revenue by customer over the last 12 months, and the 80/20 of it."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from salesdesk.enums import CONTACT_KINDS
from salesdesk.rules.review.facts import CUSTOMER, LIVE, CardFact, ReviewData
from salesdesk.rules.review.history import History
from salesdesk.rules.review.results import CustomerRevenue, Pareto
from salesdesk.rules.review.weeks import week_end

PARETO_SHARE = 0.2
REVENUE_DAYS = 365


@dataclass(frozen=True)
class RevenueGroups:
    """Cards grouped into customers (linked cards are one) with their 12-month revenue."""

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


def revenue_groups(data: ReviewData, history: History) -> RevenueGroups:
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
    return RevenueGroups(dict(revenue), root, latest, top, threshold)


def pareto(data: ReviewData, history: History, groups: RevenueGroups) -> Pareto:
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
