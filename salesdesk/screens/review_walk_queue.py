"""The weekly review's walk-through queue: read at once for a small book, in a worker
thread for a large one (the screen says it is reading; esc and ``f`` work meanwhile).
:class:`~salesdesk.screens.weekly_review.WeeklyReviewScreen` adds the walk itself."""

from __future__ import annotations

from datetime import date, datetime

from rich.text import Text
from textual import work
from textual.widgets import Static

from salesdesk.data import store
from salesdesk.data.db import busy_message
from salesdesk.data.review_queue import review_queue_ids
from salesdesk.data.store import CardRow
from salesdesk.render.palette import GREY
from salesdesk.screens.base import SalesDeskScreen
from salesdesk.widgets.review_walk import WalkView

#: Cards in the book up to which the walk-through's queue is read at once, not in a thread.
INLINE_UP_TO = 2_000


class WalkQueue(SalesDeskScreen[None]):
    """The queue (``order``, ``pos``, the ``card`` shown) and how it is read."""

    def __init__(self) -> None:
        super().__init__()
        self.mode = "walk"
        self.order: list[int] = []  # the walk-through, in urgency order when it started
        self.pos = 0
        self.card: CardRow | None = None  # the card shown (order[pos]), None at the end
        self.reading = False  # the queue is being read (in a thread)

    def settle(self) -> None:
        """Show the card at ``pos`` (the screen does it)."""
        raise NotImplementedError

    def start_walk(self) -> None:
        """(Re)build the queue from the database and show its first card (a large
        book's queue is read in a thread, the screen saying so meanwhile)."""
        app = self.sd_app
        if store.count_prospects(app.db) <= INLINE_UP_TO:
            self._walk_shown(review_queue_ids(app.db, app.today(), app.now()), "")
            return
        self.reading = True
        self.order, self.pos, self.card = [], 0, None
        self.draw_reading()
        self.refresh_bindings()
        self.read_walk(app.today(), app.now())

    @work(thread=True, exclusive=True, group="review-walk")
    def read_walk(self, today: date, now: datetime) -> None:
        try:
            found, error = review_queue_ids(self.sd_app.db, today, now), ""
        except Exception as exc:  # a busy or broken database: said on screen
            found, error = [], busy_message(exc) or f"the walk-through failed: {exc}"
        self.app.call_from_thread(self._walk_read, found, error)

    def _walk_read(self, found: list[int], error: str) -> None:
        if self.is_mounted:  # (not gone back meanwhile)
            self._walk_shown(found, error)

    def _walk_shown(self, found: list[int], error: str) -> None:
        self.reading = False
        self.order, self.pos = found, 0
        self.settle()
        if error:
            self.query_one(WalkView).show_error(error)

    def draw_reading(self) -> None:
        """What the walk-through shows while its queue is read."""
        if self.mode == "walk":
            self.query_one("#rv-title", Static).update(
                Text.assemble(
                    ("Weekly review", "bold"), (" · walk-through · reading the cards due…", GREY)
                )
            )
        self.query_one(WalkView).show_end(Text("Reading the cards due for a look…", style=GREY))
