"""User text made safe to show: control characters stripped, never interpreted.

Plain strings only (no Rich): the data layer uses this too. Rich ``Text`` built from user
text is in :mod:`salesdesk.render.literal`.
"""

from __future__ import annotations

import re

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
