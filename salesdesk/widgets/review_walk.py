"""The weekly review's walk-through view: the card shown, what changed since its last look,
and the keys with the cards up next (text from :mod:`salesdesk.render.review_walk`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from salesdesk.data.review_queue import CardChanges
from salesdesk.data.store import CardRow
from salesdesk.render.review_walk import card_text, changes_text, keys_text
from salesdesk.text import one_line


class WalkView(VerticalScroll):
    """One card of the walk-through, or what it says at the end."""

    DEFAULT_CSS = """
    WalkView #rv-card { height: auto; border: round $primary 60%; padding: 0 1; }
    WalkView #rv-changes { height: auto; padding: 0 1; }
    WalkView #rv-changes.error { color: $error; }
    WalkView #rv-keys { height: auto; padding: 0 1; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="rv-card")
        yield Static(id="rv-changes")
        yield Static(id="rv-keys")

    def show(
        self,
        card: CardRow,
        fields: dict[str, Any],
        changes: CardChanges,
        upcoming: Sequence[CardRow],
        left: int,
        today: date,
    ) -> None:
        """The card, what changed, the keys, the next few cards and how many follow."""
        box = self.query_one("#rv-card", Static)
        box.display = True
        box.update(card_text(card, fields, today))
        self._changes(changes_text(changes, today))
        self.query_one("#rv-keys", Static).update(keys_text(upcoming, left))

    def show_end(self, text: Text) -> None:
        """No card left: only what the walk-through says at its end."""
        self.query_one("#rv-card", Static).display = False
        self._changes(text)
        self.query_one("#rv-keys", Static).update("")

    def show_error(self, message: str) -> None:
        """The card could not be read (the database is busy...): one line, inline, in the
        colour of every inline error; the box of the card shown before is hidden."""
        self.query_one("#rv-card", Static).display = False
        self._changes(Text(one_line(message)), error=True)

    def _changes(self, text: Text, *, error: bool = False) -> None:
        changes = self.query_one("#rv-changes", Static)
        changes.update(text)
        changes.set_class(error, "error")
