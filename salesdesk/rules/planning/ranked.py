"""The suggestions from a ranking worked out elsewhere (the database's): the same result as
:func:`~salesdesk.rules.planning.placing.suggest`, with the facts of only the cards that
are shown.

:func:`suggest` reads every card's facts and runs every reason on each, though a month
has room for about a hundred visits: at 100,000 cards 70,000 have a reason, and all but a
few hundred are only counted. Here the caller gives each card's place in the wanted order
(:class:`Rank`: the same key :func:`placing._wanted` sorts by) and a way to read the facts
of some cards; the facts are read, in that order, only until the plan is full (every
free day taken, the waiting list full), and for the calls (each one is listed). Every
card read is checked against its rank: a rank that disagrees raises
:class:`RankMismatch`, and the caller falls back to the full computation.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta

from salesdesk.rules.planning.needs import W_CUSTOMER, W_NEXT_OVERDUE, Days
from salesdesk.rules.planning.periods import Period, planning_day
from salesdesk.rules.planning.placing import (
    WAITING_LIMIT,
    Placer,
    Wanted,
    _Plan,
    _upcoming,
    _wanted,
)
from salesdesk.rules.planning.rows import PlannedVisit, PlanSettings, ProspectFacts, Suggestions
from salesdesk.rules.planning.suggestions import firm

BATCH = 100  # cards whose facts are read at once, in rank order

#: The rank's lead reasons, most pressing first (a card's lead is its heaviest reason),
#: by the weights of :mod:`salesdesk.rules.planning.needs`; None: a weight of its own
#: (:func:`lead_weight`).
LEAD_WEIGHTS: dict[int, float | None] = {
    1: None,  # next step overdue: 100 + half a point per day late, at most 105
    2: 95.0,  # A, window ended
    3: 90.0,  # A, in its window
    4: 85.0,  # thank-you
    5: 70.0,  # next step
    6: 60.0,  # key account
    7: 55.0,  # retention
    8: 50.0,  # season
    9: 45.0,  # revisit
    10: 40.0,  # B
    11: None,  # customer: 30 + up to 9 by value
    12: 20.0,  # C
    13: 15.0,  # birthday
}


class RankMismatch(Exception):
    """A card's facts put it elsewhere than its rank said: the ranking is not to be used."""


class RankShort(Exception):
    """The ranks given ran out before the plan was full: rank more cards."""


#: A card's place in the wanted order, worked out without its facts: (order, due, id) as
#: :func:`placing._wanted` gives them, whether its reasons are all calls, and its firm
#: last day (the suggestion's ``deadline``; None: none).
Rank = tuple[tuple[int, float], date, int, bool, date | None]


def lead_weight(lead: int, next_date: date | None, value: float, today: date,
                settings: PlanSettings) -> float:
    """The weight of a card's lead reason (``LEAD_WEIGHTS``), as the reason works it out."""
    weight = LEAD_WEIGHTS[lead]
    if weight is not None:
        return weight
    if lead == 1:
        assert next_date is not None
        return W_NEXT_OVERDUE + min(5.0, (today - next_date).days / 2)
    return W_CUSTOMER + min(9.0, value / max(1.0, settings.thank_you_threshold))


def first_day(period: Period, today: date, after_hours: bool) -> date:
    """The first day suggestions may go on (as :func:`placing.suggest` decides)."""
    opens = today + timedelta(days=1) if after_hours else today
    return max(period.start, opens)


def starts_now(period: Period, today: date, after_hours: bool) -> bool:
    """Whether overdue reasons count in ``period`` (only in the days from now)."""
    opens = today + timedelta(days=1) if after_hours else today
    return first_day(period, today, after_hours) <= planning_day(opens)


def suggest_ranked(
    ranks: Iterable[Rank],
    backlog: Mapping[date, int],
    complete: bool,
    read: Callable[[list[int]], Iterable[ProspectFacts]],
    others: Iterable[ProspectFacts],
    visits: Sequence[PlannedVisit],
    period: Period,
    today: date,
    settings: PlanSettings,
    *,
    waiting_limit: int = WAITING_LIMIT,
    after_hours: bool = False,
) -> Suggestions:
    """:func:`placing.suggest` of ``others`` and the ranked cards, whose facts ``read``
    gives only when needed: ``ranks`` holds the first ranked cards with a visit to suggest
    (every one if ``complete``; :class:`RankShort` if the plan needs more) and every one
    with only calls, ``backlog`` how many ranked cards with a visit are due each day (all
    of them: those never read are counted from it). ``others`` are the cards the ranking
    leaves out (a visit planned, a recent sale), with their facts."""
    opens = today + timedelta(days=1) if after_hours else today
    first = max(period.start, opens)
    if first > period.end:
        return Suggestions(())
    days = Days(first, period.end, today, settings)
    upcoming = _upcoming(visits, today)
    own = planning_day(opens)

    def resolved(entries: Sequence[Rank | Wanted]) -> list[Wanted]:
        """``entries`` with the ranked ones' facts read and checked against their ranks."""
        ranked = [e for e in entries if len(e) == 5]
        found = {}
        if ranked:
            facts = read([e[2] for e in ranked])
            found = {item[2]: item for item in _wanted(facts, upcoming, days, own)}
        items = []
        for entry in entries:
            if len(entry) != 5:
                items.append(entry)  # a Wanted already
                continue
            item = found.get(entry[2])
            if item is None:
                raise RankMismatch(f"ranked {entry}, but no reason found")
            firmest = firm(item[3])
            worked_out = (*item[:3], item[5], firmest.due if firmest else None)
            if worked_out != entry:
                raise RankMismatch(f"ranked {entry}, worked out {worked_out}")
            items.append(item)
        return items

    placer = Placer(_Plan.of(visits, period, first, settings), waiting_limit)
    extra = _wanted(others, upcoming, days, own)
    ranked_visits: list[Rank | Wanted] = []
    ranked_calls: list[Rank | Wanted] = []
    for rank in ranks:
        (ranked_calls if rank[3] else ranked_visits).append(rank)
    # Calls take no place: each is listed, whatever the order.
    for item in resolved(ranked_calls) + [item for item in extra if item[5]]:
        placer.add(item)
    entries: list[Rank | Wanted] = ranked_visits + [item for item in extra if not item[5]]
    entries.sort(key=lambda entry: entry[:3])  # ids are unique: never beyond the id
    plan = placer.plan

    def too_late(entry: Rank | Wanted) -> bool:
        """A ranked card whose firm last day is before every free day, once the waiting
        list is full: it can only be counted (as ``Placer.add`` would), so it is not read.
        (Free days only go, the waiting list only grows: it stays true.)"""
        last = entry[4] if len(entry) == 5 else None
        return (last is not None and len(placer.waiting) >= placer.limit and bool(plan.free)
                and last < plan.free[0])

    # Beyond the last card ranked, the others' cards wait for the ones not ranked yet.
    end = len(entries)
    if not complete:
        last = ranked_visits[-1][:3] if ranked_visits else None
        end = bisect_right([entry[:3] for entry in entries], last) if last else 0
    done = 0
    while done < end and not placer.full:
        chunk: list[tuple[Rank | Wanted, bool]] = []  # (entry, whether to read it)
        reads = 0
        while done < end and reads < BATCH:
            entry = entries[done]
            read_it = not too_late(entry)
            chunk.append((entry, read_it))
            reads += read_it
            done += 1
        worked_out = iter(resolved([entry for entry, read_it in chunk if read_it]))
        for entry, read_it in chunk:
            if read_it:
                placer.add(next(worked_out))
            else:
                placer.leave_out(entry[1])  # a date in both
    if not placer.full and not complete:
        raise RankShort(f"{len(entries)} ranked visits were not enough")
    # Left out: every card with a visit to suggest (the backlog, and the others') but
    # those placed or waiting, i.e. those added and not left out.
    left = Counter(backlog)
    left.update(item[1] for item in extra if not item[5])
    left.subtract(entry[1] for entry in entries[:done])
    left.update(placer.left_out)
    if min(left.values(), default=0) < 0:
        raise RankMismatch("the backlog lacks cards the ranks hold")
    placer.left_out = sorted(left.elements())
    return placer.result()
