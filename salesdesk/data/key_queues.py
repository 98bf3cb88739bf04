"""The screens' queues read from the board's key table: the MAN check's and the weekly
review's cards in urgency order, and the cards on today's list, without scoring every
card in Python.

A queue is judged at the start of its day (as :func:`salesdesk.data.cards.list_cards`
judges a day), while a key is scored for the moment it was refreshed at. The two differ
only on the cards with a running clock (an unanswered complaint, a new lead not contacted
yet), whose score depends on the hour, and on the cards whose keys are stale (changed
since the board's last refresh): those few are read and scored in Python, as before, and
merged into the order read from the key table's index. Every other part of a key (its
column, verdict, flags, score) depends on the day alone.

Nothing here writes: the board alone refreshes the keys, and keeps its header's counts
from what its refreshes changed. With more such cards than :data:`FEW` (the first read
after midnight finds every key stale), or where there are no keys (a PostgreSQL server, a
read-only file: :func:`salesdesk.data.board_view.orders_in_sql`), the functions here
return None and the caller reads every card as before.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from datetime import date, datetime

from salesdesk.data import board_keys
from salesdesk.data.board_view import orders_in_sql
from salesdesk.data.cards import CardRow, list_cards
from salesdesk.data.db import Database
from salesdesk.enums import Status
from salesdesk.rules.man import Verdict

#: More cards to score in Python than this: read every card the old way instead.
FEW = 2_000

#: Cards whose score may depend on the hour (a complaint's answer clock, a new lead's),
#: and cards whose keys are stale at ``:now``.
_SPECIAL_IDS = (
    "SELECT prospect_id FROM complaint WHERE resolved_at IS NULL AND answered_at IS NULL "
    "UNION SELECT prospect_id FROM board_key WHERE first_contact != '' "
    "OR until <= :now OR since > :now"
)
#: The live board's cards: their column is their grade.
_LIVE = f"k.col IN ({', '.join(repr(key) for key in board_keys.LIVE_KEYS)})"


def usable(db: Database, today: date, now: datetime | None) -> bool:
    """Whether the keys can answer for ``today``: an SQLite file this program writes,
    and a moment ``now`` on that day."""
    return now is not None and now.date() == today and orders_in_sql(db)


def special_ids(db: Database, now: datetime) -> list[int] | None:
    """The cards to score in Python (see the module docstring); None: too many."""
    with db.connect() as conn:
        rows = conn.execute(
            f"{_SPECIAL_IDS} LIMIT {FEW + 1}", {"now": board_keys.stamp(now)}
        ).fetchall()
    return None if len(rows) > FEW else [int(row[0]) for row in rows]


def ordered_ids(
    db: Database,
    today: date,
    now: datetime,
    where: str,
    params: Sequence[object],
    wanted: Callable[[CardRow], bool],
) -> list[int] | None:
    """The ids of the cards matching ``where`` (over ``k``, the key; it must depend on
    the day alone), highest score at the start of ``today`` first, then the oldest card.
    ``wanted`` is the same test on a card read in Python (the clock cards, the stale
    keys). None: too many of those."""
    special = special_ids(db, now)
    if special is None:
        return None
    marks = ", ".join("?" for _ in special)
    with db.connect() as conn:
        steady = conn.execute(
            f"SELECT k.score, k.prospect_id FROM board_key k WHERE ({where})"
            + (f" AND k.prospect_id NOT IN ({marks})" if special else "")
            + " ORDER BY k.score DESC, k.prospect_id",
            (*params, *special),
        ).fetchall()
    statuses = [s.value for s in Status]
    scored = list_cards(db, today, statuses=statuses, ids=special) if special else []
    rescored = [(-card.urgency.score, card.id) for card in scored if wanted(card)]
    merged = heapq.merge(((-score, pid) for score, pid in steady), rescored)
    return [pid for _score, pid in merged]


def man_queue_ids(db: Database, today: date, now: datetime) -> list[int] | None:
    """:func:`salesdesk.data.man.man_queue` from the keys: live cards with MAN
    incomplete, then the other not qualified ones, each in urgency order."""
    incomplete = ordered_ids(
        db,
        today,
        now,
        f"{_LIVE} AND k.verdict = ?",
        (Verdict.INCOMPLETE.value,),
        lambda card: card.status == Status.LIVE and card.verdict == Verdict.INCOMPLETE,
    )
    # (the other verdicts named, so the verdict index answers)
    others = [v for v in Verdict if v not in (Verdict.INCOMPLETE, Verdict.QUALIFIED)]
    marks = ", ".join("?" for _ in others)
    rest = ordered_ids(
        db,
        today,
        now,
        f"{_LIVE} AND k.verdict IN ({marks})",
        [v.value for v in others],
        lambda card: card.status == Status.LIVE and card.verdict in others,
    )
    return None if incomplete is None or rest is None else incomplete + rest


def review_queue_ids(
    db: Database, today: date, now: datetime, wanted: Callable[[CardRow], bool]
) -> list[int] | None:
    """:func:`salesdesk.data.review_queue.review_queue`'s ids from the keys: live cards
    due for a look or past their window, and those overdue not reviewed today
    (``wanted``: the same test in Python)."""
    return ordered_ids(
        db,
        today,
        now,
        f"{_LIVE} AND (k.due OR (k.overdue AND NOT EXISTS (SELECT 1 FROM prospect p "
        "WHERE p.id = k.prospect_id AND substr(p.reviewed_at, 1, 10) >= ?)))",
        (today.isoformat(),),
        wanted,
    )


def today_ids(now: datetime) -> tuple[str, dict[str, str]]:
    """A subquery of the cards that may put an item on today's list at ``now``, and its
    parameters: those whose key counts one, and those whose key is stale."""
    return (
        "(SELECT prospect_id FROM board_key WHERE today > 0 OR until <= :now OR since > :now)",
        {"now": board_keys.stamp(now)},
    )
