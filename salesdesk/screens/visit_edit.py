"""A visit's time, length and purpose (a new visit, or ``t`` on a planned one)."""

from __future__ import annotations

from dataclasses import dataclass

from salesdesk.rules.planning import parse_minutes, parse_time
from salesdesk.screens.form import FormField, FormScreen


@dataclass(frozen=True)
class VisitEdit:
    start: str | None
    minutes: int | None
    purpose: str


class VisitEditScreen(FormScreen[VisitEdit]):
    """Time, length and purpose of a visit (new or planned)."""

    def __init__(
        self, title: str, start: str | None = None, minutes: int | None = None, purpose: str = ""
    ) -> None:
        super().__init__()
        self.title_text = title
        self.start = start
        self.minutes = minutes
        self.purpose = purpose

    def form_fields(self) -> list[FormField]:
        return [
            FormField("start", "Start time", self.start or "", "09:30, 2pm (empty: any time)"),
            FormField("minutes", "Length", str(self.minutes or ""), "minutes: 45, 1h30"),
            FormField("purpose", "Purpose", self.purpose, "demo, bring samples, 送样品..."),
        ]

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#f-start").focus()

    def parse(self) -> VisitEdit:
        text = self.value("start").strip()
        start = self.check("start", parse_time, text, fallback=None) if text else None
        minutes = self.check("minutes", parse_minutes, self.value("minutes"), fallback=None)
        return VisitEdit(start, minutes, " ".join(self.value("purpose").split()))
