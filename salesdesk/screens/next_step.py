"""The ``d`` form: set the next-step date, action and kind of a card. It opens in the date
(typing replaces it); the kind follows the action's words (``visit with samples``,
``打电话``) until it is chosen on the kind line (``shift+tab`` from the date)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.widgets import Input

from salesdesk import keys
from salesdesk.data import store
from salesdesk.data.store import CardRow
from salesdesk.rules.dates import parse_next_date
from salesdesk.rules.step_kinds import default_step_kind, kind_from_words
from salesdesk.screens.form import FormField, FormScreen
from salesdesk.text import one_line
from salesdesk.widgets.kind_chooser import KindChooser


@dataclass(frozen=True)
class NextStep:
    next_date: date | None
    action: str
    kind: str | None = None  # None: worked out by the store (the words, the last touch)


class NextStepScreen(FormScreen[NextStep]):
    def __init__(self, card: CardRow, today: date) -> None:
        super().__init__()
        self.card = card
        self.today = today
        self.title_text = f"Next step for {one_line(card.name)}"

    def compose_extra_top(self) -> ComposeResult:
        if self.card.next_kind:
            kind, why = self.card.next_kind, "the step's"
        else:
            last = store.last_touch(self.sd_app.db, self.card.id)
            kind = default_step_kind(self.card.next_action, last)
            why = "from the words" if kind_from_words(self.card.next_action) else (
                "from the last touch" if last else "")
        yield KindChooser(keys.STEP_KINDS, kind, why, note_id="f-next_date")

    def form_fields(self) -> list[FormField]:
        current = self.card.next_date.isoformat() if self.card.next_date else ""
        return [
            FormField("next_date", "Date (empty clears it)", current, "tomorrow, fri, +3d, 2w",
                      date=True),
            FormField("next_action", "Action", self.card.next_action, "call back, send quote..."),
        ]

    def hint(self) -> str:
        return ("enter saves · tab next field · shift+tab: the kind (c v g m e o, ← →) · "
                "escape cancels")

    def on_mount(self) -> None:
        super().on_mount()
        field = self.query_one("#f-next_date", Input)
        self.set_focus(field)
        field.select_all()  # typing replaces the old date, the most common edit

    def on_input_changed(self, event: Input.Changed) -> None:
        super().on_input_changed(event)
        if event.input.id == "f-next_action":
            chooser = self.query_one(KindChooser)
            if event.value != self.card.next_action or not self.card.next_kind:
                chooser.follow_words(event.value)

    def parse(self) -> NextStep:
        day = self.check("next_date", parse_next_date, self.value("next_date"), self.today)
        return NextStep(day, self.value("next_action").strip(), self.query_one(KindChooser).kind)
