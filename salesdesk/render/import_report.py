"""An import's preview (or result) as Rich text: how the columns were understood, the
counts, duplicates, errors and the first new cards. User text is shown literally."""

from __future__ import annotations

from rich.text import Text

from salesdesk.data.io.importer import DuplicateRow, ImportResult
from salesdesk.render import palette
from salesdesk.render.literal import literal_line
from salesdesk.rules.fields import plural

SHOWN_ERRORS = 30
SHOWN_DUPLICATES = 15
SHOWN_NEW = 8


def report_text(result: ImportResult) -> Text:
    """The preview (or result) of an import as Rich text; user text is shown literally."""
    text = Text()
    _columns(text, result)
    text.append("\n")
    text.append(result.summary()[:1].upper() + result.summary()[1:] + "\n", style="bold")
    if result.duplicates:
        _duplicates(text, result, "Duplicates", result.duplicates, result.duplicate_count)
    if result.possible:
        _duplicates(
            text, result, "Possible duplicates (imported: look at them with salesdesk "
            "duplicates, merge with salesdesk merge)", result.possible, result.possible_count,
        )
    for hint in result.hints:
        text.append("Note: ", style=palette.CLI_WARNING)
        text.append_text(literal_line(hint))
        text.append("\n")
    if result.errors:
        _errors(text, result)
    if result.options.dry_run and result.new_rows:
        _new_cards(text, result)
    return text


def _columns(text: Text, result: ImportResult) -> None:
    """The file, what it is, and how its columns were understood."""
    unit = result.unit
    text.append_text(literal_line(result.file, style="bold"))
    text.append(
        f" — {result.description}, {plural(result.records + result.error_rows, unit)}\n"
    )
    if result.mapping and unit == "row":
        text.append("Columns: ", style="dim")
        for index, (column, field) in enumerate(result.mapping):
            if index:
                text.append(", ")
            text.append_text(literal_line(column))
            text.append(f" → {field}", style=palette.CLI_NOTE)
        text.append("\n")
    if result.unmapped:
        kept = result.options.keep_extra
        text.append("Kept in the notes: " if kept else "Not imported: ", style=palette.CLI_WARNING)
        text.append_text(literal_line(", ".join(result.unmapped)))
        if not kept:
            text.append("  (tick 'Keep extra columns in notes' to keep them)", style="dim")
        text.append("\n")


def _duplicates(
    text: Text, result: ImportResult, title: str, listed: list[DuplicateRow], count: int
) -> None:
    unit = result.unit
    text.append(f"\n{title} ({count:,})\n", style="bold")
    for dup in listed[:SHOWN_DUPLICATES]:
        where = (
            f"{unit} {dup.existing_row}"
            if dup.existing_row is not None
            else f"#{dup.existing_id} {dup.existing_name}"
        )
        text.append(f"  {unit} {dup.row:<5} ")
        text.append_text(literal_line(dup.name))
        text.append(f": {dup.reason} as ")
        text.append_text(literal_line(where))
        text.append(f" → {dup.action}\n", style="dim")
    if count > SHOWN_DUPLICATES:
        text.append(f"  … {count - SHOWN_DUPLICATES:,} more\n", style="dim")


def _errors(text: Text, result: ImportResult) -> None:
    unit = result.unit
    text.append(f"\nErrors ({plural(result.error_rows, unit)})\n", style=palette.CLI_ALERT)
    for error in result.errors[:SHOWN_ERRORS]:
        text.append(f"  {unit} {error.row}, ")
        text.append_text(literal_line(error.column, style="bold"))
        text.append(": ")
        text.append_text(literal_line(error.reason))
        text.append("\n")
    if len(result.errors) > SHOWN_ERRORS:
        text.append("  … more: see every one with salesdesk import FILE --dry-run\n",
                    style="dim")


def _new_cards(text: Text, result: ImportResult) -> None:
    text.append("\nNew prospects\n", style="bold")
    for new in result.new_rows[:SHOWN_NEW]:
        text.append(f"  {result.unit} {new.row:<5} ")
        text.append_text(literal_line(new.name, style="bold"))
        details = " · ".join(x for x in (new.company, new.phone, new.email) if x)
        if details:
            text.append("  ")
            text.append_text(literal_line(details))
        text.append("\n")
    if result.created > SHOWN_NEW:
        text.append(f"  … {result.created - SHOWN_NEW:,} more\n", style="dim")
