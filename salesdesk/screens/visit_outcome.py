"""The plan's ``d``: a visit done, with what was learned and the next step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from salesdesk.data.visits import VisitRow
from salesdesk.rules.dates import parse_next_date
from salesdesk.screens.form import FormField, FormScreen
from salesdesk.text import one_line


@dataclass(frozen=True)
class Outcome:
    note: str
    next_date: date | None
    next_action: str
    next_topic: str


class OutcomeScreen(FormScreen[Outcome]):
    """Mark a visit done: what was learned, the next step, the topic left for next time."""

    def __init__(self, visit: VisitRow, today: date) -> None:
        super().__init__()
        self.visit = visit
        self.today = today
        self.title_text = f"Visit to {one_line(visit.name)} done: the outcome"

    def form_fields(self) -> list[FormField]:
        keep = self.visit.next_date is not None and self.visit.next_date > self.today
        return [
            FormField("note", "What was learned", placeholder="the outcome, in a sentence"),
            FormField(
                "next_date",
                "Next step date",
                self.visit.next_date.isoformat() if keep and self.visit.next_date else "",
                "fri, +3d, 2026-12-01 (empty: none)",
                date=True,
            ),
            FormField(
                "next_action",
                "Next action",
                self.visit.next_action if keep else "",
                "call back, send quote...",
            ),
            FormField(
                "next_topic", "Topic for next time", placeholder="left open for the next visit"
            ),
        ]

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#f-note").focus()

    def parse(self) -> Outcome:
        note = self.value("note").strip()
        if not note:
            self.invalid("note", "write what was learned: it goes on the card's timeline")
        next_date = self.check(
            "next_date", parse_next_date, self.value("next_date"), self.today, fallback=None
        )
        return Outcome(
            note,
            next_date,
            self.value("next_action").strip(),
            self.value("next_topic").strip(),
        )
