"""The touch form's kind line: ``call visit message email meeting note``, one letter each.

The line has the focus when the form opens. What the first key does:

- a kind letter (lower case: ``c v m e g o``) picks that kind and moves on to the note:
  ``t`` ``c`` ``rang back`` logs a call "rang back";
- any other key that types something starts the note with that very key, under the kind
  the line already shows (the card's default): ``t`` ``Spoke to them`` is a note "Spoke to
  them", every letter kept. A capital starts the note too, so ``Met them`` is never read
  as ``m`` (message) + "et them";
- ``enter``, ``tab`` or ``↓`` go to the note keeping the kind; ``←`` ``→`` change the kind.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widget import Widget
from textual.widgets import Input

from salesdesk import keys


class KindChooser(Widget, can_focus=True):
    """One line of touch kinds; a letter picks one and moves on to the note."""

    DEFAULT_CSS = "KindChooser { height: auto; }"  # wraps on a narrow terminal

    def __init__(self, kind: str = "call", *, note_id: str = "f-note") -> None:
        super().__init__(classes="kind-choice", id="kind")
        self.kind = kind
        self._note_id = note_id

    def render(self) -> Text:
        text = Text("Kind: ", style="dim")
        for letter, kind in keys.TOUCH_KINDS.items():
            chosen = kind == self.kind
            style = "bold reverse" if chosen else ""
            at = kind.index(letter) if letter in kind else -1
            part = Text(f" {kind} ", style=style)
            if at >= 0:
                part.stylize("underline bold", at + 1, at + 2)
            text.append_text(part)
            text.append(" ")
        return text

    def choose(self, kind: str) -> None:
        self.kind = kind
        self.refresh()

    @property
    def note(self) -> Input:
        return self.screen.query_one(f"#{self._note_id}", Input)

    def _to_note(self, typed: str = "") -> None:
        # set_focus at once (not focus(), which waits a turn): the keys after this one
        # go to the note.
        note = self.note
        self.screen.set_focus(note)
        if typed:
            note.insert_text_at_cursor(typed)

    def on_key(self, event: events.Key) -> None:
        kinds = list(keys.TOUCH_KINDS.values())
        if event.key in ("left", "right"):
            step = 1 if event.key == "right" else -1
            self.choose(kinds[(kinds.index(self.kind) + step) % len(kinds)])
        elif event.character and event.character in keys.TOUCH_KINDS:
            self.choose(keys.TOUCH_KINDS[event.character])
            self._to_note()
        elif event.key in ("enter", "tab", "down"):
            self._to_note()
        elif event.is_printable and event.character:
            self._to_note(event.character)  # the note starts with this very key
        else:
            return
        event.stop()
        event.prevent_default()

    def on_paste(self, event: events.Paste) -> None:
        """A paste on the kind line is the note."""
        event.stop()
        self._to_note(event.text)
