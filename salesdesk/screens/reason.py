"""The ``x`` and ``X`` form: drop or lose a card, saying why (a reason of the short list,
by number or word, and the rep's own words). Escape cancels: the card stays as it was."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from salesdesk.data.store import CardRow
from salesdesk.enums import Status
from salesdesk.rules.reasons import parse_reason, reason_menu
from salesdesk.screens.form import FormField, FormScreen
from salesdesk.text import one_line


@dataclass(frozen=True)
class Closing:
    """Why the card goes: a reason key (None: not said) and the rep's words."""

    reason: str | None
    note: str


class ReasonScreen(FormScreen[Closing]):
    def __init__(self, card: CardRow, status: Status) -> None:
        super().__init__()
        self.card = card
        self.status = status
        name = one_line(card.name)
        self.title_text = (
            f"Drop {name} and stop contact? Why?" if status == Status.DROPPED
            else f"Lost {name}: why?"
        )

    def compose_extra_top(self) -> ComposeResult:
        yield Static(Text(reason_menu()), classes="hint")

    def form_fields(self) -> list[FormField]:
        return [
            FormField("reason", "Reason", placeholder="1-6 or a word (may stay empty)"),
            FormField("why", "In your words", placeholder="went with Acme, price 20% lower"),
        ]

    def hint(self) -> str:
        verb = "drops" if self.status == Status.DROPPED else "marks it lost"
        return f"enter {verb} · tab next field · escape cancels (nothing changes)"

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#f-reason").focus()

    def parse(self) -> Closing:
        reason = self.check("reason", parse_reason, self.value("reason"))
        return Closing(reason, " ".join(self.value("why").split()))
