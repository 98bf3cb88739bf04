"""The plan's ``e``: write the shown week's or month's visits to an .ics file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from salesdesk.config import expand_path
from salesdesk.errors import SalesDeskError
from salesdesk.screens.form import FieldError, FormField, FormScreen


class ExportScreen(FormScreen[str]):
    """Write the shown period's visits to an .ics file; the result is the message to show."""

    def __init__(self, what: str, path: Path, write: Callable[[Path], int]) -> None:
        super().__init__()
        self.title_text = f"Export {what} to a calendar file (.ics)"
        self.path = path
        self.write = write

    def form_fields(self) -> list[FormField]:
        return [FormField("path", "File", str(self.path), "~/visits.ics")]

    def hint(self) -> str:
        return "enter writes the file (replacing it) · escape cancels"

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#f-path").focus()

    def parse(self) -> str:
        text = self.value("path").strip()
        if not text:
            raise FieldError("path", "give a file name, e.g. ~/visits.ics")
        path = self.check("path", expand_path, text)
        try:
            count = self.write(path)
        except SalesDeskError as exc:
            raise FieldError("path", exc.message) from None
        return f"Wrote {count} visit{'s' if count != 1 else ''} to {path}"
