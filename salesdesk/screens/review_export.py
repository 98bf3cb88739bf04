"""Ask where to write the weekly review's Markdown report (``e`` on the figures)."""

from __future__ import annotations

from pathlib import Path

from salesdesk.config import expand_path
from salesdesk.screens.form import FieldError, FormField, FormScreen


class ExportScreen(FormScreen[Path]):
    """Ask where to write the Markdown report."""

    def __init__(self, default: Path) -> None:
        super().__init__()
        self.default = default
        self.title_text = "Write the week's Markdown report"

    def form_fields(self) -> list[FormField]:
        return [FormField("path", "File", str(self.default), "review.md")]

    def hint(self) -> str:
        return "enter writes the file (replacing one of that name) · escape cancels"

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#f-path").focus()

    def parse(self) -> Path:
        text = self.value("path").strip()
        if not text:
            raise FieldError("path", "give a file name, e.g. review.md")
        path = self.check("path", expand_path, text)
        if path.is_dir():
            raise FieldError("path", "that is a folder: add a file name, e.g. review.md")
        if not path.parent.exists():
            raise FieldError("path", f"folder {path.parent} does not exist")
        return path

