"""The weekly review's figures view: the head, three 12-week trend charts and the figures
grid. It mounts the same dozen widgets whatever the data (no widget per customer) and
draws what the presenter says (:func:`salesdesk.rules.review.present`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Sparkline, Static

from salesdesk.data.db import Database, busy_message
from salesdesk.errors import SalesDeskError
from salesdesk.render.palette import GREY
from salesdesk.render.review_figures import figures_grid, sentence_text
from salesdesk.rules.review import TRENDS, Figures, WeeklyReview


class FiguresView(VerticalScroll):
    """The figures of one week: worked out in a thread (:meth:`load`, which posts
    :class:`Ready`), drawn by :meth:`show`."""

    @dataclass
    class Ready(Message):
        """The figures of a week were worked out."""

        review: WeeklyReview
        #: Whose week (a rep's name on a team server; None: the database's whole book).
        whose: str | None = None

    DEFAULT_CSS = """
    FiguresView .rv-trend { height: 1; }
    FiguresView .rv-trend-label { width: 11; color: $text-muted; }
    FiguresView .rv-trend Sparkline { width: 24; margin: 0 2 0 0; }
    FiguresView .rv-trend-value { width: 1fr; }
    FiguresView #rv-fig-head { height: auto; }
    FiguresView #rv-fig-body { height: auto; margin: 1 0 0 0; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="rv-fig-head")
        for key, label in TRENDS:
            with Horizontal(classes="rv-trend"):
                yield Static(label, classes="rv-trend-label")
                yield Sparkline([], id=f"rv-spark-{key}")
                yield Static(id=f"rv-trend-{key}", classes="rv-trend-value")
        yield Static(id="rv-fig-body")

    def load(self, db: Database, week: date, today: date | datetime,
             whose: str | None = None) -> None:
        """Work out the figures of the week starting on ``week`` (a newer call wins);
        ``whose`` comes back in :class:`Ready` to tell one request from another."""
        self._compute(db, week, today, whose)

    @work(thread=True, exclusive=True, group="review-figures")
    def _compute(self, db: Database, week: date, today: date | datetime,
                 whose: str | None) -> None:
        from salesdesk.data.review import load_weekly_review

        try:
            review = load_weekly_review(db, week, today)
        except SalesDeskError as exc:  # e.g. the server would not act as the chosen rep
            self.app.call_from_thread(self.notify, exc.message, severity="error",
                                      markup=False)
            return
        except Exception as exc:
            message = busy_message(exc)
            if message is None:
                raise
            self.app.call_from_thread(self.notify, message, severity="error", markup=False)
            return
        self.post_message(self.Ready(review, whose))

    def computing(self) -> None:
        """Before the first figures arrive."""
        self.query_one("#rv-fig-head", Static).update(
            Text("Computing the week's figures…", style=GREY)
        )

    def show(self, figures: Figures) -> None:
        head = sentence_text(figures.as_of)
        head.append(f"\n{figures.trends_title}", style="bold")
        self.query_one("#rv-fig-head", Static).update(head)
        for trend in figures.trends:
            self.query_one(f"#rv-spark-{trend.key}", Sparkline).data = list(trend.values)
            self.query_one(f"#rv-trend-{trend.key}", Static).update(sentence_text(trend.summary))
        self.query_one("#rv-fig-body", Static).update(figures_grid(figures))
