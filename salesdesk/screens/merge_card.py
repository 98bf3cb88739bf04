"""The card detail's ``ctrl+g``: merge another card into this one. The form names the
likely duplicates of this card and starts with the first one's id; the merge keeps every
activity, visit, phone and email (``u`` on the board undoes it)."""

from __future__ import annotations

from salesdesk.screens.form import FieldError, FormField, FormScreen
from salesdesk.text import one_line


class MergeScreen(FormScreen[int]):
    """Asks for the id of the card to fold into ``keep``; the result is that id."""

    def __init__(self, keep: int, name: str, likely: list[tuple[int, str, str]]) -> None:
        super().__init__()
        self.keep = keep
        self.likely = likely
        named = "; ".join(f"#{pid} {one_line(other)} ({reason})" for pid, other, reason in
                          likely[:3])
        self.title_text = (
            f"Merge another card into #{keep} {one_line(name)}"
            + (f". Likely duplicates: {named}" if named else ". No likely duplicate found")
        )

    def form_fields(self) -> list[FormField]:
        first = str(self.likely[0][0]) if self.likely else ""
        return [FormField("other", "Card id", first, "the id of the card to fold in")]

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#f-other").focus()

    def parse(self) -> int:
        text = self.value("other").strip().lstrip("#")
        if not text.isdecimal():
            raise FieldError("other", "type the id of a card (the number after #)")
        if int(text) == self.keep:
            raise FieldError("other", "that is this card: give the other one's id")
        return int(text)


def merge_message(other: int, moved: int) -> str:
    return (f"Merged #{other} into this card ({moved} activities, visits and contacts "
            "moved; u on the board undoes it)")
