"""The board's filter field (``/``): hidden until asked for, filtering as you type."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input


class FilterBar(Vertical):
    """Posts :class:`FilterBar.Changed` at every character (the search index answers in
    milliseconds, so there is no waiting for typing to stop); ``enter`` keeps the filter,
    an empty one hides the bar."""

    @dataclass
    class Changed(Message):
        text: str

    @dataclass
    class Done(Message):
        """Enter was pressed: the keys go back to the board."""

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="filter: name, company, phone, notes… (enter keeps, escape clears)",
            id="filter-input",
            select_on_focus=False,  # open() selects the old filter itself, at once
        )

    @property
    def field(self) -> Input:
        return self.query_one("#filter-input", Input)

    @property
    def shown(self) -> bool:
        return self.has_class("visible")

    def open(self, text: str) -> None:
        """Show the field with ``text``, focused at once: letters typed right after ``/``
        (in the same burst) go into the filter, not to the board's keys."""
        self.add_class("visible")
        self.field.value = text
        self.field.select_all()  # typing replaces the old filter
        self.screen.set_focus(self.field)

    def close(self) -> None:
        """Hide and empty the field (without filtering: the board clears its filter)."""
        self.remove_class("visible")
        with self.prevent(Input.Changed):
            self.field.value = ""

    @on(Input.Changed, "#filter-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    @on(Input.Submitted, "#filter-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))
        if not event.value:
            self.remove_class("visible")
        self.post_message(self.Done())
