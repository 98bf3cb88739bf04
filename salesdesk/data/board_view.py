"""The board's columns as sequences that read only what is drawn.

A column of an SQLite file is a :class:`KeyColumn`: its length comes from the header's
counts the board keeps (:func:`salesdesk.data.board_keys.tally`), a card at an index is
read with the page around it (keyset order by score
and id, ``LIMIT``/``OFFSET`` over the index), and finding a card's place is one more
count. A filtered column is a :class:`TextColumn`: the matches found in the board's text read
once (:mod:`salesdesk.data.board_text`), or, until that text is read or when it is out
of date, an :class:`IdColumn`: the ids of the matches in board order, found by one query;
either way their cards are read a page at a time. A PostgreSQL server (or a file
this program may not write, whose keys cannot be refreshed) gets a :class:`ListColumn` of
cards read, scored and sorted in Python, as every board did before schema 8.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import overload

from salesdesk.data import board_keys
from salesdesk.data.board_text import Matches
from salesdesk.data.card_rows import (
    CARD_COLUMNS,
    CARD_FROM,
    CardRow,
    Clocks,
    card_from_row,
    clocks,
)
from salesdesk.data.cards import define_fold, search_where
from salesdesk.data.db import Database

#: Cards read at once around the one drawn: about a tall column's screenful (a card is
#: three to five lines). Each change reads every column's window again, so a page much
#: longer than the screen was read for nothing (64 cost ~5 ms a regrade at 100,000).
PAGE = 16


class Column(Sequence[CardRow]):
    """A board column's cards in urgency order (highest score first, then oldest id)."""

    def index_of(self, prospect_id: int) -> int | None:  # pragma: no cover - abstract
        raise NotImplementedError


class ListColumn(Column):
    """Cards already read (a server's board, a read-only file)."""

    def __init__(self, cards: list[CardRow]) -> None:
        self._cards = cards
        self._index = {card.id: i for i, card in enumerate(cards)}

    def __len__(self) -> int:
        return len(self._cards)

    @overload
    def __getitem__(self, index: int) -> CardRow: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[CardRow]: ...
    def __getitem__(self, index: int | slice) -> CardRow | Sequence[CardRow]:
        return self._cards[index]

    def index_of(self, prospect_id: int) -> int | None:
        return self._index.get(prospect_id)


class _PagedColumn(Column):
    """Reads its cards a page at a time, by id, and keeps the pages it read."""

    def __init__(self, db: Database, clock: Clocks, length: int) -> None:
        self.db = db
        self.clock = clock
        self._length = length
        self._pages: dict[int, list[CardRow]] = {}

    def __len__(self) -> int:
        return self._length

    def _page_ids(self, page: int) -> list[int]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _page(self, page: int) -> list[CardRow]:
        cards = self._pages.get(page)
        if cards is None:
            if len(self._pages) > 64:
                self._pages.clear()
            cards = cards_by_id(self.db, self.clock, self._page_ids(page))
            self._pages[page] = cards
        return cards

    @overload
    def __getitem__(self, index: int) -> CardRow: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[CardRow]: ...
    def __getitem__(self, index: int | slice) -> CardRow | Sequence[CardRow]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        page = self._page(index // PAGE)
        offset = index % PAGE
        if offset >= len(page):  # a card removed meanwhile: the view reloads soon
            raise IndexError(index)
        return page[offset]

    def __iter__(self) -> Iterator[CardRow]:
        for page in range(-(-self._length // PAGE)):
            yield from self._page(page)


class KeyColumn(_PagedColumn):
    """One column of the key table: a grade of the live board or a closed status group,
    with only one MAN verdict when ``verdict`` is given."""

    def __init__(self, db: Database, clock: Clocks, key: str, verdict: str | None,
                 length: int) -> None:
        super().__init__(db, clock, length)
        self.key = key
        self.verdict = verdict
        self._where = "col = ?" + (" AND verdict = ?" if verdict else "")
        self._params: tuple[str, ...] = (key, verdict) if verdict else (key,)
        self._places: dict[int, int | None] = {}

    def _page_ids(self, page: int) -> list[int]:
        with self.db.connect() as conn:
            rows = conn.execute(
                f"SELECT prospect_id FROM board_key WHERE {self._where} "
                "ORDER BY score DESC, prospect_id LIMIT ? OFFSET ?",
                (*self._params, PAGE, page * PAGE),
            ).fetchall()
        return [row[0] for row in rows]

    def __iter__(self) -> Iterator[CardRow]:
        """Every card in order (tests and tools): the ids at once, the cards in chunks,
        not page after page (each page's OFFSET counts again from the top)."""
        with self.db.connect() as conn:
            ids = [row[0] for row in conn.execute(
                f"SELECT prospect_id FROM board_key WHERE {self._where} "
                "ORDER BY score DESC, prospect_id", self._params).fetchall()]
        for start in range(0, len(ids), 500):
            yield from cards_by_id(self.db, self.clock, ids[start:start + 500])

    def index_of(self, prospect_id: int) -> int | None:
        """The card's place: how many cards of the column come before it (a column is
        read again after every change, so a place once found stays right)."""
        if prospect_id in self._places:
            return self._places[prospect_id]
        for page, cards in self._pages.items():  # drawn already: no query
            for offset, card in enumerate(cards):
                if card.id == prospect_id:
                    self._places[prospect_id] = page * PAGE + offset
                    return page * PAGE + offset
        self._places[prospect_id] = place = self._counted_place(prospect_id)
        return place

    def _counted_place(self, prospect_id: int) -> int | None:
        with self.db.connect() as conn:
            row = conn.execute(
                "SELECT col, verdict, score FROM board_key WHERE prospect_id = ?",
                (prospect_id,),
            ).fetchone()
            if row is None or row[0] != self.key or (self.verdict and row[1] != self.verdict):
                return None
            # Two counts, each one range of the index: with ``score > ? OR (score = ?
            # AND ...)`` SQLite walks the range and tests the OR at every entry, three
            # times as long (~3 ms against ~1 ms half way down 20,000 cards).
            higher = conn.execute(
                f"SELECT count(*) FROM board_key WHERE {self._where} AND score > ?",
                (*self._params, row[2]),
            ).fetchone()[0]
            level = conn.execute(
                f"SELECT count(*) FROM board_key WHERE {self._where} AND score = ? "
                "AND prospect_id < ?",
                (*self._params, row[2], prospect_id),
            ).fetchone()[0]
        before = int(higher) + int(level)
        return before if before < self._length else None


class IdColumn(_PagedColumn):
    """The matches of a filter in one column, as ids in board order."""

    def __init__(self, db: Database, clock: Clocks, ids: list[int]) -> None:
        super().__init__(db, clock, len(ids))
        self.ids = ids
        self._index: dict[int, int] | None = None

    def _page_ids(self, page: int) -> list[int]:
        return self.ids[page * PAGE:(page + 1) * PAGE]

    def index_of(self, prospect_id: int) -> int | None:
        if self._index is None:
            self._index = {pid: i for i, pid in enumerate(self.ids)}
        return self._index.get(prospect_id)


class TextColumn(_PagedColumn):
    """The matches of a filter in one column, found in the board's text read once
    (:mod:`salesdesk.data.board_text`): counted at once, mapped to ids as drawn."""

    def __init__(self, db: Database, clock: Clocks, matches: Matches) -> None:
        super().__init__(db, clock, len(matches))
        self.matches = matches

    def _page_ids(self, page: int) -> list[int]:
        return self.matches.ids(page * PAGE, (page + 1) * PAGE)

    def index_of(self, prospect_id: int) -> int | None:
        return self.matches.index_of(prospect_id)


def cards_by_id(db: Database, clock: Clocks, ids: list[int]) -> list[CardRow]:
    """The cards with these ids, in the order of ``ids`` (a removed one is left out)."""
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    with db.connect() as conn:
        rows = conn.execute(
            f"SELECT {CARD_COLUMNS} FROM {CARD_FROM} WHERE prospect.id IN ({marks})", ids
        ).fetchall()
    found = {row[0]: row for row in rows}
    return [card_from_row(found[pid], clock) for pid in ids if pid in found]


def verdict_counts(db: Database, keys: Sequence[str], verdict: str) -> dict[str, int]:
    """How many cards of one MAN verdict each column holds."""
    marks = ", ".join("?" for _ in keys)
    with db.connect() as conn:
        rows = conn.execute(
            f"SELECT col, count(*) FROM board_key WHERE col IN ({marks}) AND verdict = ? "
            "GROUP BY col",
            (*keys, verdict),
        ).fetchall()
    found = dict.fromkeys(keys, 0)
    found.update({col: int(n) for col, n in rows})
    return found


def matching_ids(
    db: Database, keys: Sequence[str], search: str
) -> dict[str, list[tuple[int, str]]]:
    """The cards a filter matches, per column in board order, with their verdicts."""
    clauses, params, fold = search_where(search)
    # The trigram index narrows the cards to those holding every long word; the plain
    # clauses then decide exactly as a scan would (the index only ever finds more).
    phrases = board_keys.text_terms(search)
    narrow = ["k.prospect_id IN (SELECT rowid FROM card_text WHERE card_text MATCH ?)"
              for _ in phrases]
    marks = ", ".join("?" for _ in keys)
    where = " AND ".join([f"k.col IN ({marks})", *narrow, *clauses])
    found: dict[str, list[tuple[int, str]]] = {key: [] for key in keys}
    with db.connect() as conn:
        if fold:
            define_fold(conn)
        rows = conn.execute(
            "SELECT k.col, k.prospect_id, k.verdict FROM board_key k "
            f"JOIN prospect ON prospect.id = k.prospect_id WHERE {where} "
            "ORDER BY k.col, k.score DESC, k.prospect_id",
            (*keys, *phrases, *params),
        ).fetchall()
    for col, pid, verdict in rows:
        found[col].append((pid, verdict))
    return found


def orders_in_sql(db: Database) -> bool:
    """Whether the board may read its order from the key table: an SQLite file this
    program writes (the keys must be refreshed), not a server."""
    if db.is_postgres or db.read_only or db.damaged:
        return False
    with db.connect() as conn:
        return board_keys.has_keys(conn)


def refresh_keys(db: Database, now: date | datetime) -> int:
    """Bring the stale keys up to date (see :func:`salesdesk.data.board_keys.refresh`);
    how many were."""
    return board_keys.refresh(db, now)[0]


def top_cards(
    db: Database, now: date | datetime, statuses: Sequence[str], grade: str | None, limit: int
) -> list[CardRow] | None:
    """The first ``limit`` cards of these statuses (and grade) in urgency order, read from
    the key table's order (None on a server or a read-only file: the caller sorts)."""
    if not orders_in_sql(db):
        return None
    refresh_keys(db, now)
    where = f"status IN ({', '.join('?' for _ in statuses)})"
    params: list[object] = list(statuses)
    if grade and list(statuses) == ["live"]:
        where += " AND col = ?"
        params.append(grade)
    elif grade:
        where += " AND EXISTS (SELECT 1 FROM prospect WHERE id = prospect_id AND grade = ?)"
        params.append(grade)
    with db.connect() as conn:
        ids = [row[0] for row in conn.execute(
            f"SELECT prospect_id FROM board_key WHERE {where} "
            "ORDER BY score DESC, prospect_id LIMIT ?", (*params, max(0, limit))).fetchall()]
    return cards_by_id(db, clocks(db, now), ids)


def prefetch(
    db: Database, now: datetime, say: Callable[[int], None] | None = None
) -> list[CardRow] | None:
    """What a start does before Textual is imported, so the first frame has the cards:
    refresh the keys (the first start of a day rescores every card) and start counting
    the header's counts in a thread (:func:`~salesdesk.data.board_keys.tally_ahead`), or
    on a server read every live card."""
    if orders_in_sql(db):
        board_keys.refresh(db, now, say)
        board_keys.tally_ahead(db)
        return None
    from salesdesk.data.cards import list_cards

    return list_cards(db, now)
