"""The board's reads from its keys (``board_key``, see :mod:`salesdesk.data.board_keys`):
a column's cards a window at a time, in urgency order straight from an index (keyset
paging by rank and id), the columns' counts and the header's figures from aggregates over
that index, and where a given card stands. Nothing here reads every card.

Every function expects the keys to be fresh for ``today`` (:func:`ensure_keys` first)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, overload

from salesdesk.data import dialect
from salesdesk.data.board_keys import FLAG_DUE, FLAG_OVERDUE, ensure_keys
from salesdesk.data.cards import (
    CARD_COLUMNS,
    BoardSummary,
    CardRow,
    add_fold,
    card_from_row,
    pipeline,
    search_clause,
    split_search,
)
from salesdesk.data.db import Database
from salesdesk.data.settings import pool_target
from salesdesk.rules.board import CLOSED_KEYS, LIVE_KEYS

__all__ = ["BoardQuery", "ColumnCards", "board_summary", "by_ids", "column_counts",
           "ensure_keys", "locate", "matching", "window"]

#: Cards read at once when a column needs one it has not got (about two screens).
WINDOW = 48
#: Cards a column keeps in memory before it forgets the ones it read earlier.
KEEP = 1200

Ranked = tuple[float, CardRow]


@dataclass(frozen=True)
class BoardQuery:
    """What the board shows: the live or the closed view, a text filter, a MAN verdict."""

    closed_view: bool = False
    search: str = ""
    verdict: str | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        return CLOSED_KEYS if self.closed_view else LIVE_KEYS


def _filters(query: BoardQuery, *, verdict: bool = True) -> tuple[list[str], list[Any], bool]:
    where: list[str] = []
    params: list[Any] = []
    if verdict and query.verdict is not None:
        where.append("k.verdict = ?")
        params.append(query.verdict)
    clause, search_params, fold = search_clause(query.search, "k.prospect_id")
    if clause:
        where.append(clause)
        params.extend(search_params)
    return where, params, fold


def _rows(db: Database, sql: str, params: Sequence[Any], fold: bool) -> list[Any]:
    with db.connect() as conn:
        if fold:
            add_fold(conn)
        return conn.execute(sql, tuple(params)).fetchall()


def _key_counts(db: Database) -> list[tuple[str, int, str, int]]:
    """(column, flags, verdict, how many) over every key: one small table."""
    return _rows(db, "SELECT col, flags, verdict, n FROM board_count WHERE n > 0", (), False)


def column_counts(
    db: Database, query: BoardQuery, *, verdict: bool = True
) -> dict[str, int]:
    """How many cards each column of the view holds (with the filters)."""
    keys = query.keys
    found = dict.fromkeys(keys, 0)
    if not query.search:  # the counts table has them
        wanted = query.verdict if verdict else None
        for col, _flags, verdict_, count in _key_counts(db):
            if col in found and (wanted is None or verdict_ == wanted):
                found[col] += count
        return found
    where, params, fold = _filters(query, verdict=verdict)
    where.insert(0, f"k.col IN ({', '.join('?' * len(keys))})")
    rows = _rows(
        db, f"SELECT k.col, count(*) FROM board_key k WHERE {' AND '.join(where)} "
        "GROUP BY k.col", [*keys, *params], fold,
    )
    found.update({col: count for col, count in rows})
    return found


def matching(db: Database, query: BoardQuery) -> list[tuple[str, int, str]]:
    """(column, id, verdict) of every card of the view that matches the text filter, in
    board order: one pass, from which the columns page by id. Driven by the search index
    when a word is long enough (the short words are then checked on its matches only),
    else a scan of the cards' text."""
    search = split_search(query.search)
    keys = query.keys
    where = [f"k.col IN ({', '.join('?' * len(keys))})"]
    params: list[Any] = [*keys]
    if search is None:
        source = "board_key k"
    elif search.match is not None:
        source = f"({dialect.SEARCH_ROWS}) f JOIN board_key k ON k.prospect_id = f.rowid"
        params.insert(0, search.match)
        if search.scan:
            source += " JOIN prospect ON prospect.id = k.prospect_id"
            where.append(search.scan)
            params.extend(search.scan_params)
    else:
        source = "board_key k"
        where.append(f"k.prospect_id IN (SELECT id FROM prospect WHERE {search.scan})")
        params.extend(search.scan_params)
    return _rows(
        db, f"SELECT k.col, k.prospect_id, k.verdict FROM {source} "
        f"WHERE {' AND '.join(where)} ORDER BY k.col, k.rank, k.prospect_id", params,
        search is not None and search.fold,
    )


def by_ids(db: Database, today: date, ids: Sequence[int]) -> dict[int, Ranked]:
    """The cards of these ids, with their ranks (a page of a filtered column)."""
    if not ids:
        return {}
    rows = _rows(
        db, f"SELECT {CARD_COLUMNS}, k.rank FROM board_key k JOIN prospect ON prospect.id = "
        f"k.prospect_id WHERE k.prospect_id IN ({', '.join('?' * len(ids))})", ids, False,
    )
    return {row[0]: (row[-1], card_from_row(row[:-1], today)) for row in rows}


def window(
    db: Database,
    today: date,
    query: BoardQuery,
    col: str,
    *,
    offset: int = 0,
    after: tuple[float, int] | None = None,
    before: tuple[float, int] | None = None,
    limit: int = WINDOW,
) -> list[Ranked]:
    """Up to ``limit`` cards of column ``col`` in board order, with their ranks: from
    ``offset``, or just after / just before a card's (rank, id)."""
    where, params, fold = _filters(query)
    where.insert(0, "k.col = ?")
    params.insert(0, col)
    order = "k.rank, k.prospect_id"
    if after is not None:
        where.append("(k.rank, k.prospect_id) > (?, ?)")
        params.extend(after)
    elif before is not None:
        where.append("(k.rank, k.prospect_id) < (?, ?)")
        params.extend(before)
        order = "k.rank DESC, k.prospect_id DESC"
    elif offset:
        # Skip along the index only (no row is read for the cards skipped), then page.
        where.append(
            f"(k.rank, k.prospect_id) >= (SELECT k.rank, k.prospect_id FROM board_key k "
            f"WHERE {' AND '.join(where)} ORDER BY {order} LIMIT 1 OFFSET ?)"
        )
        params.extend([*params, offset])
    rows = _rows(
        db, f"SELECT {CARD_COLUMNS}, k.rank FROM board_key k JOIN prospect ON prospect.id = "
        f"k.prospect_id WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?",
        [*params, limit], fold,
    )
    ranked = [(row[-1], card_from_row(row[:-1], today)) for row in rows]
    if before is not None:
        ranked.reverse()
    return ranked


def locate(db: Database, query: BoardQuery, prospect_id: int) -> tuple[str, int] | None:
    """(column, position in it) of a card in the view, or None if the view hides it."""
    where, params, fold = _filters(query)
    keys = query.keys
    found = _rows(
        db, f"SELECT k.col, k.rank FROM board_key k WHERE k.prospect_id = ? AND k.col IN "
        f"({', '.join('?' * len(keys))})" + "".join(f" AND {w}" for w in where),
        [prospect_id, *keys, *params], fold,
    )
    if not found:
        return None
    col, rank = found[0]
    where.insert(0, "k.col = ? AND (k.rank, k.prospect_id) < (?, ?)")
    (count,), = _rows(
        db, f"SELECT count(*) FROM board_key k WHERE {' AND '.join(where)}",
        [col, rank, prospect_id, *params], fold,
    )
    return col, int(count)


def board_summary(db: Database) -> BoardSummary:
    """The header's figures (live cards by grade, due, overdue, the pool) from the counts
    table (``closed`` is left empty: the header does not show it)."""
    by_grade = dict.fromkeys(LIVE_KEYS, 0)
    due = overdue = 0
    for col, flags, _verdict, count in _key_counts(db):
        if col in by_grade:
            by_grade[col] += count
            due += count if flags & FLAG_DUE else 0
            overdue += count if flags & FLAG_OVERDUE else 0
    return BoardSummary(by_grade=by_grade, due=due, overdue=overdue,
                        live=sum(by_grade.values()), pool_target=pool_target(db),
                        pipeline=pipeline(db))


class ColumnCards(Sequence[CardRow]):
    """One column's cards as a sequence, read from the database a window at a time: the
    next window by keyset from a neighbour already read (moving, scrolling), by offset
    otherwise (a jump). Only what is drawn, or near it, is ever in memory."""

    def __init__(self, db: Database, today: date, query: BoardQuery, col: str,
                 count: int, ids: list[int] | None = None) -> None:
        self.db, self.today, self.query, self.col = db, today, query, col
        self.total = count if ids is None else len(ids)
        self.ids = ids  # a filtered column: its cards' ids in order (see matching)
        self._known: dict[int, Ranked] = {}

    def __len__(self) -> int:
        return self.total

    @overload
    def __getitem__(self, index: int) -> CardRow: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[CardRow]: ...
    def __getitem__(self, index: int | slice) -> CardRow | Sequence[CardRow]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.total))]
        if index < 0:
            index += self.total
        if not 0 <= index < self.total:
            raise IndexError(index)
        found = self._known.get(index)
        if found is None:
            self._read_around(index)
            found = self._known.get(index)
            if found is None:  # the database changed under the board: a blank card
                raise IndexError(index)
        return found[1]

    def __iter__(self) -> Iterator[CardRow]:
        for index in range(self.total):
            yield self[index]

    def _read_around(self, index: int) -> None:
        if len(self._known) > KEEP:
            self._known.clear()
        known = self._known
        if self.ids is not None:
            start = max(0, index - WINDOW // 3)
            page = self.ids[start:start + WINDOW]
            found = by_ids(self.db, self.today, page)
            for offset, pid in enumerate(page):
                if pid in found:
                    known[start + offset] = found[pid]
            return
        if index - 1 in known:
            rank, card = known[index - 1]
            rows = window(self.db, self.today, self.query, self.col, after=(rank, card.id))
            start = index
        elif index + 1 in known:
            rank, card = known[index + 1]
            rows = window(self.db, self.today, self.query, self.col, before=(rank, card.id))
            start = index + 1 - len(rows)
        else:
            start = max(0, index - WINDOW // 3)
            rows = window(self.db, self.today, self.query, self.col, offset=start)
        for offset, ranked in enumerate(rows):
            known[start + offset] = ranked

    def index_of(self, prospect_id: int) -> int | None:
        """Where a card is in this column (None if elsewhere), without reading the column."""
        for index, (_rank, card) in self._known.items():
            if card.id == prospect_id:
                return index
        if self.ids is not None:
            return self.ids.index(prospect_id) if prospect_id in self.ids else None
        found = locate(self.db, self.query, prospect_id)
        return found[1] if found is not None and found[0] == self.col else None
