"""User text made safe to show: control characters stripped, never interpreted.

Plain strings only (no Rich): the data layer uses this too. Rich ``Text`` built from user
text is in :mod:`salesdesk.render.literal`.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, and C1 controls (ESC, CSI, OSC...); and the
# bidirectional overrides and isolates (U+202A-202E, U+2066-2069), which make a terminal
# draw text in another order than it is stored ("Invoice \u202egnp.exe" shows as exe.png).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NEWLINES = re.compile(r"[\t\n]+")


def clean(value: object) -> str:
    """Return ``value`` as text with control characters (but tab, newline) removed."""
    if value is None:
        return ""
    return _CONTROL.sub("", str(value))


def one_line(value: object) -> str:
    """Clean text folded onto one line (tabs and newlines become spaces)."""
    return _NEWLINES.sub(" ", clean(value)).strip()


# What terminals draw at widths of their own: joiners and variation selectors (👩‍👩‍👧 is
# one cell pair in one terminal and three in another), skin tones, tag sequences
# (subdivision flags), the keycap mark; regional indicators make flags (🇨🇳).
_JOINERS = re.compile("[\u200d\ufe00-\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f\u20e3]")
_FLAG_LETTERS = re.compile("[\U0001f1e6-\U0001f1ff]")


def for_cells(text: str) -> str:
    """``text`` with emoji sequences folded to characters every terminal draws at the same
    width Rich measures, so a card or a grid cell never loses its border: 👩‍👩‍👧 → 👩👩👧,
    👍🏽 → 👍, 🏳️‍🌈 → 🏳🌈, the flag 🇨🇳 → ``CN``. For display only: the stored text keeps every
    character."""
    folded = _JOINERS.sub("", text)
    return _FLAG_LETTERS.sub(lambda m: chr(ord(m.group()) - 0x1F1E6 + ord("A")), folded)


def has_visible(text: str) -> bool:
    """True when ``text`` shows something: not only spaces, control characters and
    invisible format characters (zero-width spaces, joiners, direction marks)."""
    import unicodedata

    return any(
        not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf") for ch in text
    )
