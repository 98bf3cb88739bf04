"""What the board shows, without the widgets: the view's columns as windows over the
database (:class:`~salesdesk.data.board.ColumnCards`), their counts and the header's
figures, and whether the database changed since they were read.

Nothing here holds every card: a load makes the keys fresh (a changed card's key is
recomputed, one row), then counts over the keys' index; each column reads the cards it
draws, a window at a time.
"""

from __future__ import annotations

from datetime import date

from salesdesk.data import board, store
from salesdesk.data.board import BoardQuery, ColumnCards
from salesdesk.data.db import Database
from salesdesk.data.store import CardRow
from salesdesk.enums import Status
from salesdesk.rules.man import Verdict

LIVE_COLUMNS = (("A", "A · this week"), ("B", "B · this month"), ("C", "C · 3 months"))
CLOSED_COLUMNS = (("customer", "Customers"), ("parked", "Parked"), ("closed", "Dropped & lost"))


class BoardCards:
    """The board's columns and counts, read from ``db``."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.closed_view = False
        self.filter_text = ""
        self.verdict: Verdict | None = None
        self.today = date.today()
        self.pool: store.BoardSummary | None = None
        self.columns_cards: dict[str, ColumnCards] = {}
        self.matches = 0  # cards matching the text filter (any verdict)
        self.verdict_count = 0  # ...and the MAN verdict filter
        self._has_cards = False
        self._ids: dict[str, list[int]] | None = None  # a filtered view's ids by column
        self._seen_version: int | None = None  # the database's data_version when last read

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
    def query(self) -> BoardQuery:
        return BoardQuery(self.closed_view, self.filter_text,
                          self.verdict.value if self.verdict is not None else None)

    def load(self, today: date) -> None:
        """Bring the keys up to date, count, and start each column's windows afresh."""
        self.today = today
        board.ensure_keys(self.db, today)
        query = self.query
        self._ids = None
        if query.search:  # one pass finds every match; the columns page through them
            found = board.matching(self.db, query)
            self.matches = len(found)
            ids: dict[str, list[int]] = {key: [] for key in query.keys}
            for col, pid, verdict in found:
                if query.verdict is None or verdict == query.verdict:
                    ids[col].append(pid)
            self._ids = ids
            counts = {key: len(ids[key]) for key in query.keys}
        else:
            counts = board.column_counts(self.db, query)
            self.matches = sum(board.column_counts(self.db, query, verdict=False).values()) \
                if query.verdict is not None else sum(counts.values())
        self.verdict_count = sum(counts.values())
        self.columns_cards = {
            key: ColumnCards(self.db, today, query, key, counts[key],
                             self._ids[key] if self._ids is not None else None)
            for key, _ in self.columns
        }
        self.pool = board.board_summary(self.db)
        self._has_cards = self.matches > 0 or store.count_prospects(self.db) > 0
        self._seen_version = self.db.data_version()

    @property
    def cards(self) -> list[CardRow]:
        """Every card of the view matching the text filter, in urgency order (for checks
        and small views: this reads them all, the board itself never does)."""
        return store.list_cards(self.db, self.today, statuses=self.statuses,
                                search=self.filter_text)

    def changed_elsewhere(self) -> bool:
        """True when the database changed since the board last read it (a command, a
        restore, another screen), so the cards on screen may be out of date."""
        return self._seen_version is not None and self.db.data_version() != self._seen_version

    def seen_own_write(self) -> None:
        """The board itself just wrote something that changes no card (a setting): not a
        change by another program."""
        if self._seen_version is not None:
            self._seen_version = self.db.data_version()

    def locate(self, prospect_id: int) -> tuple[int, int] | None:
        """(column number, position) of a card in the view, or None if it is not shown."""
        keys = [key for key, _ in self.columns]
        if self._ids is not None:
            for number, key in enumerate(keys):
                if prospect_id in self._ids[key]:
                    return number, self._ids[key].index(prospect_id)
            return None
        found = board.locate(self.db, self.query, prospect_id)
        if found is None:
            return None
        return keys.index(found[0]), found[1]

    def is_empty(self) -> bool:
        """No card at all (not just none matching): the board shows how to start."""
        return not self._has_cards and not self.filter_text
