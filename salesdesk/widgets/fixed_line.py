"""A fixed-size line of text (a column's title, the board's header, the status line) set
again without cost when it reads the same.

Setting a ``Static`` draws it again in the next screen update, and by default lays out the
whole screen first: on the board, after a key, most lines read as they did, and a title
drawn again for nothing is a part of that key's update.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def set_line(widget: Static, content: str | Text) -> None:
    """Show ``content`` in ``widget`` (one line whose size never depends on it: no layout),
    drawn again only if it differs from what is shown."""
    if widget.content != content:
        widget.update(content, layout=False)
