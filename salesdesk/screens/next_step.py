"""The ``d`` form: set the next-step date (and action) of a card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.widgets import Input

from salesdesk.data.store import CardRow
from salesdesk.rules.dates import parse_next_date
from salesdesk.screens.form import FormField, FormScreen
from salesdesk.text import one_line


@dataclass(frozen=True)
class NextStep:
    next_date: date | None
    action: str


class NextStepScreen(FormScreen[NextStep]):
    def __init__(self, card: CardRow, today: date) -> None:
        super().__init__()
        self.card = card
        self.today = today
        self.title_text = f"Next step for {one_line(card.name)}"

    def form_fields(self) -> list[FormField]:
        current = self.card.next_date.isoformat() if self.card.next_date else ""
        return [
            FormField("next_date", "Date (empty clears it)", current, "tomorrow, fri, +3d, 2w",
                      date=True),
            FormField("next_action", "Action", self.card.next_action, "call back, send quote..."),
        ]

    def on_mount(self) -> None:
        super().on_mount()
        field = self.query_one("#f-next_date", Input)
        field.focus()
        field.select_all()  # typing replaces the old date, the most common edit

    def parse(self) -> NextStep:
        day = self.check("next_date", parse_next_date, self.value("next_date"), self.today)
        return NextStep(day, self.value("next_action").strip())
