"""The board's filter field (``/``): hidden until asked for, filtering as you type.

The field is one row and stands in the row of the widget it covers (the board's status
line) while it is shown: the columns keep their height, so opening and closing it draws
that row and the Footer, not every card again. (Docked under the cards as a bordered
field three rows high, ``/`` and Escape each laid the columns out again and repainted the
screen: 130-170 ms at any size.)"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widgets import Input, Static

FILTER_DELAY = 0.15  # seconds of no typing before a filter of short words (a scan) runs


def indexed(text: str) -> bool:
    """Whether every word is long enough for the filter's trigram index (three characters
    or more), or there is none: the board then filters with each character typed."""
    return all(len(word) >= 3 for word in text.split())


class FilterInput(Input):
    """The filter's field. Textual's Input sets its scrollable width with each character,
    and a widget's ``virtual_size`` lays out the whole screen when it changes: with the
    board under it, that layout and the full repaint after it were most of a character's
    time. The field's size is fixed (one line, the bar's width), its text scrolls inside
    it: only the field is repainted."""

    virtual_size = Reactive(Size(0, 0), layout=False)

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        bar = self.parent
        if isinstance(bar, FilterBar):
            bar.typed_now(value)


class FilterBar(Horizontal):
    """Filters with each character typed when the board answers every filter at once
    (``instant``: an SQLite file, see :mod:`salesdesk.data.board_text`) or the trigram
    index answers every word: ``answer`` is called inside the key (see :meth:`typed_now`);
    else :class:`FilterBar.Changed` is posted a moment after typing stops (at once on
    enter). ``enter`` keeps the filter (the board's header shows it) and hides the bar;
    ``covers`` is the selector of the widget whose row the bar takes while shown."""

    @dataclass
    class Changed(Message):
        text: str

    @dataclass
    class Done(Message):
        """Enter was pressed: the keys go back to the board."""

    def __init__(self, *, id: str | None = None,
                 answer: Callable[[str], None] | None = None, covers: str = "") -> None:
        super().__init__(id=id)
        self._timer: Timer | None = None
        self._covers = covers
        self.instant = False
        self._answer = answer

    def typed_now(self, text: str) -> None:
        """The field's text just changed, inside the key that changed it: a filter answered
        at once is applied now, by ``answer``, not a message later. The board's columns
        then ask to be drawn with the field, and the screen draws both in one frame: after
        a message hop the field was drawn first, the board a frame (~20 ms) later. Nothing
        while the bar is hidden (it is being emptied)."""
        answer = self._answer
        if answer is not None and self.shown and (self.instant or indexed(text)):
            self._stop()
            answer(text)

    def compose(self) -> ComposeResult:
        yield Static("/", id="filter-prompt")
        yield FilterInput(
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
        self._show(True)
        self.field.value = text
        self.field.select_all()  # typing replaces the old filter
        self.screen.set_focus(self.field)

    def close(self) -> None:
        """Hide and empty the field (without filtering: the board clears its filter)."""
        self._stop()
        self._show(False)
        with self.prevent(Input.Changed):
            self.field.value = ""

    def _show(self, shown: bool) -> None:
        """Show the bar in the covered widget's row, or give the row back."""
        self.set_class(shown, "visible")
        if self._covers and self.is_attached:
            for covered in self.screen.query(self._covers):
                covered.display = not shown

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()

    @on(Input.Changed, "#filter-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._stop()
        text = event.value
        if self.instant or indexed(text):  # answered at once: no waiting
            if self._answer is None:  # (else typed_now did, as it was typed)
                self.post_message(self.Changed(text))
            return
        self._timer = self.set_timer(FILTER_DELAY, lambda: self.post_message(self.Changed(text)))

    @on(Input.Submitted, "#filter-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._stop()
        self.post_message(self.Changed(event.value))
        self._show(False)
        self.post_message(self.Done())
