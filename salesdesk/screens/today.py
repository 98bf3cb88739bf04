"""The Today screen (``T`` on the board): everything due today and overdue in one ordered
list (:mod:`salesdesk.rules.today`), worked through one item at a time like tasksh's
review: ``l`` logs it (the kind comes from the item: a call step is a call, a planned visit
is marked done), ``m`` moves it to another day, ``s`` skips it, ``a`` ``b`` ``c`` regrade.

The list reads every live card, so it is worked out in a worker thread, again after each
change; an item that is done (logged, moved) is simply no longer on the list.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from salesdesk import keys
from salesdesk.data import store
from salesdesk.data.db import busy_message
from salesdesk.render.today_lines import empty_text, item_line
from salesdesk.rules.dates import day_name, next_step_said, parse_next_date
from salesdesk.screens.base import SalesDeskScreen
from salesdesk.screens.form import FormField, FormScreen
from salesdesk.text import one_line
from salesdesk.widgets.fitting_footer import FittingFooter

if TYPE_CHECKING:  # (imported by the worker: the visit plan's rules come with them)
    from salesdesk.data.today_pages import TodayPages
    from salesdesk.rules.today import TodayItem

UPCOMING = 8  # items listed under "up next"
AHEAD = 24  # items read beyond those shown, so that skipping seldom waits for a read
Key = tuple[int, str, int | None]  # an item: (card, group, visit)


def item_key(item: TodayItem) -> Key:
    return item.prospect_id, item.group, item.visit_id


class MoveVisitScreen(FormScreen[date]):
    """``m`` on a visit: its new day (today or later; the calendar UID stays)."""

    def __init__(self, item: TodayItem, today: date) -> None:
        super().__init__()
        self.today = today
        self.title_text = f"Move the visit to {one_line(item.name)}"

    def form_fields(self) -> list[FormField]:
        return [FormField("day", "New day", "", "tomorrow, fri, +3d, 2026-12-01", date=True)]

    def parse(self) -> date:
        day = self.check("day", parse_next_date, self.value("day"), self.today)
        if day is None:
            self.invalid("day", "type the day to move it to")
        return day


class TodayScreen(SalesDeskScreen[None]):
    """Today's list, one item at a time."""

    BINDINGS: ClassVar[list[BindingType]] = [*keys.TODAY]
    HELP_TITLE = "today"
    AUTO_FOCUS = ""
    DEFAULT_CSS = """
    TodayScreen #td-title { height: 1; padding: 0 1; background: $panel; }
    TodayScreen #td-body { height: 1fr; padding: 0 1; }
    TodayScreen #td-item { padding: 1 0; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.pages: TodayPages | None = None  # None: being worked out
        self.skipped: set[Key] = set()
        self.done = 0
        self.error = ""
        self._asked = 0  # which working-out is the latest (an older one's result is dropped)
        self._beyond: set[Key] = set()  # skipped, still on the list, further than read
        self._reading = False  # a worker reads on
        self._pending = 0  # skips pressed past what was read, taken once it is

    @property
    def ready(self) -> bool:
        return self.is_mounted and self.pages is not None

    @property
    def items(self) -> list[TodayItem] | None:
        """The items read so far, in order (None: being worked out)."""
        return None if self.pages is None else self.pages.items

    def _shown(self, limit: int = UPCOMING + 1) -> list[TodayItem]:
        """The item shown (the first one not skipped) and those up next, as far as read
        (up to ``limit`` items)."""
        found: list[TodayItem] = []
        for item in self.items or ():
            if item_key(item) not in self.skipped:
                found.append(item)
                if len(found) >= limit:
                    break
        return found

    @property
    def item(self) -> TodayItem | None:
        """The item shown: the first one not skipped (None while skips wait for the rest
        of the list to be read: what they come to is not on screen yet)."""
        return None if self._pending else self._first()

    def _first(self) -> TodayItem | None:
        shown = self._shown(1)
        return shown[0] if shown else None

    def compose(self) -> ComposeResult:
        yield Static(id="td-title")
        with VerticalScroll(id="td-body", can_focus=False):
            yield Static(id="td-item")
            yield Static(id="td-next")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.reload()

    # ------------------------------------------------------------------ the list
    def reload(self) -> None:
        self.pages = None
        self._pending = 0
        self._asked += 1
        self.draw()
        self.work_out(self.sd_app.now(), self._asked, set(self.skipped))

    def _wanted(self, skipped: set[Key]) -> Callable[[TodayItem], bool]:
        return lambda item: item_key(item) not in skipped

    @work(thread=True, exclusive=True, group="today")
    def work_out(self, now: datetime, asked: int, skipped: set[Key]) -> None:
        beyond: set[Key] = set()
        try:
            from salesdesk.data.today_pages import TodayPages

            pages = TodayPages(self.sd_app.db, now)
            pages.read(self._wanted(skipped), UPCOMING + 1 + AHEAD)
            if pages.count is None:  # no keys to count with: all of it
                pages.read()
            read = {item_key(item) for item in pages.items}
            if not pages.complete and skipped - read:
                on_list = pages.items_of(key[0] for key in skipped - read)
                beyond = (skipped - read) & {item_key(item) for item in on_list}
            error = ""
        except Exception as exc:  # a busy or broken database: said on screen
            pages, error = None, busy_message(exc) or f"today's list failed: {exc}"
        self.app.call_from_thread(self._loaded, pages, beyond, error, asked)

    def _loaded(
        self, pages: TodayPages | None, beyond: set[Key], error: str, asked: int
    ) -> None:
        if not self.is_mounted or asked != self._asked:
            return
        self.pages, self._beyond, self.error = pages, beyond, error
        self._reading = False
        self.draw()
        self.refresh_bindings()

    def _read_on(self) -> None:
        """Skipped past what was read: read on in a worker (the screen says so)."""
        if self._reading or self.pages is None or self.pages.complete:
            return
        self._reading = True
        self.read_on(self.pages, self._asked, set(self.skipped))

    @work(thread=True, group="today-on")
    def read_on(self, pages: TodayPages, asked: int, skipped: set[Key]) -> None:
        try:
            changed = pages.changed()  # (what is read now would not fit: start again)
            if not changed:
                pages.read(self._wanted(skipped), UPCOMING + 1 + AHEAD)
            error = ""
        except Exception as exc:
            changed, error = False, busy_message(exc) or f"today's list failed: {exc}"
        self.app.call_from_thread(self._read, changed, error, asked)

    def _read(self, changed: bool, error: str, asked: int) -> None:
        if not self.is_mounted or asked != self._asked:
            return
        self._reading = False
        if changed:
            self.reload()
            return
        self.error = error
        while self._pending and not error:
            item = self._first()
            if item is None and not (self.pages and self.pages.complete):
                break  # (still more to read)
            self._pending -= 1
            self._skip(item)
        self.draw()
        self.refresh_bindings()

    def draw(self) -> None:
        title = Text("Today", style="bold")
        title.append(f" · {self.sd_app.today():%a %d %b}", style="dim")
        pages = self.pages
        if pages is None and not self.error:
            title.append("  working out what is due…", style="dim")
            self.query_one("#td-title", Static).update(title)
            return
        left = pages.count if pages is not None else 0
        title.append(f"   {left} left · {self.done} done", style="bold")
        items = pages.items if pages is not None else []
        skipped = (self.skipped & {item_key(i) for i in items}) | (self._beyond & self.skipped)
        if skipped:
            title.append(f" · {len(skipped)} skipped", style="dim")
        ahead = [] if self._pending else self._shown(UPCOMING + 1 + AHEAD // 2)
        shown = ahead[:UPCOMING + 1]
        more = pages is not None and not pages.complete and len(shown) <= UPCOMING
        if pages is not None and not pages.complete and len(ahead) < UPCOMING + 1 + AHEAD // 2:
            self._read_on()  # (before the rep gets there, if the read is quick enough)
        if more:
            title.append("  reading on…", style="dim")
        self.query_one("#td-title", Static).update(title)
        body = self.query_one("#td-item", Static)
        item = shown[0] if shown else None
        if self.error:
            body.update(Text(self.error, style="bold red"))
        elif not items:
            body.update(empty_text(self.sd_app.today()))
        elif item is None and more:
            body.update(Text("Reading on…", style="dim"))
        elif item is None:
            body.update(Text("Everything left was skipped: s goes through it again, "
                             "esc goes back to the board.", style="bold"))
        else:
            body.update(self._item_text(item))
        self.query_one("#td-next", Static).update(self._upcoming(shown[1:]))

    def _item_text(self, item: TodayItem) -> Text:
        text = item_line(item, max(20, self.app.size.width - 4))
        text.append("\n\n")
        hint = "l answers it (stops the clock)" if item.complaint_id else \
            f"l logs it as a {item.log_kind}"
        hint += " (marks the visit done)" if item.visit_id else ""
        hint += " · m moves it" if item.movable else ""
        hint += " · s skips it · a b c regrade · enter opens the card"
        text.append(hint, style="dim")
        return text

    def _upcoming(self, rest: list[TodayItem]) -> Text:
        if not rest:
            return Text()
        text = Text("\nUp next\n", style="bold dim")
        for item in rest:
            text.append("  ")
            text.append_text(item_line(item, max(20, self.app.size.width - 6)))
            text.append("\n")
        return text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("log", "move", "regrade", "open_card") and self.item is None:
            return False
        if action == "move" and self.item is not None and not self.item.movable:
            return None  # shown dimmed: a birthday or a window has no date to move
        return True

    # ------------------------------------------------------------------ changes
    def _changed(self, change: Callable[[], object], message: str) -> None:
        ok, _ = self.run_change(change)
        if ok:
            self.done += 1
            if message:
                self.notify(one_line(message), markup=False, timeout=3)
            self.reload()

    def _card(self, item: TodayItem) -> store.CardRow | None:
        ok, card = self.run_change(
            lambda: store.get_card(self.sd_app.db, item.prospect_id, self.sd_app.today()))
        return card if ok else None

    def action_log(self) -> None:
        item = self.item
        if item is not None and item.complaint_id is not None:
            self._answer(item, item.complaint_id)
            return
        card = self._card(item) if item else None
        if item is None or card is None:
            return
        from salesdesk.screens.touch import TouchResult, TouchScreen

        app = self.sd_app

        def done(result: TouchResult | None) -> None:
            if result is None:
                return
            step = next_step_said(result.next_date, app.today())
            if item.visit_id is not None and result.kind == "visit":
                from salesdesk.data import visits

                self._changed(lambda: visits.mark_done(
                    app.db, app.now(), item.visit_id or 0, result.note,
                    next_date=result.next_date, next_action=result.next_action,
                    next_topic=result.next_topic or None, clear_next=result.next_date is None,
                ), f"Visit to {card.name} done · {step}")
                return
            self._changed(lambda: result.log(app.db, app.now(), card.id),
                          f"Logged {result.kind} with {card.name} · {step}")

        why = f"from today's {item.label}"
        self.app.push_screen(TouchScreen(card, app.today(), kind=(item.log_kind, why)), done)

    def _answer(self, item: TodayItem, complaint_id: int) -> None:
        """A complaint is done by answering it: the Complaints screen's answer form."""
        from salesdesk.rules.complaints import Step
        from salesdesk.screens.complaint_form import ComplaintStepScreen, StepValues

        app = self.sd_app

        def done(result: StepValues | None) -> None:
            if result is not None:
                self._changed(lambda: store.take_step(
                    app.db, app.now(), complaint_id, result.step, result.text, at=result.at),
                    f"Complaint of {item.name} answered")

        ok, row = self.run_change(lambda: store.get_complaint(app.db, complaint_id))
        if ok and row is not None:
            self.app.push_screen(ComplaintStepScreen(
                complaint_id, item.name, Step.ANSWERED, app.now(), row.facts), done)

    def action_move(self) -> None:
        item = self.item
        if item is None or not item.movable:
            return
        app = self.sd_app
        if item.visit_id is not None:
            visit_id = item.visit_id

            def moved(day: date | None) -> None:
                if day is not None:
                    from salesdesk.data import visits

                    when = day_name(day, app.today())
                    self._changed(lambda: visits.move_visit(app.db, app.now(), visit_id, day),
                                  f"Visit to {item.name} moved to {when}")

            self.app.push_screen(MoveVisitScreen(item, app.today()), moved)
            return
        card = self._card(item)
        if card is None:
            return
        from salesdesk.screens.next_step import NextStep, NextStepScreen

        def stepped(result: NextStep | None) -> None:
            if result is not None:
                self._changed(lambda: store.set_next_step(
                    app.db, app.now(), card.id, result.next_date, result.action, result.kind,
                ), f"{card.name}: {next_step_said(result.next_date, app.today())}")

        self.app.push_screen(NextStepScreen(card, app.today()), stepped)

    def action_skip(self) -> None:
        if self.pages is None:
            return  # (being worked out)
        item = self._first()
        if self._pending or (item is None and not self.pages.complete):
            self._pending += 1  # past what was read: taken once the rest is read
            self._read_on()
        else:
            self._skip(item)
        self.draw()
        self.refresh_bindings()

    def _skip(self, item: TodayItem | None) -> None:
        if item is None:
            self.skipped.clear()  # at the end: through the skipped ones again
        else:
            self.skipped.add(item_key(item))

    def action_regrade(self, grade: str) -> None:
        item = self.item
        if item is not None:
            app = self.sd_app
            self._changed(lambda: store.regrade(app.db, app.now(), item.prospect_id, grade),
                          f"{item.name}: grade {grade}")

    def action_undo(self) -> None:
        if self.undo_last() is not None:
            self.done = max(0, self.done - 1)
            self.reload()

    def action_open_card(self) -> None:
        item = self.item
        if item is not None:
            self.sd_app.open_card(item.prospect_id, on_close=self.reload)

    def action_back(self) -> None:
        self.dismiss(None)
