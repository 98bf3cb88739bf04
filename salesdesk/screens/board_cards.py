"""What the board shows, without the widgets: the view's cards in urgency order, the
header's counts, and whether the database changed since they were read.

A filter keeps its own list, so the header's counts come from every live card
(``live_all``), kept right cheaply when only a few cards change.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterable
from datetime import datetime

from salesdesk.data import store
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
    """The board's cards and counts, read from ``db``."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.closed_view = False
        self.filter_text = ""
        self.cards: list[CardRow] = []
        self.pool: store.BoardSummary | None = None
        self._live_all: list[CardRow] | None = None  # every live card: the header's counts
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
    def _whole_live_board(self) -> bool:
        return not self.filter_text and not self.closed_view

    def load(self, today: datetime, first: list[CardRow] | None = None) -> None:
        """Read every card of the view (``first``: the live cards read at start, if any)."""
        if first is not None and self._whole_live_board:
            self.cards = first
        else:
            self.cards = store.list_cards(
                self.db, today, statuses=self.statuses, search=self.filter_text
            )
        if self._whole_live_board:
            self._live_all = self.cards
        elif self._live_all is None:
            self._live_all = store.list_cards(self.db, today)
        self._count()

    def refresh(self, today: datetime, ids: Iterable[int]) -> None:
        """Read only the given cards again (fast on a huge board)."""
        ids = set(ids)
        if len(ids) > REFRESH_LIMIT:  # e.g. undoing an import: read everything once
            self.load(today)
            return
        fresh = store.list_cards(
            self.db, today, statuses=self.statuses, search=self.filter_text, ids=ids
        )
        self.cards = replaced(self.cards, ids, fresh)
        if self._whole_live_board:
            self._live_all = self.cards
        elif self._live_all is not None:  # keep the header's pool counts right, cheaply
            self._live_all = replaced(
                self._live_all, ids, store.list_cards(self.db, today, ids=ids)
            )
        self._count()

    def forget_counts(self) -> None:
        """Read every live card again at the next load (another program changed them)."""
        self._live_all = None

    def _count(self) -> None:
        if self._live_all is not None:
            self.pool = store.summarise(
                self._live_all,
                store.pool_target(self.db),
                store.closed_counts(self.db),
                store.pipeline(self.db),
                store.complaint_counts(self.db),
            )
        self._seen_version = self.db.data_version()

    def changed_elsewhere(self) -> bool:
        """True when the database changed since the board last read it (a command, a
        restore, another screen), so the cards on screen may be out of date."""
        return self._seen_version is not None and self.db.data_version() != self._seen_version

    def seen_own_write(self) -> None:
        """The board itself just wrote something that changes no card (a setting): not a
        change by another program."""
        if self._seen_version is not None:
            self._seen_version = self.db.data_version()

    def buckets(self, verdict: Verdict | None) -> dict[str, list[CardRow]]:
        """The view's cards by column (only those of ``verdict``, when given)."""
        found: dict[str, list[CardRow]] = {key: [] for key, _ in self.columns}
        for card in self.cards:
            if verdict is None or card.verdict == verdict:
                found[column_key(card, self.closed_view)].append(card)
        return found

    def is_empty(self) -> bool:
        """No card at all (not just none matching): the board shows how to start."""
        return not self.cards and not self.filter_text and store.count_prospects(self.db) == 0
