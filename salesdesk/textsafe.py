"""Show user text literally: strip control characters, never interpret markup."""

from __future__ import annotations

import re

from rich.text import Text

# C0 controls except tab and newline, DEL, and C1 controls (ESC, CSI, OSC...).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"[\t\n]+")


def clean(value: object) -> str:
    """Return ``value`` as text with control characters (but tab, newline) removed."""
    if value is None:
        return ""
    return _CONTROL.sub("", str(value))


def one_line(value: object) -> str:
    """Clean text folded onto one line (tabs and newlines become spaces)."""
    return _NEWLINES.sub(" ", clean(value)).strip()


def has_visible(text: str) -> bool:
    """True when ``text`` shows something: not only spaces, control characters and
    invisible format characters (zero-width spaces, joiners, direction marks)."""
    import unicodedata

    return any(
        not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf") for ch in text
    )


def literal(value: object, style: str = "") -> Text:
    """A Rich ``Text`` that shows exactly the user's characters (no markup)."""
    return Text(clean(value), style=style)


def literal_line(value: object, style: str = "") -> Text:
    """Like :func:`literal` but folded onto one line."""
    return Text(one_line(value), style=style)
