"""The ``W`` form: mark a card won, with the deal value."""

from __future__ import annotations

from dataclasses import dataclass

from salesdesk.data.store import CardRow
from salesdesk.rules.fields import parse_money
from salesdesk.screens.form import FormField, FormScreen
from salesdesk.text import one_line


@dataclass(frozen=True)
class Won:
    """The deal value, or None when left empty (the card keeps its estimated value)."""

    value: float | None


class WonScreen(FormScreen[Won]):
    def __init__(self, card: CardRow) -> None:
        super().__init__()
        self.card = card
        self.title_text = f"Won {one_line(card.name)}: it becomes a customer"

    def form_fields(self) -> list[FormField]:
        value = f"{self.card.value:.0f}" if self.card.value else ""
        return [FormField("value", "Deal value", value, "12000 or 12k")]

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#f-value").focus()

    def parse(self) -> Won:
        text = self.value("value")
        if not text.strip():
            return Won(None)
        return Won(float(self.check("value", parse_money, text)))
