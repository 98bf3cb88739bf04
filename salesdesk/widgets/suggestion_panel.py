"""The visit plan's side panel: the suggestions for the shown period, or why there are
none, and what ``a`` / ``A`` do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from salesdesk.render.plan_lines import plan_hint, suggestion_text, suggestions_title
from salesdesk.rules.planning import Period, Suggestion, Suggestions


class SuggestionPanel(Vertical):
    """A title, the suggestions (an OptionList: one option per suggestion), a hint."""

    def __init__(self) -> None:
        super().__init__(id="plan-side")
        self.found: Suggestions | None = None
        self.waiting = 0  # suggestions without room in the period

    def compose(self) -> ComposeResult:
        yield Static(id="side-title")
        yield Static(id="side-empty")
        yield OptionList(id="suggestions")
        yield Static(id="side-hint")

    @property
    def options(self) -> OptionList:
        return self.query_one("#suggestions", OptionList)

    def _empty(self, message: Text) -> None:
        empty = self.query_one("#side-empty", Static)
        empty.update(message)
        empty.display = True
        self.options.display = False

    def show_working(self) -> None:
        """The suggestions are being worked out."""
        self.found = None
        self.waiting = 0
        self.query_one("#side-title", Static).update(suggestions_title(None))
        self._empty(Text("working out who to see…", style="dim"))

    def show(
        self, found: Suggestions, period: Period, today: date, day: date,
        why_empty: Callable[[], str],
    ) -> None:
        """The period's suggestions; ``why_empty`` says what to do when there are none."""
        self.found = found
        self.waiting = sum(1 for s in found if s.day is None) + found.more
        self.show_hint(day)
        # The count is what the list holds (placed here, later, or without room), so the
        # title and the panel never disagree.
        self.query_one("#side-title", Static).update(suggestions_title(len(found.items)))
        if not found.items:
            self._empty(Text(why_empty(), style="dim"))
            return
        self.query_one("#side-empty", Static).display = False
        options = self.options
        options.display = True
        keep = options.highlighted or 0
        options.clear_options()
        options.add_options(
            [Option(suggestion_text(s, period, today), id=str(s.prospect_id)) for s in found]
        )
        options.highlighted = min(keep, len(found) - 1)

    def show_hint(self, day: date) -> None:
        self.query_one("#side-hint", Static).update(plan_hint(day, self.waiting))

    @property
    def suggestion(self) -> Suggestion | None:
        """The highlighted suggestion, if any."""
        if self.found is None or not self.found.items:
            return None
        index = self.options.highlighted
        if index is None or not 0 <= index < len(self.found.items):
            return None
        return self.found.items[index]
