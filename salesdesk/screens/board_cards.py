"""What the board shows, without the widgets: the view's columns in urgency order, the
header's counts, and whether the database changed since they were read.

On an SQLite file the order and the counts come from the key table (schema 8): a change
rewrites one key and the columns read only the cards drawn. On a server (or a read-only
file) every card of the view is read and sorted in Python, and a filter keeps its own
list, so the header's counts come from every live card (``live_all``), kept right cheaply
when only a few cards change.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable, Iterable
from datetime import datetime

from salesdesk.data import board_keys, board_view, store
from salesdesk.data.board_keys import LIVE_KEYS
from salesdesk.data.board_text import BoardText, Matches, TextAhead, needles
from salesdesk.data.board_view import Column, IdColumn, KeyColumn, ListColumn, TextColumn
from salesdesk.data.card_rows import clocks
from salesdesk.data.db import Database
from salesdesk.data.store import CardRow, urgency_key
from salesdesk.enums import Status
from salesdesk.rules.man import Verdict

LIVE_COLUMNS = (("A", "A · this week"), ("B", "B · this month"), ("C", "C · 3 months"))
CLOSED_COLUMNS = (("customer", "Customers"), ("parked", "Parked"), ("closed", "Dropped & lost"))
REFRESH_LIMIT = 500  # more changed cards than this: read everything once instead


def column_key(card: CardRow, closed_view: bool) -> str:
    """Which column a card goes in: its grade, or in the closed view its status."""
    if not closed_view:
        return card.grade.value
    if card.status in (Status.DROPPED, Status.LOST):
        return "closed"
    return card.status


def replaced(cards: list[CardRow], ids: set[int], fresh: list[CardRow]) -> list[CardRow]:
    """``cards`` without ``ids``, with the ``fresh`` rows put in urgency order."""
    kept = [c for c in cards if c.id not in ids]
    for card in fresh:
        insort(kept, card, key=urgency_key)
    return kept


class BoardCards:
    """The board's columns and counts, read from ``db``."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.closed_view = False
        self.filter_text = ""
        self.pool: store.BoardSummary | None = None
        self._in_sql: bool | None = None
        # In SQL: the cards per column, their matches for a filter (id, verdict).
        self._counts: dict[str, int] = {}  # cards per column
        self._tally: board_keys.Tally | None = None  # the header's counts, kept up
        self._matches: dict[str, list[tuple[int, str]]] | None = None
        # The filter's matches found in the board's text (read once, in a thread).
        self._found: dict[str, Matches] | None = None
        self._text: BoardText | None = None
        self._text_ahead: TextAhead | None = None
        #: Called (in the reading thread) once the filter's text is read: the board then
        #: answers a filter that waited for it (see :meth:`text_coming`).
        self.text_read: Callable[[], None] | None = None
        self._now: datetime | None = None
        self.today_left: int | None = None  # items on today's list (in SQL: with the keys)
        # In Python: the view's cards, and every live card for the header's counts.
        self._cards: list[CardRow] = []
        self._live_all: list[CardRow] | None = None
        self._seen_version: int | None = None  # the database's data_version when last read
        self._seen_lost = 0  # the server connections found lost by then
        # The columns made since the last read, by verdict: the redraw and the header ask
        # for the same ones (and share the pages they have read).
        self._columns: dict[Verdict | None, dict[str, Column]] = {}

    @property
    def in_sql(self) -> bool:
        """Whether the order is read from the key table (an SQLite file we write)."""
        if self._in_sql is None:
            self._in_sql = board_view.orders_in_sql(self.db)
        return self._in_sql

    @property
    def statuses(self) -> tuple[str, ...]:
        if self.closed_view:
            return tuple(s.value for s in Status if s != Status.LIVE)
        return (Status.LIVE.value,)

    @property
    def columns(self) -> tuple[tuple[str, str], ...]:
        """(key, title) of the three columns of the view."""
        return CLOSED_COLUMNS if self.closed_view else LIVE_COLUMNS

    @property
    def _keys(self) -> tuple[str, ...]:
        return tuple(key for key, _title in self.columns)

    @property
    def _whole_live_board(self) -> bool:
        return not self.filter_text and not self.closed_view

    @property
    def _filtered(self) -> bool:
        return bool(self.filter_text.strip())

    def load(self, today: datetime, first: list[CardRow] | None = None) -> None:
        """Read the view (``first``: the live cards read at start, if any)."""
        if self.in_sql:
            self._load_keys(today)
            return
        if first is not None and self._whole_live_board:
            self._cards = first
        else:
            self._cards = store.list_cards(
                self.db, today, statuses=self.statuses, search=self.filter_text
            )
        if self._whole_live_board:
            self._live_all = self._cards
        elif self._live_all is None:
            self._live_all = store.list_cards(self.db, today)
        self._count()

    def _load_keys(self, now: datetime) -> None:
        text = self._text_as_seen()
        rescored: list[int] = []
        _count, change = board_keys.refresh(self.db, now, rescored=rescored)
        if text is not None:
            self._text = self._text_followed(text, change is not None, rescored)
        elif not self._filtered:
            self._text = None  # (another view's, or out of date: its memory goes)
        if change is None or self._tally is None:
            self._tally = board_keys.tally(self.db)  # one pass over the counts index
        else:  # only the rescored keys moved the counts
            board_keys.add_to(self._tally, change)
        self._now = now
        keys = self._keys
        self._matches = self._found = None
        if self._filtered:
            text = self._board_text()
            self._found = text.matches(self.filter_text) if text is not None else None
            if self._found is None:
                self._matches = board_view.matching_ids(self.db, keys, self.filter_text)
        per_col: dict[str, list[float]] = {}
        closed: dict[str, int] = {}
        for (col, status), values in self._tally.items():
            total = per_col.setdefault(col, [0.0] * 7)
            for i, value in enumerate(values):
                total[i] += value
            if status != Status.LIVE and values[0]:
                closed[status] = closed.get(status, 0) + int(values[0])
        self._counts = {key: int(per_col.get(key, [0.0])[0]) for key in keys}
        live = {key: per_col.get(key, [0.0] * 7) for key in LIVE_KEYS}
        by_grade = {key: int(live[key][0]) for key in LIVE_KEYS}
        self.pool = store.BoardSummary(
            by_grade=by_grade,
            due=int(sum(live[key][1] for key in LIVE_KEYS)),
            overdue=int(sum(live[key][2] for key in LIVE_KEYS)),
            live=sum(by_grade.values()),
            pool_target=store.pool_target(self.db),
            closed=closed,
            complaints=store.complaint_counts(self.db),
            first_contact=(int(sum(live[key][3] for key in LIVE_KEYS)),
                           int(sum(live[key][4] for key in LIVE_KEYS))),
            pipeline=store.pipeline(self.db, {key: live[key][6] for key in LIVE_KEYS}),
        )
        self.today_left = int(sum(values[5] for values in self._tally.values()))
        if self._text is not None and self._text.keys == keys \
                and self._text.lengths() != self._counts:  # (a safety net: read it again)
            self._text = self._found = None
            if self._filtered:
                self._matches = board_view.matching_ids(self.db, keys, self.filter_text)
        self._columns.clear()
        self._seen_now()

    # ------------------------------------------------------------------ the filter's text
    def prepare_filter(self) -> None:
        """Start reading the view's searched text in a thread (the filter is opened), so
        the characters typed are answered from it; nothing if it is read and current."""
        if self.in_sql and self._board_text(start=False) is None and (
                self._text_ahead is None or self._text_ahead.keys != self._keys):
            self._text_ahead = TextAhead(self.db, self._keys, self.text_read)

    def text_coming(self) -> bool:
        """Whether the filter as it is would be answered by SQL's plain scan (a word too
        short for the trigram index) while the view's text, which answers it at once, is
        being read: the board then waits for the text (a moment, with the keys live)
        rather than hold every key behind the scan (about a second at 100,000 cards, the
        first character typed after any change)."""
        if not self.in_sql or not self._filtered or needles(self.filter_text) is None:
            return False
        if len(board_keys.text_terms(self.filter_text)) == len(self.filter_text.split()):
            return False  # every word in the index: SQL answers as fast
        if self._board_text() is not None:
            return False
        ahead = self._text_ahead
        return ahead is not None and not ahead.done

    def _text_as_seen(self) -> BoardText | None:
        """The view's text as the board last read the database (the text a refresh may
        bring up to date), or None."""
        ahead = self._text_ahead
        if ahead is not None and ahead.done:
            self._text, self._text_ahead = ahead.wait(), None
        text = self._text
        if text is None or text.keys != self._keys or text.version != self._seen_version:
            return None
        return text

    def _text_followed(self, text: BoardText, counted: bool,
                       rescored: list[int]) -> BoardText | None:
        """The text after a refresh of the keys (``counted``: not a bulk rewrite) that
        redid ``rescored``: the same when nothing was written, those cards read again,
        or None (it must be read again). Kept while the filter is closed: a rep who
        filtered once filters again, and reading it again costs about a second at
        100,000 cards, the first characters typed waiting for it."""
        if not counted:
            return None
        if not rescored and text.version == self.db.data_version():
            return text  # (each character typed)
        return text.patched(self.db, rescored)

    def _board_text(self, start: bool = True) -> BoardText | None:
        """The view's searched text if it is read and nothing was written since; else
        None, and (``start``) its reading is started for the next characters."""
        ahead = self._text_ahead
        if ahead is not None and ahead.done:
            self._text, self._text_ahead = ahead.wait(), None
        text = self._text
        if text is not None and (text.keys != self._keys
                                 or text.version != self.db.data_version()):
            self._text = text = None  # out of date: its memory goes now
        if text is None and start:
            self.prepare_filter()
        return text

    def refresh(self, today: datetime, ids: Iterable[int]) -> None:
        """Read only the given cards again (fast on a huge board)."""
        if self.in_sql:  # the triggers marked their keys stale: one refresh reads them
            self._load_keys(today)
            return
        ids = set(ids)
        if len(ids) > REFRESH_LIMIT:  # e.g. undoing an import: read everything once
            self.load(today)
            return
        fresh = store.list_cards(
            self.db, today, statuses=self.statuses, search=self.filter_text, ids=ids
        )
        self._cards = replaced(self._cards, ids, fresh)
        if self._whole_live_board:
            self._live_all = self._cards
        elif self._live_all is not None:  # keep the header's pool counts right, cheaply
            self._live_all = replaced(
                self._live_all, ids, store.list_cards(self.db, today, ids=ids)
            )
        self._count()

    def forget_counts(self) -> None:
        """Count everything again at the next load (another program changed cards)."""
        self._live_all = None
        self._tally = None

    def _count(self) -> None:
        if self._live_all is not None:
            self.pool = store.summarise(
                self._live_all,
                store.pool_target(self.db),
                store.closed_counts(self.db),
                store.pipeline(self.db),
                store.complaint_counts(self.db),
            )
        self._columns.clear()
        self._seen_now()

    def changed_elsewhere(self, *, exact: bool = False) -> bool:
        """True when the database changed since the board last read it (a command, a
        restore, another screen), so the cards on screen may be out of date. ``exact``:
        before a key changes a card, even a write just made elsewhere counts (a server is
        asked; the idle timer's check asks nothing)."""
        return self._seen_version is not None \
            and self.db.data_version(exact=exact) != self._seen_version

    def connection_lost_since_read(self) -> bool:
        """Whether the server's connection was found lost since the board last read (its
        change of data_version means "read again", not "another program wrote")."""
        return self.db.lost_connections != self._seen_lost

    def seen_own_write(self) -> None:
        """The board itself just wrote something that changes no card (a setting): not a
        change by another program."""
        if self._seen_version is not None:
            self._seen_now()

    def _seen_now(self) -> None:
        """The database as it is now is what the board shows (its data_version, and the
        server connections found lost by now)."""
        self._seen_version = self.db.data_version()
        self._seen_lost = self.db.lost_connections

    # ------------------------------------------------------------------ the columns
    def buckets(self, verdict: Verdict | None) -> dict[str, Column]:
        """The view's columns (only the cards of ``verdict``, when given)."""
        columns = self._columns.get(verdict)
        if columns is None:
            columns = self._columns[verdict] = self._make_columns(verdict)
        return columns

    def _make_columns(self, verdict: Verdict | None) -> dict[str, Column]:
        if not self.in_sql:
            found: dict[str, list[CardRow]] = {key: [] for key in self._keys}
            for card in self._cards:
                if verdict is None or card.verdict == verdict:
                    found[column_key(card, self.closed_view)].append(card)
            return {key: ListColumn(cards) for key, cards in found.items()}
        assert self._now is not None
        clock = clocks(self.db, self._now)
        if self._found is not None:
            return {
                key: TextColumn(self.db, clock, matches) if verdict is None
                else IdColumn(self.db, clock, matches.with_verdict(str(verdict)))
                for key, matches in self._found.items()
            }
        if self._matches is not None:
            return {
                key: IdColumn(self.db, clock, [pid for pid, v in matches
                                               if verdict is None or v == verdict])
                for key, matches in self._matches.items()
            }
        lengths = (
            self._counts if verdict is None
            else board_view.verdict_counts(self.db, self._keys, str(verdict))
        )
        return {key: KeyColumn(self.db, clock, key, str(verdict) if verdict else None,
                               lengths[key]) for key in self._keys}

    def matches(self) -> int:
        """How many cards the view shows (every verdict)."""
        if not self.in_sql:
            return len(self._cards)
        if self._found is not None:
            return sum(len(m) for m in self._found.values())
        if self._matches is not None:
            return sum(len(m) for m in self._matches.values())
        return sum(self._counts.values())

    def verdict_count(self, verdict: Verdict) -> int:
        """How many cards of the view have this MAN verdict."""
        return sum(len(column) for column in self.buckets(verdict).values())

    @property
    def cards(self) -> list[CardRow]:
        """Every card of the view in urgency order (reads them all: for tests and tools,
        never a keystroke)."""
        if not self.in_sql:
            return self._cards
        found = [card for column in self.buckets(None).values() for card in column]
        found.sort(key=urgency_key)
        return found

    def is_empty(self) -> bool:
        """No card at all (not just none matching): the board shows how to start."""
        return not self.matches() and not self.filter_text and store.count_prospects(self.db) == 0
