"""The board filter's text, read once: each column's cards in board order with the text
the filter searches, so that every character typed is answered without SQL.

SQLite's ``LIKE`` over nine columns of 100,000 cards takes a few hundred milliseconds
for a word too short for the trigram index (and an index lookup with its join and sort
tens), where a character typed must settle the screen within 50 ms. Here each column is
one ``bytes`` of its cards' searched columns (joined by a newline, a card ending in a
NUL), in board order, ASCII-lowercased as ``LIKE`` folds case: a word is found, or its
cards counted, by the ``re`` module over that one string, in C; only the cards drawn are
mapped to their ids. A word with cased letters beyond ASCII (É, Ö, Я: ``LIKE`` does not
fold them, the SQL filter casefolds them through a Python function) is left to SQL.

The text is a snapshot: it answers only while the database's ``data_version`` is the one
read before it (any commit, ours or another program's, makes it stale and the board asks
SQL until a new one is read). Reading it costs a join of the key table with the cards
(about a second at 100,000 cards, in a thread, while the board stays live).
"""

from __future__ import annotations

import re
import sys
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate, groupby, repeat
from operator import add, itemgetter

from salesdesk.data.cards import SEARCH_COLUMNS, needs_fold, search_where
from salesdesk.data.db import Database

_END = b"\x00"  # ends each card's text in a column's bytes (a card's own NULs: newlines)
_TEXT = "CAST(" + " || char(10) || ".join(f"coalesce({c}, '')" for c in SEARCH_COLUMNS) \
    + " AS BLOB)"


def needles(search: str) -> list[bytes] | None:
    """The filter's words as the bytes a column's text is searched for, or None when a
    word must be answered by SQL (a letter ``LIKE`` does not fold, a NUL)."""
    found = []
    for term in search.split():
        if needs_fold(term) or "\x00" in term:
            return None
        found.append(term.encode("utf-8").lower())  # bytes.lower: ASCII only, as LIKE
    return found


class ColumnText:
    """One column's cards in board order: their ids, verdicts and searched text."""

    def __init__(self, ids: Sequence[int], verdicts: Sequence[str],
                 texts: Sequence[bytes]) -> None:
        self.ids = array("q", ids)
        self.verdicts = list(map(sys.intern, verdicts))
        lowered = [t.replace(_END, b"\n") if _END in t else t for t in map(bytes.lower, texts)]
        self.blob = _END.join(lowered) + _END
        #: Where each card's text starts, and (last) the end of the bytes.
        self.starts = array("q", accumulate(map(add, map(len, lowered), repeat(1)), initial=0))

    def text(self, row: int) -> bytes:
        return self.blob[self.starts[row]:self.starts[row + 1] - 1]

    def row_of(self, prospect_id: int) -> int | None:
        try:
            return self.ids.index(prospect_id)
        except ValueError:
            return None


class Matches:
    """The cards of one column a filter matches, found as they are asked for: the count
    in one pass of ``re`` over the column, the rows up to the ones drawn."""

    def __init__(self, column: ColumnText, words: list[bytes]) -> None:
        self.column = column
        first = max(words, key=len)  # the longest word: the fewest cards to check
        self._first = first
        others = list(words)
        others.remove(first)
        self._others = others
        # One match per card: the word, then the rest of that card's text.
        self._pattern = re.compile(re.escape(first) + b"[^\\x00]*()")
        self._rows: list[int] = []
        self._found = self._matching_rows()
        self._exhausted = False
        self._length: int | None = None

    def _matching_rows(self) -> Iterator[int]:
        column, others = self.column, self._others
        starts = column.starts
        for match in self._pattern.finditer(column.blob):
            row = bisect_right(starts, match.start()) - 1
            if not others or all(word in column.text(row) for word in others):
                yield row

    def rows(self, stop: int | None = None) -> list[int]:
        """The matching rows, at least the first ``stop`` of them (None: all)."""
        while not self._exhausted and (stop is None or len(self._rows) < stop):
            row = next(self._found, None)
            if row is None:
                self._exhausted = True
            else:
                self._rows.append(row)
        return self._rows

    def __len__(self) -> int:
        if self._length is None:
            if self._others:
                self._length = len(self.rows())
            else:  # counted in C: no row is mapped
                self._length = len(self._pattern.findall(self.column.blob))
        return self._length

    def ids(self, start: int, stop: int) -> list[int]:
        ids = self.column.ids
        return [ids[row] for row in self.rows(stop)[start:stop]]

    def matches_row(self, row: int) -> bool:
        text = self.column.text(row)
        return self._first in text and all(word in text for word in self._others)

    def index_of(self, prospect_id: int) -> int | None:
        """The card's place among the matches (None: not one of them)."""
        row = self.column.row_of(prospect_id)
        if row is None or not self.matches_row(row):
            return None
        if self._others:
            return bisect_left(self.rows(), row)
        return len(self._pattern.findall(self.column.blob, 0, self.column.starts[row]))

    def with_verdict(self, verdict: str) -> list[int]:
        """The ids of the matches of one MAN verdict, in order."""
        ids, verdicts = self.column.ids, self.column.verdicts
        return [ids[row] for row in self.rows() if verdicts[row] == verdict]


class BoardText:
    """The searched text of a view's columns, as it was at ``version``."""

    def __init__(self, keys: tuple[str, ...], version: int,
                 columns: dict[str, ColumnText]) -> None:
        self.keys = keys
        self.version = version
        self.columns = columns

    @classmethod
    def read(cls, db: Database, keys: tuple[str, ...]) -> BoardText:
        version = db.data_version()  # before the read: a commit meanwhile makes it stale
        marks = ", ".join("?" for _ in keys)
        with db.connect() as conn:
            rows = conn.execute(
                f"SELECT k.col, k.prospect_id, k.verdict, {_TEXT} FROM board_key k "
                f"JOIN prospect ON prospect.id = k.prospect_id WHERE k.col IN ({marks}) "
                "ORDER BY k.col, k.score DESC, k.prospect_id", keys,
            ).fetchall()
        columns = {key: ColumnText([], [], []) for key in keys}
        for key, group in groupby(rows, key=itemgetter(0)):
            _cols, ids, verdicts, texts = zip(*group, strict=True)
            columns[key] = ColumnText(ids, verdicts, texts)
        return cls(keys, version, columns)

    def matches(self, search: str) -> dict[str, Matches] | None:
        """Each column's matches of ``search``, or None when SQL must answer it (a search
        SQL would refuse, too long, is refused the same way)."""
        search_where(search)
        words = needles(search)
        if not words:
            return None
        return {key: Matches(column, words) for key, column in self.columns.items()}


class TextAhead:
    """A :class:`BoardText` read in a thread (SQLite lets go of the GIL while it reads);
    ``then`` is called in that thread once it is read (or failed)."""

    def __init__(self, db: Database, keys: tuple[str, ...],
                 then: Callable[[], None] | None = None) -> None:
        self.keys = keys
        self.text: BoardText | None = None
        self._db = db
        self._then = then
        self._read = threading.Event()  # (set before ``then``: it finds the text done)
        self._thread = threading.Thread(target=self._run, name="board-text", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.text = BoardText.read(self._db, self.keys)
        except Exception:  # (the filter asks SQL, which says what went wrong)
            self.text = None
        self._read.set()
        if self._then is not None:
            self._then()

    @property
    def done(self) -> bool:
        return self._read.is_set()

    def wait(self) -> BoardText | None:
        self._read.wait()
        return self.text
