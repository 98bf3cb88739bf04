"""The weekly review as a Markdown report for a manager: the presenter's sections, with user
text escaped so a name like ``Pipe | *Star*`` cannot break a table or a list.

Plain strings only (no Rich): the same sentences as the screen and ``salesdesk review``,
from :func:`salesdesk.rules.review.sections.present`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from salesdesk.rules.review.results import WeeklyReview
from salesdesk.rules.review.sections import Grid, Named, Names, Section, present
from salesdesk.rules.review.words import bars

#: Cards named per list in the report (the rest are counted).
REPORT_TOP = 20

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def md(text: object) -> str:
    """User text made safe for Markdown, in a table cell too: one line, every character
    Markdown could read as syntax (``| * _ [ ] ` < #`` ...) backslash-escaped."""
    line = " ".join(_CONTROL.sub(" ", str(text or "")).split())
    return _MD_SPECIAL.sub(r"\\\1", line)


def who(card: Named) -> str:
    """``Name (Company) · detail``, user text escaped."""
    text = md(card.name)
    if card.company:
        text += f" ({md(card.company)})"
    if card.detail:
        text += f" · {card.detail}"
    return f"{text} · {md(card.said)}" if card.said else text


def table(grid: Grid) -> list[str]:
    """A GFM table; every column but the first right-aligned."""
    return _table(grid.header, ([span.text for span in row] for row in grid.rows))


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|")
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def _names(names: Names) -> list[str]:
    label = f"{names.label[:1].upper()}{names.label[1:]}: " if names.label else ""
    lines = [f"- {label}{who(card)}" for card in names.cards]
    if names.more:
        lines.append(f"- {names.more_text}")
    return lines


def _section(section: Section) -> list[str]:
    lines = [f"## {section.title}", ""]
    for sentence in section.sentences:
        lines += [str(sentence), ""]
    if section.names:
        for names in section.names:
            lines += _names(names)
        lines.append("")
    if section.grid is not None:
        lines += [*table(section.grid), ""]
    return lines


def markdown_report(review: WeeklyReview, top: int = REPORT_TOP) -> str:
    """The week's figures as a Markdown report (user text escaped)."""
    figures = present(review, top)
    lines = [f"# {figures.title}", "", f"{figures.period} · {figures.as_of}", ""]
    for section in figures.sections:
        lines += _section(section)
    lines += [f"## {figures.trends_title}", ""]
    lines += [f"- {t.label} {bars(t.values)} {t.summary}" for t in figures.trends]
    lines += ["", *table(figures.weeks), ""]
    return "\n".join(lines)
