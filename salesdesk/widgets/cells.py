"""Fit Rich text to an exact number of terminal cells (wide characters count double)."""

from __future__ import annotations

from rich.text import Text


def fit(text: Text, width: int) -> Text:
    """Cut (by terminal cells, with an ellipsis) and pad to exactly ``width`` cells."""
    out = Text(end="")
    out.append_text(text)  # its style covers its characters, not the padding
    out.truncate(max(0, width), overflow="ellipsis", pad=True)
    return out


def two_sides(left: Text, right: Text, width: int) -> Text:
    """``left`` cut to leave room for ``right``, which is kept whole at the right end."""
    room = max(0, width - right.cell_len - (1 if right.cell_len else 0))
    line = fit(left, room)
    if right.cell_len:
        line.append(" ")
        line.append_text(right)
    return fit(line, width)
