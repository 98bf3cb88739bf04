"""The weekly review (``w`` on the board): a tasksh-style walk-through of every card due
for a look, then the week's figures with 12-week trend charts.

The walk-through shows one card at a time with what changed since its last review; single
keys keep or regrade it, log a touch, set the next date, run the MAN check, park or drop
it, skip it, or undo. A card leaves the queue once it is no longer due (reviewed, parked,
dropped...). The figures are computed in a thread (a 100,000-card import takes seconds)
and drawn as a few Statics and three Sparklines: no widget per customer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Sparkline, Static

from salesdesk import keys
from salesdesk.config import expand_path
from salesdesk.data import store
from salesdesk.data.db import busy_message
from salesdesk.data.review_queue import (
    CardChanges,
    changes_since,
    in_queue,
    mark_reviewed,
    review_queue,
)
from salesdesk.data.store import CardRow
from salesdesk.enums import Status
from salesdesk.errors import InputError, SalesDeskError
from salesdesk.render.cards import GRADE_COLOURS
from salesdesk.render.review_figures import SCREEN_TOP, figures_grid, sentence_text
from salesdesk.rules.dates import short_date
from salesdesk.rules.man import Tri, assess
from salesdesk.rules.review import (
    TRENDS,
    WEEK,
    WeeklyReview,
    compact_amount,
    iso_week,
    present,
    week_label,
    week_start,
)
from salesdesk.screens.common import attempt, log_touch_result, undo_last
from salesdesk.screens.form import FieldError, FormField, FormScreen
from salesdesk.text import one_line

if TYPE_CHECKING:
    from salesdesk.app import SalesDeskApp

#: Cards listed under "up next" in the walk-through.
UPCOMING = 5
#: Lines of "what changed" per kind before "and N more".
CHANGES_SHOWN = 5
DIM = "#8b8d98"
WALK_ONLY = {"regrade", "reviewed", "log_touch", "next_date", "man_check", "park", "drop", "skip"}
FIGURES_ONLY = {"week", "export"}
WALK_HINT = (
    "a b c keep or regrade · r seen, no change · t log · d next date · m MAN\n"
    "p park · x drop · s skip · u undo · f the week's figures · esc back"
)


def _who(name: str, company: str, style: str = "bold") -> Text:
    text = Text(one_line(name), style=style)
    if company:
        text.append(" · ", style=DIM)
        text.append(one_line(company), style="#b0b0b0")
    return text


def _verdict(case: str) -> str:
    """The MAN verdict of a case string (``MaN`` → ``contact``)."""
    answers = {"M": "yes", "A": "yes", "N": "yes", "m": "no", "a": "no", "n": "no"}
    money, authority, need = (Tri(answers.get(char, "unknown")) for char in case)
    return assess(money, authority, need).verdict.label


def _day(moment: datetime | date, today: date) -> str:
    day = moment.date() if isinstance(moment, datetime) else moment
    return short_date(day, today)


class ExportScreen(FormScreen[Path]):
    """Ask where to write the Markdown report."""

    def __init__(self, default: Path) -> None:
        super().__init__()
        self.default = default
        self.title_text = "Write the week's Markdown report"

    def form_fields(self) -> list[FormField]:
        return [FormField("path", "File", str(self.default), "review.md")]

    def hint(self) -> str:
        return "enter writes the file (replacing one of that name) · escape cancels"

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#f-path").focus()

    def parse(self) -> Path:
        text = self.value("path").strip()
        if not text:
            raise FieldError("path", "give a file name, e.g. review.md")
        path = self.check("path", expand_path, text)
        if path.is_dir():
            raise FieldError("path", "that is a folder: add a file name, e.g. review.md")
        if not path.parent.exists():
            raise FieldError("path", f"folder {path.parent} does not exist")
        return path


class WeeklyReviewScreen(Screen[None]):
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
    WeeklyReviewScreen #rv-card { height: auto; border: round $primary 60%; padding: 0 1; }
    WeeklyReviewScreen #rv-changes { height: auto; padding: 0 1; }
    WeeklyReviewScreen #rv-keys { height: auto; padding: 0 1; color: $text-muted; }
    WeeklyReviewScreen .rv-trend { height: 1; }
    WeeklyReviewScreen .rv-trend-label { width: 11; color: $text-muted; }
    WeeklyReviewScreen .rv-trend Sparkline { width: 24; margin: 0 2 0 0; }
    WeeklyReviewScreen .rv-trend-value { width: 1fr; }
    WeeklyReviewScreen #rv-fig-head { height: auto; }
    WeeklyReviewScreen #rv-fig-body { height: auto; margin: 1 0 0 0; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.mode = "walk"
        self.order: list[int] = []  # the walk-through, in urgency order when it started
        self.pos = 0
        self.card: CardRow | None = None  # the card shown (order[pos]), None at the end
        self.done: set[int] = set()  # cards that left the queue during this session
        self.week: date | None = None
        self.review: WeeklyReview | None = None
        self.figures_stale = True

    @property
    def sd(self) -> SalesDeskApp:
        return self.app  # type: ignore[return-value]

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static(id="rv-title")
        with ContentSwitcher(initial="rv-walk"):
            with VerticalScroll(id="rv-walk", can_focus=False):
                yield Static(id="rv-card")
                yield Static(id="rv-changes")
                yield Static(id="rv-keys")
            with VerticalScroll(id="rv-figures", can_focus=False):
                yield Static(id="rv-fig-head")
                for key, label in TRENDS:
                    with Horizontal(classes="rv-trend"):
                        yield Static(label, classes="rv-trend-label")
                        yield Sparkline([], id=f"rv-spark-{key}")
                        yield Static(id=f"rv-trend-{key}", classes="rv-trend-value")
                yield Static(id="rv-fig-body")
        yield Footer()

    def on_mount(self) -> None:
        self.week = week_start(self.sd.today())
        self.start_walk()

    # ------------------------------------------------------------------ walk-through
    def start_walk(self) -> None:
        """(Re)build the queue from the database and show its first card."""
        self.order = [card.id for card in review_queue(self.sd.db, self.sd.today())]
        self.pos = 0
        self.settle()

    def _read(self, prospect_id: int) -> CardRow | None:
        cards = store.list_cards(
            self.sd.db, self.sd.today(), statuses=[s.value for s in Status], ids=[prospect_id]
        )
        return cards[0] if cards else None

    def settle(self) -> None:
        """Show the card at ``pos``, moving on past cards that are no longer due."""
        today = self.sd.today()
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
        total = len(self.order)
        title = Text("Weekly review", style="bold")
        title.append(" · walk-through", style=DIM)
        if self.card is not None:
            title.append(f"   {self.pos + 1} of {total}", style="bold")
            title.append(f" · {len(self.done)} done", style=DIM)
        elif total:
            title.append(f"   {total} of {total} · {len(self.done)} done", style=DIM)
        if self.mode == "walk":
            self.query_one("#rv-title", Static).update(title)
        card_box = self.query_one("#rv-card", Static)
        changes_box = self.query_one("#rv-changes", Static)
        keys_box = self.query_one("#rv-keys", Static)
        if self.card is None:
            card_box.display = False
            changes_box.update(self._end_text())
            keys_box.update("")
            return
        card_box.display = True
        today = self.sd.today()
        try:
            detail = store.get_prospect(self.sd.db, self.card.id, today)
            changes = changes_since(self.sd.db, self.card.id, today)
        except SalesDeskError as exc:
            changes_box.update(Text(one_line(exc.message), style="red"))
            return
        card_box.update(self._card_text(self.card, detail.fields, today))
        changes_box.update(self._changes_text(changes, today))
        hint = Text(WALK_HINT, style="")
        upcoming = self._upcoming(today)
        if upcoming:
            hint.append("\n\nup next  ", style=f"bold {DIM}")
            for index, card in enumerate(upcoming):
                if index:
                    hint.append(" · ", style=DIM)
                hint.append(card.grade.value, style=f"bold {GRADE_COLOURS[card.grade.value]}")
                hint.append(" ")
                hint.append(one_line(card.name))
            left = len(self.order) - self.pos - 1 - len(upcoming)
            if left > 0:
                hint.append(f" … +{left}", style=DIM)
        keys_box.update(hint)

    def _upcoming(self, today: date) -> list[CardRow]:
        """The next few cards of the queue (one query, bounded)."""
        ids = self.order[self.pos + 1 : self.pos + 1 + UPCOMING]
        if not ids:
            return []
        found = {c.id: c for c in store.list_cards(self.sd.db, today, ids=ids)}
        return [found[i] for i in ids if i in found and in_queue(found[i], today)]

    def _end_text(self) -> Text:
        remaining = [
            card.id for card in review_queue(self.sd.db, self.sd.today())
        ] if self.order else []
        text = Text()
        if not self.order:
            text.append("Nothing to review.\n\n", style="bold")
            text.append(
                "Every live card has had its look (A daily, B weekly, C monthly), none is past "
                "its window and no next step is overdue.\n\n"
                "f: the week's figures and trends · esc: back to the board"
            )
            return text
        text.append("Walk-through done.\n\n", style="bold")
        text.append(f"{len(self.done)} of {len(self.order)} cards reviewed or closed.")
        if remaining:
            text.append(
                f"\n{len(remaining)} still due (skipped): s goes through them again."
            )
        text.append("\n\nf: the week's figures and trends · u: undo · esc: back to the board")
        return text

    def _card_text(self, card: CardRow, fields: dict[str, Any], today: date) -> Group:
        colour = GRADE_COLOURS[card.grade.value]
        top = Text()
        top.append(f" {card.grade.value} ", style=f"bold #ffffff on {colour}")
        top.append(" ")
        top.append_text(_who(card.name, card.company))
        if card.key_account:
            top.append("  ★ key account", style="#ffd700")
        if card.value:
            top.append(f"  {compact_amount(card.value)}", style="bold")
        step = Text("next  ", style=DIM)
        if card.next_date is None:
            step.append("no next step", style="italic")
        else:
            style = "bold #ffffff on #c62828" if card.overdue else "bold"
            step.append(f"▸{short_date(card.next_date, today)}", style=style)
            if card.next_action:
                step.append(" ")
                step.append(one_line(card.next_action))
            if card.overdue:
                days = card.urgency.overdue_days
                step.append(f"  overdue {days} day{'s' if days != 1 else ''}", style="#ff6b6b")
        lines: list[RenderableType] = [top, step]
        if fields.get("next_topic"):
            topic = Text("topic ", style=DIM)
            topic.append(one_line(fields["next_topic"]))
            lines.append(topic)
        meta = Text("last touch ", style=DIM)
        touched = card.touched_on
        if touched is None:
            meta.append("never")
        else:
            days = card.days_since_touch
            meta.append(f"{days}d ago" if days else "today")
        meta.append(" · MAN ", style=DIM)
        meta.append(card.man, style="bold")
        meta.append(f" {_verdict(card.man)}", style=DIM)
        meta.append(" · stage ", style=DIM)
        meta.append(str(fields.get("stage") or ""))
        if card.area:
            meta.append(" · ", style=DIM)
            meta.append(one_line(card.area))
        lines.append(meta)
        why = Text()
        if card.urgency.past_window:
            past = next((d for code, d, _ in card.urgency.components if code == "past_window"), 0)
            why.append(f"⟳ past the {card.grade.value} window by {past}d: regrade  ",
                       style="bold #ff6b6b")
        elif card.urgency.review_due:
            why.append("◆ due for a look  ", style="#f5a524")
        if card.overdue:
            why.append("▸ next step overdue  ", style="#ff6b6b")
        why.append(f"urgency {card.urgency.score:g}", style=DIM)
        lines.append(why)
        return Group(*lines)

    def _changes_text(self, changes: CardChanges, today: date) -> Text:
        head = "since the last review" if changes.reviewed else "since graded (never reviewed)"
        text = Text(f"What changed {head}, {_day(changes.since, today)}:\n", style="bold")
        if changes.nothing:
            text.append("  nothing: no touch, no grade move, no next-step change\n", style=DIM)
        for move in changes.grade_moves:
            text.append(f"  • grade {move.from_grade} → {move.to_grade}", style="bold")
            text.append(f"  {_day(move.at, today)}\n", style=DIM)
        for change in changes.status_changes:
            text.append(f"  • status {one_line(change.note)}")
            text.append(f"  {_day(change.at, today)}\n", style=DIM)
        if changes.touches:
            count = len(changes.touches)
            text.append(f"  • {count} logged: ", style="")
            kinds: dict[str, int] = {}
            for touch in changes.touches:
                kinds[touch.kind] = kinds.get(touch.kind, 0) + 1
            text.append(", ".join(f"{n} {k}" for k, n in kinds.items()) + "\n", style=DIM)
            for touch in changes.touches[:CHANGES_SHOWN]:
                text.append(f"      {_day(touch.at, today):>7} {touch.kind:<8}", style=DIM)
                text.append(one_line(touch.note)[:200] + "\n")
            if count > CHANGES_SHOWN:
                text.append(f"      … and {count - CHANGES_SHOWN} more\n", style=DIM)
        for edit in changes.edits[-CHANGES_SHOWN:]:
            text.append(f"  • {one_line(edit.note)}")
            text.append(f"  {_day(edit.at, today)}\n", style=DIM)
        for slip in changes.slips:
            text.append("  • next step ", style="#f5a524")
            if slip.new is None:
                text.append(f"{_day(slip.old, today)} cleared", style="#f5a524")
            else:
                text.append(f"moved {_day(slip.old, today)} → {_day(slip.new, today)}",
                            style="#f5a524")
            text.append(f" without a logged touch ({_day(slip.day, today)})\n", style=DIM)
        if changes.overdue_days and changes.next_date:
            days = changes.overdue_days
            text.append(
                f"  • next step overdue since {_day(changes.next_date, today)}"
                f" ({days} day{'s' if days != 1 else ''})\n",
                style="#ff6b6b",
            )
        text.rstrip()
        return text

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
        if action in FIGURES_ONLY:
            return self.mode == "figures"
        return True

    def _run(self, change: Callable[[], object], message: str) -> None:
        """Run a store command; errors show inline; then move on if the card left the queue."""
        ok, _ = attempt(self, change)
        if not ok:
            return
        self.figures_stale = True
        self.settle()
        if message:
            self.notify(one_line(message), markup=False, timeout=3)

    def action_regrade(self, grade: str) -> None:
        card = self.card
        if card is None:
            return
        same = card.grade.value == grade
        message = f"{card.name}: kept {grade}" if same else f"{card.name}: {card.grade} → {grade}"
        self._run(lambda: store.regrade(self.sd.db, self.sd.now(), card.id, grade), message)

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
            lambda: mark_reviewed(self.sd.db, self.sd.now(), card.id),
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
                lambda: log_touch_result(self.sd, card.id, result),
                f"Logged {result.kind} with {card.name}",
            )

        self.app.push_screen(TouchScreen(card, self.sd.today()), done)

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
                    self.sd.db, self.sd.now(), card.id, result.next_date, result.action
                ),
                f"{card.name}: next step {when}",
            )

        self.app.push_screen(NextStepScreen(card, self.sd.today()), done)

    def action_man_check(self) -> None:
        card = self.card
        if card is None:
            return
        from salesdesk.screens.man_check import (
            ManCheckScreen,  # written alongside; imported only when used
        )

        self.app.push_screen(ManCheckScreen(prospect_id=card.id), lambda _: self._after_away())

    def _after_away(self) -> None:
        self.figures_stale = True
        self.settle()

    def action_park(self) -> None:
        card = self.card
        if card is None:
            return
        self._run(
            lambda: store.set_status(self.sd.db, self.sd.now(), card.id, Status.PARKED),
            f"{card.name}: parked (u undoes)",
        )

    def action_drop(self) -> None:
        card = self.card
        if card is None:
            return
        from salesdesk.screens.confirm import ConfirmScreen

        def apply(ok: bool | None) -> None:
            if ok:
                self._run(
                    lambda: store.set_status(self.sd.db, self.sd.now(), card.id, Status.DROPPED),
                    f"{card.name}: dropped (u undoes)",
                )

        question = Text("Drop ")
        question.append(one_line(card.name), style="bold")
        question.append(" and stop contact?")
        self.app.push_screen(ConfirmScreen(question), apply)

    def action_skip(self) -> None:
        if self.card is None:
            if self.order:
                self.start_walk()  # at the end: go through what is still due
            return
        self.pos += 1
        self.settle()

    def action_undo(self) -> None:
        result = undo_last(self)
        if result is None:
            return
        self.figures_stale = True
        # A card the undone change touched comes back to the walk-through, if it is due again.
        for prospect_id in result.prospect_ids:
            if prospect_id in self.order and self.order.index(prospect_id) < self.pos:
                card = self._read(prospect_id)
                if card is not None and in_queue(card, self.sd.today()):
                    self.pos = self.order.index(prospect_id)
                    break
        self.settle()
        if self.mode == "figures":
            self.load_figures()
        self.notify(f"Undone: {one_line(result.label)}", markup=False, timeout=3)

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
        if target > week_start(self.sd.today()):
            self.notify("This is the current week: no figures ahead of it yet",
                        severity="warning")
            return
        self.week = target
        self.load_figures()

    def load_figures(self) -> None:
        assert self.week is not None
        self.query_one("#rv-title", Static).update(
            Text.assemble(("Weekly review", "bold"), (f" · {iso_week(self.week)} · loading…", DIM))
        )
        if self.review is None:
            self.query_one("#rv-fig-head", Static).update(
                Text("Computing the week's figures…", style=DIM)
            )
        self.figures_stale = False
        self._compute(self.week)

    @work(thread=True, exclusive=True, group="review-figures")
    def _compute(self, week: date) -> None:
        from salesdesk.data.review import load_weekly_review

        try:
            review = load_weekly_review(self.sd.db, week, self.sd.today())
        except Exception as exc:
            message = busy_message(exc)
            if message is None:
                raise
            self.app.call_from_thread(self.notify, message, severity="error", markup=False)
            return
        self.app.call_from_thread(self._figures_ready, review)

    def _figures_ready(self, review: WeeklyReview) -> None:
        if review.week_start != self.week:
            return  # an older request
        self.review = review
        self.draw_figures()

    def draw_figures(self) -> None:
        review = self.review
        if review is None or self.mode != "figures":
            return
        figures = present(review, SCREEN_TOP)
        title = Text.assemble(
            ("Weekly review", "bold"), (f" · figures · {week_label(review)}", DIM)
        )
        self.query_one("#rv-title", Static).update(title)
        head = sentence_text(figures.as_of)
        head.append(f"\n{figures.trends_title}", style="bold")
        self.query_one("#rv-fig-head", Static).update(head)
        for trend in figures.trends:
            self.query_one(f"#rv-spark-{trend.key}", Sparkline).data = list(trend.values)
            self.query_one(f"#rv-trend-{trend.key}", Static).update(sentence_text(trend.summary))
        self.query_one("#rv-fig-body", Static).update(figures_grid(figures))

    def action_export(self) -> None:
        review = self.review
        if review is None:
            return
        default = Path.cwd() / f"salesdesk-review-{review.iso_week}.md"

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

