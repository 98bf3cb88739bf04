"""Check-in conflicts as Rich text, for ``salesdesk conflicts`` and the Conflicts screen:
which row, and each field that differs between this file's version and the server's,
user text shown literally."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from salesdesk.render import palette
from salesdesk.render.literal import literal_line

#: Columns that differ on every conflict and say nothing to the rep.
_QUIET = ("id", "updated_at", "_parents")


def conflict_name(row: dict[str, Any]) -> str:
    """A row's own words: a card's name, an entry's note, a visit's purpose..."""
    for key in ("name", "note", "purpose", "said"):
        if row.get(key):
            return str(row[key])
    return ""


def conflict_title(conflict_id: int, table: str, mine: dict[str, Any],
                   theirs: dict[str, Any]) -> Text:
    """``3  prospect  Eve · removed here``."""
    line = Text(f"{conflict_id:>3}  {table:<9} ", style="bold")
    line.append_text(literal_line(conflict_name(mine or theirs)))
    if not mine:
        line.append("  · removed here, changed on the server", style=palette.WARNING_TEXT)
    return line


def differences(mine: dict[str, Any], theirs: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, mine, server) for each field that differs, in the row's order."""
    if not mine:
        return []
    return [(key, mine[key], theirs.get(key)) for key in mine
            if key not in _QUIET and theirs.get(key) != mine[key]]


def difference_lines(mine: dict[str, Any], theirs: dict[str, Any]) -> list[Text]:
    """``    notes: mine 'said on the road'  server 'said at the office'``."""
    if not mine:
        return [Text("    removed here, changed on the server since (or the server's own rows "
                     "hang on it): mine removes it, theirs puts it back here", style="dim")]
    lines = []
    for key, here, there in differences(mine, theirs):
        line = Text(f"    {key}: ", style="bold")
        line.append("mine ", style="dim")
        line.append_text(literal_line(repr(here)))
        line.append("  server ", style="dim")
        line.append_text(literal_line(repr(there)))
        lines.append(line)
    return lines
