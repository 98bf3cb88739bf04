"""The weekly review (``w`` on the board): a tasksh-style walk-through of every card due
for a look, then the week's figures with 12-week trend charts.

The walk-through shows one card at a time with what changed since its last review; single
keys keep or regrade it, log a touch, set the next date, run the MAN check, park or drop
it, skip it, or undo. A card leaves the queue once it is no longer due (reviewed, parked,
dropped...). The figures are computed in a thread (a 100,000-card import takes seconds)
and drawn by :class:`~salesdesk.widgets.review_figures.FiguresView`: a few Statics and
three Sparklines, no widget per customer. The walk-through's queue of a large book is read
in a thread too (:mod:`salesdesk.screens.review_walk_queue`). The walk-through's
text is built in :mod:`salesdesk.render.review_walk`, the figures' in
:mod:`salesdesk.render.review_figures`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import ContentSwitcher, Static

from salesdesk import keys
from salesdesk.data import store
from salesdesk.data.review_queue import (
    changes_since,
    in_queue,
    mark_reviewed,
    review_queue_ids,
)
from salesdesk.data.store import CardRow, UndoResult
from salesdesk.enums import Status
from salesdesk.errors import InputError, SalesDeskError
from salesdesk.render.palette import GREY
from salesdesk.render.review_figures import SCREEN_TOP
from salesdesk.render.review_walk import end_text, walk_title
from salesdesk.rules.reasons import reason_said
from salesdesk.rules.review import (
    WEEK,
    WeeklyReview,
    iso_week,
    present,
    week_label,
    week_start,
)
from salesdesk.screens.review_export import ExportScreen
from salesdesk.screens.review_walk_queue import WalkQueue
from salesdesk.screens.review_whose import WhoseWeek
from salesdesk.text import one_line
from salesdesk.widgets.fitting_footer import FittingFooter
from salesdesk.widgets.review_figures import FiguresView
from salesdesk.widgets.review_walk import WalkView

#: Cards listed under "up next" in the walk-through.
UPCOMING = 5
WALK_ONLY = {"regrade", "reviewed", "log_touch", "next_date", "man_check", "park", "drop", "skip"}
FIGURES_ONLY = {"week", "export", "choose_rep"}


class WeeklyReviewScreen(WhoseWeek, WalkQueue):
    """Walk-through of due cards (first), the week's figures (``f``)."""

    BINDINGS: ClassVar[list[BindingType]] = [*keys.REVIEW]
    HELP_TITLE = "weekly review"
    AUTO_FOCUS = ""
    DEFAULT_CSS = """
    WeeklyReviewScreen #rv-title { height: 1; padding: 0 1; background: $panel; }
    WeeklyReviewScreen ContentSwitcher { height: 1fr; }
    WeeklyReviewScreen #rv-walk, WeeklyReviewScreen #rv-figures {
        height: 1fr; padding: 0 1; scrollbar-size-vertical: 1;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.done: set[int] = set()  # cards that left the queue during this session
        self.week: date | None = None
        self.review: WeeklyReview | None = None
        self.figures_stale = True
        self.figures_shown: date | None = None  # the week whose figures are drawn
        self.init_whose()

    @property
    def ready(self) -> bool:
        """Mounted, and (on the figures) the chosen week's figures worked out and drawn."""
        if not self.is_mounted or self.reading:
            return False
        return self.mode != "figures" or self.figures_shown == self.week

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static(id="rv-title")
        with ContentSwitcher(initial="rv-walk"):
            yield WalkView(id="rv-walk", can_focus=False)
            yield FiguresView(id="rv-figures", can_focus=False)
        yield FittingFooter()

    def on_mount(self) -> None:
        self.week = week_start(self.sd_app.today())
        self.viewer = self.team_viewer()
        self.start_walk()

    # ------------------------------------------------------------------ walk-through
    def _read(self, prospect_id: int) -> CardRow | None:
        app = self.sd_app
        statuses = [s.value for s in Status]
        cards = store.list_cards(app.db, app.today(), statuses=statuses, ids=[prospect_id])
        return cards[0] if cards else None

    def settle(self) -> None:
        """Show the card at ``pos``, moving on past cards that are no longer due."""
        if self.reading:
            self.draw_walk()
            return
        today = self.sd_app.today()
        self.card = None
        while self.pos < len(self.order):
            card = self._read(self.order[self.pos])
            if card is not None and in_queue(card, today):
                self.card = card
                self.done.discard(card.id)
                break
            self.done.add(self.order[self.pos])
            self.pos += 1
        self.draw_walk()
        self.refresh_bindings()

    def draw_walk(self) -> None:
        if self.reading:
            self.draw_reading()
            return
        position = self.pos if self.card is not None else None
        if self.mode == "walk":
            title = walk_title(position, len(self.order), len(self.done))
            self.query_one("#rv-title", Static).update(title)
        view = self.query_one(WalkView)
        if self.card is None:
            view.show_end(self._end_text())
            return
        today = self.sd_app.today()
        try:
            detail = store.get_prospect(self.sd_app.db, self.card.id, today)
            changes = changes_since(self.sd_app.db, self.card.id, today)
        except SalesDeskError as exc:
            view.show_error(exc.message)
            return
        upcoming = self._upcoming(today)
        left = len(self.order) - self.pos - 1 - len(upcoming)
        view.show(self.card, detail.fields, changes, upcoming, left, today)

    def _upcoming(self, today: date) -> list[CardRow]:
        """The next few cards of the queue (one query, bounded)."""
        ids = self.order[self.pos + 1 : self.pos + 1 + UPCOMING]
        if not ids:
            return []
        found = {c.id: c for c in store.list_cards(self.sd_app.db, today, ids=ids)}
        return [found[i] for i in ids if i in found and in_queue(found[i], today)]

    def _end_text(self) -> Text:
        app = self.sd_app
        remaining = len(review_queue_ids(app.db, app.today(), app.now())) if self.order else 0
        return end_text(len(self.order), len(self.done), remaining)

    # ------------------------------------------------------------------ walk actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show":
            return parameters[0] != self.mode
        if action in WALK_ONLY:
            if self.mode != "walk":
                return False
            if action == "skip":
                return True
            return True if self.card is not None else None
        if action == "choose_rep" and self.viewer is None:
            return False  # one person's book: there is nobody else to choose
        if action in FIGURES_ONLY:
            return self.mode == "figures"
        return True

    def _run(self, change: Callable[[], object], message: str) -> None:
        """Run a store command; errors show inline; then move on if the card left the queue."""
        ok, _ = self.run_change(change, message)
        if not ok:
            return
        self.figures_stale = True
        self.settle()

    def action_regrade(self, grade: str) -> None:
        card = self.card
        if card is None:
            return
        same = card.grade.value == grade
        message = f"{card.name}: kept {grade}" if same else f"{card.name}: {card.grade} → {grade}"
        app = self.sd_app
        self._run(lambda: store.regrade(app.db, app.now(), card.id, grade), message)

    def action_reviewed(self) -> None:
        card = self.card
        if card is None:
            return
        if card.urgency.past_window:
            self.notify(
                f"{one_line(card.name)} is past its {card.grade} window: keep or regrade "
                "it with a, b or c",
                severity="warning",
                markup=False,
            )
            return
        self._run(
            lambda: mark_reviewed(self.sd_app.db, self.sd_app.now(), card.id),
            f"{card.name}: reviewed",
        )

    def action_log_touch(self) -> None:
        card = self.card
        if card is None:
            return
        from salesdesk.screens.touch import TouchResult, TouchScreen

        def done(result: TouchResult | None) -> None:
            if result is None:
                return
            self._run(
                lambda: result.log(self.sd_app.db, self.sd_app.now(), card.id),
                f"Logged {result.kind} with {card.name}",
            )

        self.app.push_screen(TouchScreen(card, self.sd_app.today()), done)

    def action_next_date(self) -> None:
        card = self.card
        if card is None:
            return
        from salesdesk.screens.next_step import NextStep, NextStepScreen

        def done(result: NextStep | None) -> None:
            if result is None:
                return
            when = result.next_date.isoformat() if result.next_date else "none"
            self._run(
                lambda: store.set_next_step(
                    self.sd_app.db, self.sd_app.now(), card.id, result.next_date, result.action,
                    result.kind,
                ),
                f"{card.name}: next step {when}",
            )

        self.app.push_screen(NextStepScreen(card, self.sd_app.today()), done)

    def action_man_check(self) -> None:
        card = self.card
        if card is None:
            return
        self.sd_app.open_man_check(card.id, on_close=self._after_away)

    def _after_away(self) -> None:
        self.figures_stale = True
        self.settle()

    def action_park(self) -> None:
        card = self.card
        if card is None:
            return
        self._run(
            lambda: store.set_status(self.sd_app.db, self.sd_app.now(), card.id, Status.PARKED),
            f"{card.name}: parked (u undoes)",
        )

    def action_drop(self) -> None:
        card = self.card
        if card is None:
            return
        from salesdesk.screens.reason import Closing, ReasonScreen

        app = self.sd_app

        def apply(result: Closing | None) -> None:
            if result is None:  # escape: the card stays as it was
                return
            said = reason_said(result.reason, result.note)
            self._run(
                lambda: store.set_status(
                    app.db, app.now(), card.id, Status.DROPPED,
                    reason=result.reason, reason_note=result.note,
                ),
                f"{card.name}: dropped" + (f" · {said}" if said else "") + " (u undoes)",
            )

        self.app.push_screen(ReasonScreen(card, Status.DROPPED), apply)

    def action_skip(self) -> None:
        if self.reading:
            return
        if self.card is None:
            if self.order:
                self.start_walk()  # at the end: go through what is still due
            return
        self.pos += 1
        self.settle()

    def action_undo(self) -> None:
        self._after_history(self.undo_last())  # says what was undone

    def action_redo(self) -> None:
        self._after_history(self.redo_last())  # says what was redone

    def _after_history(self, result: UndoResult | None) -> None:
        """After an undo or a redo: the figures are read again, and a card it touched
        comes back to the walk-through if it is due again."""
        if result is None:
            return
        self.figures_stale = True
        # A card the undone change touched comes back to the walk-through, if it is due again.
        for prospect_id in result.prospect_ids:
            if prospect_id in self.order and self.order.index(prospect_id) < self.pos:
                card = self._read(prospect_id)
                if card is not None and in_queue(card, self.sd_app.today()):
                    self.pos = self.order.index(prospect_id)
                    break
        self.settle()
        if self.mode == "figures":
            self.load_figures()

    # ------------------------------------------------------------------ figures
    def action_show(self, mode: str) -> None:
        self.mode = mode
        self.query_one(ContentSwitcher).current = "rv-figures" if mode == "figures" else "rv-walk"
        if mode == "figures":
            if self.figures_stale or self.review is None:
                self.load_figures()
            else:
                self.draw_figures()
        else:
            self.settle()
        self.refresh_bindings()

    def action_week(self, delta: int) -> None:
        assert self.week is not None
        target = self.week + delta * WEEK
        if target > week_start(self.sd_app.today()):
            self.notify("This is the current week: no figures ahead of it yet",
                        severity="warning")
            return
        self.week = target
        self.load_figures()

    def load_figures(self) -> None:
        assert self.week is not None
        self.query_one("#rv-title", Static).update(Text.assemble(
            ("Weekly review", "bold"),
            (f" · {iso_week(self.week)}{self.whose()} · loading…", GREY),
        ))
        if self.review is None:
            self.query_one(FiguresView).computing()
        self.figures_stale = False
        self.figures_shown = None
        db = self.figures_db()
        self.query_one(FiguresView).load(db, self.week, self.sd_app.now(), whose=self.rep)

    def on_figures_view_ready(self, message: FiguresView.Ready) -> None:
        if message.review.week_start != self.week or message.whose != self.rep:
            return  # an older request
        self.review = message.review
        self.draw_figures()

    def draw_figures(self) -> None:
        review = self.review
        if review is None or self.mode != "figures":
            return
        title = Text.assemble(
            ("Weekly review", "bold"),
            (f" · figures · {week_label(review)}{self.whose()}", GREY),
        )
        self.query_one("#rv-title", Static).update(title)
        self.query_one(FiguresView).show(present(review, SCREEN_TOP))
        self.figures_shown = review.week_start

    def action_export(self) -> None:
        review = self.review
        if review is None:
            return
        whose = f"-{self.rep}" if self.rep is not None else ""  # a rep's name: [a-z0-9_]
        default = Path.cwd() / f"salesdesk-review-{review.iso_week}{whose}.md"

        def write(path: Path | None) -> None:
            if path is None:
                return
            existed = path.exists()
            from salesdesk.files import write_private
            from salesdesk.render.markdown import markdown_report

            try:
                write_private(path, markdown_report(review).encode("utf-8"))
            except InputError as exc:
                self.notify(exc.message, severity="error", markup=False)
                return
            verb = "Replaced" if existed else "Wrote"
            self.notify(f"{verb} {path}", markup=False, timeout=5)

        self.app.push_screen(ExportScreen(default), write)

    # ------------------------------------------------------------------ both
    def action_scroll(self, lines: int) -> None:
        target = "#rv-figures" if self.mode == "figures" else "#rv-walk"
        scroller = self.query_one(target, VerticalScroll)
        scroller.scroll_to(y=scroller.scroll_y + lines, animate=False)

    def action_back(self) -> None:
        self.dismiss(None)

