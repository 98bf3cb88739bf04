"""The MAN case in big three-line letters (capital = present, lower case = missing,
``?`` = not asked yet), each coloured by its answer."""

from __future__ import annotations

from rich.text import Text

from salesdesk.render.palette import ANSWER_STYLE
from salesdesk.rules.man import Tri

ANSWER_WORD = {Tri.YES: "present", Tri.NO: "missing", Tri.UNKNOWN: "not asked"}
COLUMN = 10  # cells per big letter, label included

# Three-line glyphs: capitals fill all three lines, lower case the bottom two.
GLYPHS: dict[str, tuple[str, str, str]] = {
    "M": ("█▄ ▄█", "█ ▀ █", "█   █"),
    "A": ("▄▀▀▀▄", "█▄▄▄█", "█   █"),
    "N": ("█▄  █", "█ ▀▄█", "█   █"),
    "m": ("     ", "█▀█▀▄", "█ █ █"),
    "a": ("     ", "▄▀▀█ ", "▀▄▄█▄"),
    "n": ("     ", "█▀▀▄ ", "█  █ "),
    "?": ("▄▀▀▄ ", "  ▄▀ ", "  ▄  "),
}


def big_case(case: str, answers: tuple[str, str, str]) -> Text:
    """The case in big three-line letters, each coloured by its answer."""
    text = Text()
    for row in range(3):
        for letter, answer in zip(case, answers, strict=True):
            text.append(GLYPHS[letter][row], style=ANSWER_STYLE[Tri(answer)])
            text.append(" " * (COLUMN - 5))
        text.append("\n")
    for name in ("Money", "Authority", "Need"):
        text.append(f"{name:<{COLUMN}}", style="dim")
    text.append("\n")
    for answer in answers:
        text.append(f"{ANSWER_WORD[Tri(answer)]:<{COLUMN}}", style=ANSWER_STYLE[Tri(answer)])
    return text
