"""Yes/no confirmation for changes that stop contact with a prospect."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from salesdesk import keys
from salesdesk.screens.base import SalesDeskModal


class ConfirmScreen(SalesDeskModal[bool]):
    """Ask a question; ``y`` confirms, ``n`` or escape cancels."""

    BINDINGS = keys.CONFIRM

    def __init__(self, question: Text | str) -> None:
        super().__init__()
        self.question = question if isinstance(question, Text) else Text(question)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-title")
            yield Static("y: yes   n / escape: no", classes="hint")

    def on_mount(self) -> None:
        self.add_class("modal")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
