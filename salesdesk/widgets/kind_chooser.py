"""The kind line of the ``t`` (touch) and ``d`` (next step) forms: ``call visit message
email meeting note``, one letter each, and why the kind shown is the one shown.

Typed letters always go into the text fields: the form opens in the note (``t``) or the
date (``d``), so ``t`` ``Spoke`` logs "Spoke" and ``t`` ``met them`` "met them", every
letter kept. The kind is never typed by accident:

- it starts as the rule of :mod:`salesdesk.rules.step_kinds` gives it (the next step's
  kind, the last touch, a call) and follows the words typed (``met them`` is a meeting,
  ``发了微信`` a message) until it is chosen by hand;
- it is chosen on this line, which ``shift+tab`` reaches from the first field (``tab``
  from the last one): there ``c v m e g o`` pick a kind and go back to the text, ``←``
  ``→`` step through the kinds, ``enter`` / ``tab`` / ``↓`` go back keeping it; any other
  key goes into the text, so nothing typed here is lost either.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widget import Widget
from textual.widgets import Input

from salesdesk.rules.step_kinds import kind_from_words


class KindChooser(Widget, can_focus=True):
    """One line of kinds; shows the kind, why it is that one, and how to change it."""

    DEFAULT_CSS = "KindChooser { height: auto; }"  # wraps on a narrow terminal

    def __init__(
        self,
        kinds: Mapping[str, str],
        kind: str,
        why: str = "",
        *,
        note_id: str = "f-note",
        follows_words: bool = True,
    ) -> None:
        super().__init__(classes="kind-choice", id="kind")
        self.kinds = dict(kinds)  # letter -> kind
        self.default = kind
        self.kind = kind
        self.why = why
        self.default_why = why
        self.chosen = False  # chosen by hand: the words no longer change it
        self.follows_words = follows_words  # False: the kind was given (Today's item)
        self._note_id = note_id

    def render(self) -> Text:
        text = Text("Kind: ", style="dim")
        for letter, kind in self.kinds.items():
            style = "bold reverse" if kind == self.kind else ""
            at = kind.index(letter) if letter in kind else -1
            part = Text(f" {kind} ", style=style)
            if at >= 0 and self.has_focus:
                part.stylize("underline bold", at + 1, at + 2)
            text.append_text(part)
        why = "chosen" if self.chosen else self.why
        if self.has_focus:
            tails = ["  letter or ← → picks, enter goes back", "  letter or ← → picks",
                     "  letter or ← →", ""]
        else:
            tails = [f"  {why} · shift+tab changes" if why else "  shift+tab changes",
                     f"  {why}" if why else "", ""]
        # On a narrow form the longer tail would wrap the kinds over two lines: the form's
        # hint says how to change the kind too.
        room = self.size.width or 10_000  # 0 before the first layout: see on_resize
        tail = next((t for t in tails if text.cell_len + cell_len(t) <= room), tails[-1])
        text.append(tail, style="dim")
        return text

    def on_resize(self) -> None:
        self.refresh()  # the tail chosen depends on the width

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def choose(self, kind: str, *, by_hand: bool = True) -> None:
        self.kind = kind
        self.chosen = self.chosen or by_hand
        self.refresh()

    def follow_words(self, text: str) -> None:
        """The kind the typed words name (``met them``: meeting), unless chosen by hand;
        back to the default when they name none."""
        if self.chosen or not self.follows_words:
            return
        found = kind_from_words(text)
        kind = found if found and found in self.kinds.values() else self.default
        if kind != self.kind:
            self.kind = kind
            self.why = "from the words" if found else self.default_why
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
        kinds = list(self.kinds.values())
        if event.key in ("left", "right"):
            step = 1 if event.key == "right" else -1
            self.choose(kinds[(kinds.index(self.kind) + step) % len(kinds)])
        elif event.character and event.character in self.kinds:
            self.choose(self.kinds[event.character])
            self._to_note()
        elif event.key in ("enter", "tab", "down"):
            self._to_note()
        elif event.is_printable and event.character:
            self._to_note(event.character)  # never lost: it goes into the text
        else:
            return
        event.stop()
        event.prevent_default()

    def on_paste(self, event: events.Paste) -> None:
        """A paste on the kind line goes into the text."""
        event.stop()
        self._to_note(event.text)
