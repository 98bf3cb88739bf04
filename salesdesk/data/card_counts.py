"""How many cards a filter of :func:`~salesdesk.data.cards.list_cards` matches.

``salesdesk list`` prints a screenful and says how many more there are, without holding
or printing the rest. A filter by status and grade alone is one ``count(*)`` in SQL; a
search or ``--due`` is judged as ``list_cards`` judges it (by reading the cards), so the
count always agrees with the list. (The board's order moving into SQL will let the
other filters be counted there too.)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from salesdesk.data.cards import list_cards
from salesdesk.data.db import Database
from salesdesk.enums import Status


def count_cards(
    db: Database,
    today: date | datetime,
    *,
    statuses: Iterable[str] = (Status.LIVE,),
    grade: str | None = None,
    search: str | None = None,
    due_only: bool = False,
) -> int:
    """The number of cards ``list_cards`` returns for the same filter (without a limit)."""
    statuses = [str(s) for s in statuses]
    if due_only or (search and search.strip()):
        return len(list_cards(db, today, statuses=statuses, grade=grade, search=search,
                              due_only=due_only))
    where = f"status IN ({', '.join('?' for _ in statuses)})"
    params: list[Any] = list(statuses)
    if grade:
        where += " AND grade = ?"
        params.append(str(grade))
    with db.connect() as conn:
        sql = f"SELECT count(*) FROM prospect WHERE {where}"
        row = conn.execute(sql, tuple(params)).fetchone()
    return int(row[0])


def largest_id(db: Database) -> int:
    """The largest card id (0 with none): ``list`` sizes its ID column by it, so a column
    sized from the first cards still fits every id that comes later."""
    with db.connect() as conn:
        row = conn.execute("SELECT max(id) FROM prospect").fetchone()
    return int(row[0] or 0)
