"""``salesdesk list`` from the board's keys: cards in the board's order straight from the
keys' index, streamed (never all built first), with a count of how many match.

Same order as :func:`salesdesk.data.cards.list_cards` (a test compares them)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from salesdesk.data.board_keys import ensure_keys
from salesdesk.data.cards import (
    CARD_COLUMNS,
    CardRow,
    add_fold,
    card_from_row,
    list_cards,
    search_clause,
)
from salesdesk.data.db import Database
from salesdesk.enums import Status
from salesdesk.rules.board import board_column

_CHUNK = 500


@dataclass(frozen=True)
class ListQuery:
    """What ``list`` asks for."""

    statuses: tuple[str, ...] = (Status.LIVE.value,)
    grade: str | None = None
    search: str | None = None
    due_only: bool = False
    verdict: str | None = None

    def where(self) -> tuple[str, list[Any], bool]:
        cols = sorted({board_column(self.grade or g, s) for s in self.statuses
                       for g in (("A", "B", "C") if self.grade is None else (self.grade,))})
        where = [f"k.col IN ({', '.join('?' * len(cols))})"]
        params: list[Any] = list(cols)
        shared = {Status.DROPPED.value, Status.LOST.value}  # share a column
        closed = set(self.statuses) - {Status.LIVE.value}
        if len(shared & set(self.statuses)) == 1 or (self.grade and closed):
            where.append(f"k.prospect_id IN (SELECT id FROM prospect WHERE status IN "
                         f"({', '.join('?' * len(self.statuses))})"
                         + (" AND grade = ?)" if self.grade else ")"))
            params.extend(self.statuses)
            if self.grade:
                params.append(self.grade)
        if self.due_only:
            where.append("k.flags > 0")
        if self.verdict is not None:
            where.append("k.verdict = ?")
            params.append(self.verdict)
        clause, search_params, fold = search_clause(self.search, "k.prospect_id")
        if clause:
            where.append(clause)
            params.extend(search_params)
        return " AND ".join(where), params, fold


def _ordered_in_python(db: Database, today: date, query: ListQuery) -> list[CardRow]:
    """The same cards when the keys cannot be brought up to date (another program holds
    the write lock): every card scored and sorted, as before the keys."""
    cards = list_cards(db, today, statuses=query.statuses, grade=query.grade,
                       search=query.search, due_only=query.due_only)
    return [c for c in cards if query.verdict is None or c.verdict == query.verdict]


def count_listed(db: Database, today: date, query: ListQuery) -> int:
    """How many cards ``query`` lists."""
    if ensure_keys(db, today) < 0:
        return len(_ordered_in_python(db, today, query))
    where, params, fold = query.where()
    with db.connect() as conn:
        if fold:
            add_fold(conn)
        return int(conn.execute(f"SELECT count(*) FROM board_key k WHERE {where}",
                                params).fetchone()[0])


def stream_cards(db: Database, today: date, query: ListQuery,
                 limit: int | None = None) -> Iterator[CardRow]:
    """The cards in the board's order, read a chunk at a time."""
    if ensure_keys(db, today) < 0:
        yield from _ordered_in_python(db, today, query)[:limit]
        return
    where, params, fold = query.where()
    sql = (f"SELECT {CARD_COLUMNS} FROM board_key k JOIN prospect ON prospect.id = "
           f"k.prospect_id WHERE {where} ORDER BY k.rank, k.prospect_id")
    if limit is not None:
        sql += " LIMIT ?"
        params.append(max(0, limit))
    with db.connect() as conn:
        if fold:
            add_fold(conn)
        cursor = conn.execute(sql, params)
        try:
            while rows := cursor.fetchmany(_CHUNK):
                yield from (card_from_row(row, today) for row in rows)
        finally:
            cursor.close()


def widest_id(db: Database) -> int:
    """Digits of the largest id (the ``list`` table's first column, when streamed)."""
    with db.connect() as conn:
        return len(str(conn.execute("SELECT max(id) FROM prospect").fetchone()[0] or 0))
