"""The ``?`` screen, generated from the bindings (keys are data: nothing written twice)."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from salesdesk import keys
from salesdesk.keys import key_label
from salesdesk.render import palette
from salesdesk.render.marks import marks_table
from salesdesk.screens.base import SalesDeskModal
from salesdesk.widgets.fitting_footer import FittingFooter


def bindings_table(bindings: list[Binding]) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style=palette.KEY_NAME, no_wrap=True)
    table.add_column()
    seen: set[str] = set()
    for binding in bindings:
        if not binding.description or binding.action in seen:
            continue
        seen.add(binding.action)
        table.add_row(key_label(binding), binding.tooltip or binding.description)
    return table


class HelpScreen(SalesDeskModal[None]):
    """Every key of the screen underneath, and the app's own."""

    BINDINGS = keys.HELP

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        own = [b for b in getattr(self.under, "BINDINGS", []) if isinstance(b, Binding)]
        everywhere = [b for b in keys.APP if isinstance(b, Binding)]
        everywhere.append(Binding("ctrl+p", "palette", "Command palette: every action"))
        self.tables = (bindings_table(own), bindings_table(everywhere))
        with VerticalScroll(classes="dialog", id="help-body"):
            yield Static(
                Text(f"Keys — {getattr(self.under, 'HELP_TITLE', 'this screen')}", style="bold"),
                classes="dialog-title",
            )
            yield Static(self.tables[0])
            if getattr(self.under, "SHOWS_MARKS", False):
                yield Static(Text("\nMarks on a card", style="bold"))
                yield Static(marks_table())
            yield Static(Text("\nEverywhere", style="bold"))
            yield Static(self.tables[1])
            yield Static(Text("\nesc / q / ? closes this help", style="dim"))
        yield FittingFooter()

    def on_mount(self) -> None:
        self.add_class("modal")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
