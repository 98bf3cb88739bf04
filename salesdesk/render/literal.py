"""User text as Rich ``Text``: exactly the user's characters, never markup."""

from __future__ import annotations

from rich.text import Text

from salesdesk.text import clean, one_line


def literal(value: object, style: str = "") -> Text:
    """A Rich ``Text`` that shows exactly the user's characters (no markup)."""
    return Text(clean(value), style=style)


def literal_line(value: object, style: str = "") -> Text:
    """Like :func:`literal` but folded onto one line."""
    return Text(one_line(value), style=style)
