"""Fit Rich text to an exact number of terminal cells (wide characters count double)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size

if TYPE_CHECKING:  # (Text is imported when first used: `list` piped prints without it)
    from rich.text import Text


def cut(plain: str, width: int) -> str:
    """``plain`` cut to ``width`` cells with an ellipsis (as is when it fits).

    When the cut falls inside a wide character (Chinese), the ellipsis follows the last
    whole character and the spare cell goes after it: "华信科…" plus a space, not
    "华信科 …".
    """
    if cell_len(plain) <= width:
        return plain
    if width <= 0:
        return ""
    head = set_cell_size(plain, width - 1)
    if cell_len(head[:-1]) == width - 2 and head.endswith(" ") and plain[len(head) - 1] != " ":
        return head[:-1] + "… "  # set_cell_size padded half a wide character
    return head + "…"


def fit(text: Text, width: int) -> Text:
    """Cut (by terminal cells, with an ellipsis) and pad to exactly ``width`` cells."""
    from rich.text import Text

    out = Text(end="")
    out.append_text(text)  # its style covers its characters, not the padding
    width = max(0, width)
    if out.cell_len > width:
        out.plain = cut(out.plain, width)
    out.truncate(width, pad=True)
    return out


def two_sides(left: Text, right: Text, width: int) -> Text:
    """``left`` cut to leave room for ``right``, which is kept whole at the right end."""
    room = max(0, width - right.cell_len - (1 if right.cell_len else 0))
    line = fit(left, room)
    if right.cell_len:
        line.append(" ")
        line.append_text(right)
    return fit(line, width)
