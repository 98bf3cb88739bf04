"""The plan screen's small forms: find a prospect, a visit's time and purpose, the outcome
of a visit, and the calendar export. Errors show under their field; nothing typed is lost."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from salesdesk.config import expand_path
from salesdesk.data.visits import ProspectPick, VisitRow, search_prospects
from salesdesk.errors import SalesDeskError
from salesdesk.render.literal import literal_line
from salesdesk.rules.dates import parse_next_date, short_date
from salesdesk.rules.planning import parse_minutes, parse_time
from salesdesk.screens.base import SalesDeskModal
from salesdesk.screens.form import FieldError, FormField, FormScreen
from salesdesk.text import one_line

SEARCH_DELAY = 0.15


def _day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


class ProspectPickScreen(SalesDeskModal[ProspectPick | None]):
    """Type to find the prospect to visit; ``enter`` picks the highlighted one."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "cursor(1)", "Next", show=False),
        Binding("up", "cursor(-1)", "Previous", show=False),
    ]
    DEFAULT_CSS = """
    ProspectPickScreen #pick-list { height: auto; max-height: 12; border: none; }
    """

    def __init__(self, day: date, today: date) -> None:
        super().__init__()
        self.day = day
        self.today = today
        self.picks: list[ProspectPick] = []
        self._timer: Timer | None = None
        self.searched = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                Text(f"Plan a visit on {_day_label(self.day)}: who?"), classes="dialog-title"
            )
            yield Input(placeholder="name, company, phone or area", id="pick-search")
            yield OptionList(id="pick-list")
            yield Static(
                "type to search · ↑↓ choose · enter picks · escape cancels", classes="hint"
            )

    def on_mount(self) -> None:
        self.add_class("modal")
        self.query_one("#pick-search", Input).focus()
        self.search("")

    def search(self, text: str) -> None:
        self.searched = text
        db = self.sd_app.db
        try:
            self.picks = search_prospects(db, text)
        except SalesDeskError as exc:
            self.notify(one_line(exc.message), severity="error", markup=False)
            return
        options = self.query_one("#pick-list", OptionList)
        options.clear_options()
        for pick in self.picks:
            line = literal_line(pick.name, style="bold")
            if pick.company:
                line.append(" ")
                line.append_text(literal_line(pick.company, style="dim"))
            if pick.area:
                line.append(" · ")
                line.append_text(literal_line(pick.area))
            state = pick.grade if pick.status == "live" else pick.status
            line.append(f"  {state}", style="dim")
            if pick.next_date:
                line.append(f"  next {short_date(pick.next_date, self.today)}", style="dim")
            options.add_option(Option(line, id=str(pick.id)))
        if not self.picks:
            message = "no card matches" if text.strip() else "no live cards or customers yet"
            options.add_option(Option(Text(message, style="dim"), disabled=True))
        else:
            options.highlighted = 0

    @on(Input.Changed, "#pick-search")
    def _changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SEARCH_DELAY, lambda: self.search(event.value))

    @on(Input.Submitted, "#pick-search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        if event.value != self.searched:  # typed faster than the search: search first
            self.search(event.value)
        self.pick(self.query_one("#pick-list", OptionList).highlighted)

    @on(OptionList.OptionSelected, "#pick-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.pick(event.option_index)

    def pick(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self.picks):
            self.notify("No prospect to pick: type part of a name", severity="warning")
            return
        self.dismiss(self.picks[index])

    def action_cursor(self, delta: int) -> None:
        options = self.query_one("#pick-list", OptionList)
        if delta > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class VisitEdit:
    start: str | None
    minutes: int | None
    purpose: str


class VisitEditScreen(FormScreen[VisitEdit]):
    """Time, length and purpose of a visit (new or planned)."""

    def __init__(
        self, title: str, start: str | None = None, minutes: int | None = None, purpose: str = ""
    ) -> None:
        super().__init__()
        self.title_text = title
        self.start = start
        self.minutes = minutes
        self.purpose = purpose

    def form_fields(self) -> list[FormField]:
        return [
            FormField("start", "Start time", self.start or "", "09:30, 2pm (empty: any time)"),
            FormField("minutes", "Length", str(self.minutes or ""), "minutes: 45, 1h30"),
            FormField("purpose", "Purpose", self.purpose, "demo, bring samples, 送样品..."),
        ]

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#f-start").focus()

    def parse(self) -> VisitEdit:
        text = self.value("start").strip()
        start = self.check("start", parse_time, text, fallback=None) if text else None
        minutes = self.check("minutes", parse_minutes, self.value("minutes"), fallback=None)
        return VisitEdit(start, minutes, " ".join(self.value("purpose").split()))


@dataclass(frozen=True)
class Outcome:
    note: str
    next_date: date | None
    next_action: str
    next_topic: str


class OutcomeScreen(FormScreen[Outcome]):
    """Mark a visit done: what was learned, the next step, the topic left for next time."""

    def __init__(self, visit: VisitRow, today: date) -> None:
        super().__init__()
        self.visit = visit
        self.today = today
        self.title_text = f"Visit to {one_line(visit.name)} done: the outcome"

    def form_fields(self) -> list[FormField]:
        keep = self.visit.next_date is not None and self.visit.next_date > self.today
        return [
            FormField("note", "What was learned", placeholder="the outcome, in a sentence"),
            FormField(
                "next_date",
                "Next step date",
                self.visit.next_date.isoformat() if keep and self.visit.next_date else "",
                "fri, +3d, 2026-12-01 (empty: none)",
            ),
            FormField(
                "next_action",
                "Next action",
                self.visit.next_action if keep else "",
                "call back, send quote...",
            ),
            FormField(
                "next_topic", "Topic for next time", placeholder="left open for the next visit"
            ),
        ]

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#f-note").focus()

    def parse(self) -> Outcome:
        note = self.value("note").strip()
        if not note:
            self.invalid("note", "write what was learned: it goes on the card's timeline")
        next_date = self.check(
            "next_date", parse_next_date, self.value("next_date"), self.today, fallback=None
        )
        return Outcome(
            note,
            next_date,
            self.value("next_action").strip(),
            self.value("next_topic").strip(),
        )


class ExportScreen(FormScreen[str]):
    """Write the shown period's visits to an .ics file; the result is the message to show."""

    def __init__(self, what: str, path: Path, write: Callable[[Path], int]) -> None:
        super().__init__()
        self.title_text = f"Export {what} to a calendar file (.ics)"
        self.path = path
        self.write = write

    def form_fields(self) -> list[FormField]:
        return [FormField("path", "File", str(self.path), "~/visits.ics")]

    def hint(self) -> str:
        return "enter writes the file (replacing it) · escape cancels"

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#f-path").focus()

    def parse(self) -> str:
        text = self.value("path").strip()
        if not text:
            raise FieldError("path", "give a file name, e.g. ~/visits.ics")
        path = self.check("path", expand_path, text)
        try:
            count = self.write(path)
        except SalesDeskError as exc:
            raise FieldError("path", exc.message) from None
        return f"Wrote {count} visit{'s' if count != 1 else ''} to {path}"
