"""The plan's ``n``: type to find the prospect to visit (name, company, phone or area)."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from salesdesk import keys
from salesdesk.data.visits import ProspectPick, search_prospects
from salesdesk.errors import SalesDeskError
from salesdesk.render.literal import literal_line
from salesdesk.rules.dates import short_date
from salesdesk.screens.base import SalesDeskModal
from salesdesk.text import one_line

SEARCH_DELAY = 0.15


def _day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


class ProspectPickScreen(SalesDeskModal[ProspectPick | None]):
    """Type to find the prospect to visit; ``enter`` picks the highlighted one."""

    BINDINGS = keys.PICK
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
