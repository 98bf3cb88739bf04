"""The touch form's kind line: ``call visit message email meeting note``, one letter each."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widget import Widget
from textual.widgets import Input

from salesdesk import keys


class KindChooser(Widget, can_focus=True):
    """One line of touch kinds; a letter picks one and moves on to the note."""

    DEFAULT_CSS = "KindChooser { height: 1; }"

    def __init__(self, kind: str = "call") -> None:
        super().__init__(classes="kind-choice", id="kind")
        self.kind = kind

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

    def on_key(self, event: events.Key) -> None:
        kinds = list(keys.TOUCH_KINDS.values())
        if event.character and event.character in keys.TOUCH_KINDS:
            self.choose(keys.TOUCH_KINDS[event.character])
        elif event.key in ("left", "right"):
            step = 1 if event.key == "right" else -1
            self.choose(kinds[(kinds.index(self.kind) + step) % len(kinds)])
            event.stop()
            return
        elif event.key != "enter":
            return
        event.stop()
        event.prevent_default()
        self.screen.query_one("#f-note", Input).focus()
