"""The MAN check: a queue of prospects to qualify, one at a time (tasksh style).

Money, Authority and Need are each yes, no or unknown; one key cycles each. The case is
drawn in big letters (capital = present, lower case = missing, ``?`` = not asked yet),
with the verdict, the advice and the next question from :mod:`salesdesk.rules.man`.

The queue of a large book is read in a worker thread (the screen says it is reading, and
esc works meanwhile); a small one (:data:`INLINE_UP_TO` cards) at once, without a flash.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from rich.console import Group
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from salesdesk import keys
from salesdesk.data import store
from salesdesk.data.db import Database, busy_message
from salesdesk.enums import Status
from salesdesk.errors import SalesDeskError
from salesdesk.render import palette
from salesdesk.render.literal import literal_line
from salesdesk.render.man_letters import big_case
from salesdesk.render.palette import GRADE_COLOURS, VERDICT_STYLE
from salesdesk.rules.fields import short_money
from salesdesk.rules.man import (
    POTENTIAL_CRITERIA,
    PRIORITY_LABELS,
    Priority,
    Tri,
    Verdict,
    cycle_tri,
)
from salesdesk.screens.base import SalesDeskScreen
from salesdesk.text import one_line
from salesdesk.widgets.fitting_footer import FittingFooter

#: Cards in the book up to which the queue is read at once, not in a thread.
INLINE_UP_TO = 2_000
READING = "Reading the cards to qualify…\n\nesc goes back to the board."


class ManCheckScreen(SalesDeskScreen[None]):
    """Qualify prospects one by one. Every change is saved at once and can be undone."""

    BINDINGS = keys.MAN_CHECK
    HELP_TITLE = "MAN check"
    AUTO_FOCUS = ""
    CSS_PATH = "../man_check.tcss"  # read (by Textual) at its first open, not at each start

    def __init__(self, prospect_id: int | None = None) -> None:
        super().__init__()
        self.single = prospect_id
        self.queue: list[int] = [prospect_id] if prospect_id is not None else []
        self.index = 0
        self.state: store.ManState | None = None
        self.reading = False  # the queue is being read (in a thread)
        self.error = ""  # why the queue could not be read

    @property
    def ready(self) -> bool:
        """Mounted, and the queue read and its first card shown."""
        return self.is_mounted and not self.reading

    def compose(self) -> ComposeResult:
        yield Static(id="man-progress")
        with VerticalScroll(id="man-body"):
            yield Static(id="man-card")
            with Horizontal(id="man-main"):
                yield Static(id="man-letters")
                with Vertical(id="man-words"):
                    yield Static(id="man-verdict")
                    yield Static(id="man-question")
            with Horizontal(id="man-decider-row"):
                yield Label("Decision-maker (d):")
                yield Input(placeholder="who decides, when it is not this person",
                            id="man-decider", select_on_focus=False)
            yield Static(id="man-potential")
            yield Static(id="man-priority")
        yield Static(id="man-empty")
        yield FittingFooter()

    def on_mount(self) -> None:
        if self.single is None:
            today, now = self.sd_app.today(), self.sd_app.now()
            if store.count_prospects(self.db) <= INLINE_UP_TO:
                self.queue = store.man_queue(self.db, today, now)
            else:
                self.reading = True
                self.read_queue(today, now)
        self.show()

    @work(thread=True, exclusive=True, group="man-queue")
    def read_queue(self, today: date, now: datetime) -> None:
        """The queue of a large book, off the UI thread."""
        try:
            found, error = store.man_queue(self.db, today, now), ""
        except Exception as exc:  # a busy or broken database: said on screen
            found, error = [], busy_message(exc) or f"the MAN check queue failed: {exc}"
        self.app.call_from_thread(self._queue_read, found, error)

    def _queue_read(self, found: list[int], error: str) -> None:
        if not self.is_mounted:
            return
        self.queue, self.error, self.reading = found, error, False
        self.index = 0
        self.show()

    @property
    def db(self) -> Database:
        return self.sd_app.db

    # ------------------------------------------------------------------ drawing
    def show(self) -> None:
        """Load the current card and redraw everything."""
        empty = self.query_one("#man-empty", Static)
        body = self.query_one("#man-body")
        if self.reading or self.error:
            body.display = False
            empty.display = True
            words = Text(self.error, style="bold red") if self.error else Text(READING)
            empty.update(words)
            progress = Text("MAN check ", style="bold")
            progress.append("· reading…" if self.reading else "", style="dim")
            self.query_one("#man-progress", Static).update(progress)
            self.state = None
            self.refresh_bindings()
            return
        if not self.queue or self.index >= len(self.queue):
            body.display = False
            empty.display = True
            if not self.queue and store.count_prospects(self.db) == 0:
                message = ("No prospects yet: add one on the board (n) or import your "
                           "contacts (i).\n\nesc goes back to the board.")
            elif not self.queue:
                message = ("Every live prospect is qualified (M A N): nothing to check.\n\n"
                           "esc goes back to the board.")
            else:
                message = (f"All {len(self.queue)} checked.\n\n"
                           "backspace goes back one, esc to the board.")
            empty.update(Text(message))
            self.query_one("#man-progress", Static).update(Text("MAN check", style="bold"))
            self.state = None
            self.refresh_bindings()
            return
        try:
            self.state = store.get_man(self.db, self.queue[self.index], self.sd_app.today())
        except SalesDeskError:
            del self.queue[self.index]  # removed meanwhile (undo of an add)
            self.show()
            return
        body.display = True
        empty.display = False
        self._draw()
        self.refresh_bindings()

    def _draw(self) -> None:
        state = self.state
        assert state is not None
        result = state.result
        progress = Text("MAN check ", style="bold")
        scope = "this card" if self.single is not None else "incomplete first, then not qualified"
        progress.append(f"· {self.index + 1} of {len(self.queue)} · {scope}", style="dim")
        self.query_one("#man-progress", Static).update(progress)

        card = store.get_card(self.db, state.id, self.sd_app.today())
        title = Text()
        if card.status == Status.LIVE:
            title.append(f" {card.grade} ", style=f"bold reverse {GRADE_COLOURS[card.grade]}")
        else:
            title.append(f" {card.status} ", style="reverse")
        title.append(" ")
        title.append_text(literal_line(state.name, style="bold"))
        if state.company:
            title.append(" · ", style="dim")
            title.append_text(literal_line(state.company))
        if card.value:
            title.append(f"  {short_money(card.value)}", style="dim")
        title.append(f"  #{state.id}", style="dim")
        self.query_one("#man-card", Static).update(title)

        answers = (state.money, state.authority, state.need)
        self.query_one("#man-letters", Static).update(big_case(result.case, answers))
        verdict = Text(result.verdict.label.upper(), style=VERDICT_STYLE[result.verdict])
        verdict.append(f"   {result.case}", style="bold")
        self.query_one("#man-verdict", Static).update(Group(verdict, Text(result.advice)))
        question = Text()
        if result.next_question:
            question.append("Ask next: ", style="bold")
            question.append(result.next_question)
        elif result.verdict == Verdict.DROP:
            question.append("x stops contact (asks first).", style=palette.STOP)
        self.query_one("#man-question", Static).update(question)

        decider = self.query_one("#man-decider", Input)
        if not decider.has_focus:
            decider.value = one_line(state.decider)
        row = self.query_one("#man-decider-row")
        row.set_class(state.authority == Tri.NO, "wanted")

        score = sum(state.potential.values())
        potential = Text(f"Potential {score}/7", style="bold")
        potential.append("   keys 1-7 toggle", style="dim")
        for number, (key, label) in enumerate(POTENTIAL_CRITERIA, start=1):
            mark = "■" if state.potential[key] else "□"
            style = palette.GREEN if state.potential[key] else "dim"
            potential.append(f"\n {number} {mark} ", style=style)
            potential.append(label, style="" if state.potential[key] else "dim")
        self.query_one("#man-potential", Static).update(potential)

        level = Priority(state.priority)
        priority = Text(f"Priority {level.value} · {PRIORITY_LABELS[level]}", style="bold")
        how = "set by hand" if state.priority_set else "suggested from the card"
        priority.append(f"  ({how}; p cycles)", style="dim")
        self.query_one("#man-priority", Static).update(priority)

    # ------------------------------------------------------------------ changes
    def _apply(self, change: Callable[[], object]) -> None:
        """Run a store change (errors become notifications, never raised), then redraw."""
        self.run_change(change)
        self.show()

    def action_cycle(self, element: str) -> None:
        state = self.state
        if state is None:
            return
        new = cycle_tri(Tri(getattr(state, element))).value
        self._apply(lambda: store.set_man(self.db, self.sd_app.now(), state.id, **{element: new}))

    def on_key(self, event: events.Key) -> None:
        # Keys 1-7 each toggle one potential criterion.
        if self.focused is None and event.character and event.character in "1234567":
            event.stop()
            self.toggle_potential(int(event.character))

    def action_potential(self) -> None:
        """Bound for the help screen; the digit itself is read in :meth:`on_key`."""

    def toggle_potential(self, number: int) -> None:
        state = self.state
        if state is None:
            return
        key = POTENTIAL_CRITERIA[number - 1][0]
        value = not state.potential[key]
        self._apply(lambda: store.set_potential(self.db, self.sd_app.now(), state.id, key, value))

    def action_priority(self) -> None:
        state = self.state
        if state is None:
            return
        order: list[int | None] = [None, 1, 2, 3, 4]
        current = state.priority if state.priority_set else None
        new = order[(order.index(current) + 1) % len(order)]
        self._apply(lambda: store.set_priority(self.db, self.sd_app.now(), state.id, new))

    def action_decider(self) -> None:
        if self.state is not None:
            self.query_one("#man-decider", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        state = self.state
        self.set_focus(None)
        if state is None:
            return
        value = event.value
        self._apply(lambda: store.set_man(self.db, self.sd_app.now(), state.id, decider=value))

    def action_step(self, delta: int) -> None:
        if self.focused is not None or self.reading:
            return
        self.index = max(0, min(len(self.queue), self.index + delta))
        self.show()

    def action_stop_contact(self) -> None:
        state = self.state
        if state is None:
            return
        if state.result.verdict != Verdict.DROP:
            self.notify(
                f"x stops contact only for m a n (no money, authority or need); this card is "
                f"{state.result.case}", severity="warning", markup=False,
            )
            return
        from salesdesk.screens.confirm import ConfirmScreen

        question = Text("Stop contact with ")
        question.append_text(literal_line(state.name, style="bold"))
        question.append("? (m a n: not a prospect; the card is dropped)")

        def answer(ok: bool | None) -> None:
            if ok:
                self._apply(
                    lambda: store.set_status(self.db, self.sd_app.now(), state.id, Status.DROPPED)
                )
                self.notify(f"Dropped {one_line(state.name)} (u undoes)", markup=False)

        self.app.push_screen(ConfirmScreen(question), answer)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("cycle", "decider", "priority", "open_card", "potential", "stop_contact"):
            return True if self.state is not None else None
        return True

    def action_open_card(self) -> None:
        if self.state is None:
            return
        self.sd_app.open_card(self.state.id, on_close=self.show)

    def action_undo(self) -> None:
        """Undo the last change if it was to the card on screen (a MAN answer, the decider,
        potential, priority): never a change to another card, unseen from here."""
        if self.state is None:
            self.notify("No card on screen: u on the board undoes", severity="warning")
            return
        if self.undo_last(only_prospect=self.state.id) is not None:
            self.show()

    def action_back(self) -> None:
        if self.focused is not None:  # leave the decider field without saving
            self.set_focus(None)
            self.show()
            return
        self.dismiss(None)
