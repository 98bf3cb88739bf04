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
read before it (any commit, ours or another program's, makes it stale). Reading it costs a
join of the key table with the cards (about a second at 100,000 cards, in a thread, while
the board stays live), so after a change the board brings it up to date instead
(:meth:`BoardText.patched`): every card written since, by any program, has its key marked
stale by the key table's triggers, and the refresh that rescores those keys names them;
only their rows are read again. Another program's refresh clears the marks it redid (a
``salesdesk list``, a second window): the file counts the refreshes
(:data:`~salesdesk.data.board_keys.REFRESHES`), and one the board did not make has the
text read again, as a restore (another book in the same file: no key marked) or more
cards than :data:`PATCH_LIMIT` do.
"""

from __future__ import annotations

import re
import sys
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate, groupby, repeat
from operator import add, itemgetter, sub

from salesdesk.data.board_keys import refreshes
from salesdesk.data.cards import SEARCH_COLUMNS, needs_fold, search_where
from salesdesk.data.db import Database
from salesdesk.data.sql import id_list

_END = b"\x00"  # ends each card's text in a column's bytes (a card's own NULs: newlines)
_TEXT = "CAST(" + " || char(10) || ".join(f"coalesce({c}, '')" for c in SEARCH_COLUMNS) \
    + " AS BLOB)"
_ROWS = (f"SELECT k.col, k.prospect_id, k.verdict, k.score, {_TEXT} FROM board_key k "
         "JOIN prospect ON prospect.id = k.prospect_id WHERE k.col IN ({marks})")
#: More cards changed than this (an import, its undo): the text is read again instead.
PATCH_LIMIT = 64


def _folded(text: bytes) -> bytes:
    """A card's searched text as a column holds it: ASCII-lowercased (as ``LIKE`` folds),
    its own NULs made newlines (a NUL ends a card)."""
    text = text.lower()
    return text.replace(_END, b"\n") if _END in text else text


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

    def __init__(self, ids: Sequence[int], verdicts: Sequence[str], scores: Sequence[float],
                 texts: Sequence[bytes]) -> None:
        self.ids = array("q", ids)
        self.verdicts = list(map(sys.intern, verdicts))
        self.scores = array("d", scores)
        lowered = list(map(_folded, texts))
        self.blob = _END.join(lowered) + _END
        #: Where each card's text starts, and (last) the end of the bytes.
        self.starts = array("q", accumulate(map(add, map(len, lowered), repeat(1)), initial=0))
        self._rows_of: dict[int, int | None] = {}

    def text(self, row: int) -> bytes:
        return self.blob[self.starts[row]:self.starts[row + 1] - 1]

    def without(self, row: int) -> ColumnText:
        """This column without the card at ``row``."""
        start, end = self.starts[row], self.starts[row + 1]
        gone = end - start
        made = self._copy()
        made.ids = self.ids[:row] + self.ids[row + 1:]
        made.verdicts = self.verdicts[:row] + self.verdicts[row + 1:]
        made.scores = self.scores[:row] + self.scores[row + 1:]
        made.blob = self.blob[:start] + self.blob[end:]
        made.starts = self.starts[:row] + array("q", map(sub, self.starts[row + 1:],
                                                         repeat(gone)))
        return made

    def with_card(self, prospect_id: int, verdict: str, score: float,
                  text: bytes) -> ColumnText:
        """This column with one more card, in its place in board order (score, highest
        first, then id), as the key table's index orders it."""
        ids, scores = self.ids, self.scores
        row = bisect_left(range(len(ids)), (-score, prospect_id),
                          key=lambda i: (-scores[i], ids[i]))
        piece = _folded(text) + _END
        start = self.starts[row]
        made = self._copy()
        made.ids = ids[:row] + array("q", [prospect_id]) + ids[row:]
        made.verdicts = [*self.verdicts[:row], sys.intern(verdict), *self.verdicts[row:]]
        made.scores = scores[:row] + array("d", [score]) + scores[row:]
        made.blob = self.blob[:start] + piece + self.blob[start:]
        made.starts = self.starts[:row + 1] + array(
            "q", map(add, self.starts[row:], repeat(len(piece))))
        return made

    def _copy(self) -> ColumnText:
        made = ColumnText.__new__(ColumnText)
        made.__dict__.update(self.__dict__)
        made._rows_of = {}  # (another column: its rows are its own)
        return made

    def row_of(self, prospect_id: int) -> int | None:
        """The card's row (None: not in this column), remembered for the column: the
        selected card is asked for in every column at every key, and a scan of the ids
        of a column at 100,000 cards costs about 0.7 ms."""
        known = self._rows_of
        if prospect_id in known:
            return known[prospect_id]
        try:
            row: int | None = self.ids.index(prospect_id)
        except ValueError:
            row = None
        if len(known) >= 16:
            known.clear()
        known[prospect_id] = row
        return row


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
                 columns: dict[str, ColumnText], book: object = None,
                 refreshed: int = 0) -> None:
        self.keys = keys
        self.version = version
        self.columns = columns
        #: Which book the file holds (its restore mark): a restore brings another.
        self.book = book
        #: How many refreshes of the keys the file had seen (board_keys.refreshes).
        self.refreshed = refreshed

    @classmethod
    def read(cls, db: Database, keys: tuple[str, ...]) -> BoardText:
        from salesdesk.data.undo_next import restore_mark  # (not at the board's start)

        version = db.data_version()  # before the read: a commit meanwhile makes it stale
        marks = ", ".join("?" for _ in keys)
        with db.connect() as conn:
            # The marks before the rows: a restore or refresh between them is then seen
            # at the first patch, and the text read again.
            book = restore_mark(conn)
            refreshed = refreshes(conn)
            rows = conn.execute(
                _ROWS.format(marks=marks) + " ORDER BY k.col, k.score DESC, k.prospect_id",
                keys,
            ).fetchall()
        columns = {key: ColumnText([], [], [], []) for key in keys}
        for key, group in groupby(rows, key=itemgetter(0)):
            _cols, ids, verdicts, scores, texts = zip(*group, strict=True)
            columns[key] = ColumnText(ids, verdicts, scores, texts)
        return cls(keys, version, columns, book, refreshed)

    def patched(self, db: Database, changed: Sequence[int]) -> BoardText | None:
        """This text with the ``changed`` cards read again (gone, moved, edited, new),
        as of now, where ``changed`` are the cards one refresh of the keys redid since the
        text's version (none: that no refresh found a stale key); None when it must be
        read again instead: too many cards changed, a restore put another book in the
        file, or another refresh (another program's) redid keys the caller did not see."""
        if len(changed) > PATCH_LIMIT:
            return None
        from salesdesk.data.undo_next import restore_mark  # (not at the board's start)

        marks = ", ".join("?" for _ in self.keys)
        version = db.data_version()
        with db.connect() as conn:
            refreshed = refreshes(conn)
            if restore_mark(conn) != self.book \
                    or refreshed != self.refreshed + (1 if changed else 0):
                return None
            fresh = conn.execute(
                _ROWS.format(marks=marks) + f" AND k.prospect_id IN {id_list(changed)}",
                self.keys,
            ).fetchall() if changed else []
        gone = set(changed)
        columns = {}
        for key, column in self.columns.items():
            rows = sorted(row for row in map(column.row_of, gone) if row is not None)
            for row in reversed(rows):
                column = column.without(row)
            columns[key] = column
        for key, pid, verdict, score, text in fresh:
            columns[key] = columns[key].with_card(pid, verdict, score, text)
        return BoardText(self.keys, version, columns, self.book, refreshed)

    def lengths(self) -> dict[str, int]:
        """How many cards each column holds."""
        return {key: len(column.ids) for key, column in self.columns.items()}

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
