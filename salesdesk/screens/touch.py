"""Log a touch: the note, the kind, the next step. ``t`` opens it in the note, so every
typed letter is the note's; the kind comes from the next step, the last touch or the
words, and is changed on the kind line (see :mod:`salesdesk.widgets.kind_chooser`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from textual.app import ComposeResult
from textual.widgets import Input

from salesdesk import keys
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.data.store import CardRow
from salesdesk.rules.dates import parse_next_date
from salesdesk.rules.step_kinds import default_touch_kind
from salesdesk.screens.form import FormField, FormScreen
from salesdesk.text import one_line
from salesdesk.widgets.kind_chooser import KindChooser


@dataclass(frozen=True)
class TouchResult:
    """What the form holds when saved: the touch, and the next step it leaves."""

    kind: str
    note: str
    next_date: date | None
    next_action: str
    next_topic: str

    def log(self, db: Database, now: datetime, prospect_id: int) -> int:
        """Store the touch and the next step it holds (an empty date: no next step)."""
        return store.log_touch(
            db,
            now,
            prospect_id,
            self.kind,
            self.note,
            next_date=self.next_date,
            next_action=self.next_action,
            next_topic=self.next_topic or None,
            clear_next=self.next_date is None,
        )


def touch_default(card: CardRow, today: date, last: str | None) -> tuple[str, str]:
    """The kind the form starts with and why: the step's when this touch is that step."""
    due = card.next_date is not None and card.next_date <= today and bool(card.next_kind)
    kind = default_touch_kind(card.next_kind, due, last)
    if due:
        return kind, "from the next step"
    return kind, ("from the last touch" if last else "")


class TouchScreen(FormScreen[TouchResult]):
    """The small form behind ``t``."""

    def __init__(
        self, card: CardRow, today: date, last_touch: str | None = None,
        *, kind: tuple[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.card = card
        self.today = today
        self.last_touch = last_touch
        self.kind = kind  # (kind, why) to start with, when the caller knows better
        self.title_text = f"Log a touch with {one_line(card.name)}"

    def compose_extra_top(self) -> ComposeResult:
        if self.kind is not None:  # given (Today's item): the words do not change it
            yield KindChooser(keys.TOUCH_KINDS, *self.kind, follows_words=False)
            return
        last = self.last_touch or store.last_touch(self.sd_app.db, self.card.id)
        kind, why = touch_default(self.card, self.today, last)
        yield KindChooser(keys.TOUCH_KINDS, kind, why)

    def form_fields(self) -> list[FormField]:
        keep = self.card.next_date is not None and self.card.next_date > self.today
        return [
            FormField("note", "Note", placeholder="what happened"),
            FormField(
                "next_date",
                "Next step date",
                self.card.next_date.isoformat() if keep and self.card.next_date else "",
                "fri, +3d, 2w, 2026-12-01",  # empty: the hint beside it says "none"
                date=True,
            ),
            FormField(
                "next_action",
                "Next action",
                self.card.next_action if keep else "",
                "call back, send quote...",
            ),
            FormField("next_topic", "Topic for next time", placeholder="optional"),
        ]

    def hint(self) -> str:
        return "shift+tab: the kind (c v m e g o, ← →) · enter saves · esc cancels"

    def on_mount(self) -> None:
        super().on_mount()
        # set_focus now, not focus() (a turn later): the keys typed right after t are the
        # note's, however fast they come.
        self.set_focus(self.query_one("#f-note", Input))

    def on_input_changed(self, event: Input.Changed) -> None:
        super().on_input_changed(event)
        if event.input.id == "f-note":
            self.query_one(KindChooser).follow_words(event.value)

    def parse(self) -> TouchResult:
        next_date = self.check(
            "next_date", parse_next_date, self.value("next_date"), self.today
        )
        return TouchResult(
            kind=self.query_one(KindChooser).kind,
            note=self.value("note"),
            next_date=next_date,
            next_action=self.value("next_action").strip(),
            next_topic=self.value("next_topic").strip(),
        )
