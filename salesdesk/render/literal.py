"""User text as Rich ``Text``: exactly the user's characters, never markup."""

from __future__ import annotations

from rich.text import Text

from salesdesk.text import clean, for_cells, one_line


def literal(value: object, style: str = "") -> Text:
    """A Rich ``Text`` that shows exactly the user's characters (no markup)."""
    return Text(clean(value), style=style)


def literal_line(value: object, style: str = "") -> Text:
    """Like :func:`literal` but folded onto one line, with emoji sequences folded to what
    every terminal draws at the measured width (:func:`salesdesk.text.for_cells`): one-line
    text goes into cards, grids and table cells, whose borders must stay put."""
    return Text(for_cells(one_line(value)), style=style)
