"""The weekly review's ``w`` on a team server: whose week the figures show, the whole
team's or one rep's (a lead's choice; a rep is only ever shown their own)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from salesdesk import keys
from salesdesk.render.literal import literal_line
from salesdesk.screens.base import SalesDeskModal

#: The option that stands for the whole team (a rep's name never starts with ``*``).
TEAM = "*team"


class RepPickScreen(SalesDeskModal[str | None]):
    """Choose whose week: dismisses with a rep's name, :data:`TEAM`, or None (escape)."""

    BINDINGS = keys.PICK
    DEFAULT_CSS = """
    RepPickScreen #rep-list { height: auto; max-height: 14; border: none; }
    """

    def __init__(self, reps: tuple[str, ...], current: str | None) -> None:
        super().__init__()
        self.reps = reps
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("Whose week?"), classes="dialog-title")
            options = [Option(Text("the team (every rep)"), id=TEAM)]
            options += [Option(literal_line(rep), id=rep) for rep in self.reps]
            yield OptionList(*options, id="rep-list")
            yield Static("↑↓ choose · enter shows that week · escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.add_class("modal")
        chooser = self.query_one("#rep-list", OptionList)
        chooser.highlighted = (self.reps.index(self.current) + 1
                               if self.current in self.reps else 0)
        chooser.focus()

    @on(OptionList.OptionSelected, "#rep-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cursor(self, delta: int) -> None:
        chooser = self.query_one("#rep-list", OptionList)
        if delta > 0:
            chooser.action_cursor_down()
        else:
            chooser.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
