"""Log a touch: kind, note, next step. A call is ``t`` ``c`` (type the note) ``enter``; a
key that is not a kind letter starts the note (see :mod:`salesdesk.widgets.kind_chooser`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from textual.app import ComposeResult

from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.data.store import CardRow
from salesdesk.rules.dates import parse_next_date
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


class TouchScreen(FormScreen[TouchResult]):
    """The small form behind ``t``."""

    def __init__(self, card: CardRow, today: date) -> None:
        super().__init__()
        self.card = card
        self.today = today
        self.title_text = f"Log a touch with {one_line(card.name)}"

    def compose_extra_top(self) -> ComposeResult:
        yield KindChooser()

    def form_fields(self) -> list[FormField]:
        keep = self.card.next_date is not None and self.card.next_date > self.today
        return [
            FormField("note", "Note", placeholder="what happened"),
            FormField(
                "next_date",
                "Next step date",
                self.card.next_date.isoformat() if keep and self.card.next_date else "",
                "fri, +3d, 2w, 2026-12-01 (empty: none)",
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
        return ("c v m e g o picks the kind, any other key starts the note · enter saves · "
                "tab next field · escape cancels")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(KindChooser).focus()

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
