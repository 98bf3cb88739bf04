"""The weekly figures in Rich, for both shells: the screen's compact grid and the terminal's
sections, drawn from the presenter (:func:`salesdesk.rules.review.sections.present`), so
they say what the Markdown report says.

Sentences are our own words; card names and companies are user text, always built as
literal ``Text`` (never markup), so ``[bold]Ltd[/]`` shows as typed.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from salesdesk.render import palette
from salesdesk.render.literal import literal_line
from salesdesk.render.palette import GRADE_COLOURS, GREY
from salesdesk.rules.review.sections import Figures, Grid, Named, Names, Section, Sentence
from salesdesk.rules.review.words import bars

#: How each role of a sentence looks (see :class:`~salesdesk.rules.review.sections.Span`).
ROLE_STYLES: dict[str, str] = {
    "strong": "bold",
    "dim": GREY,
    "good": palette.GOOD,
    "warn": palette.ALERT,
    **{f"grade-{grade}": f"bold {colour}" for grade, colour in GRADE_COLOURS.items()},
}
#: Cards named per list by each shell (the rest are counted).
SCREEN_TOP = 5
TERMINAL_TOP = 10
#: The screen's label column (``Retention`` is the longest).
LABEL_WIDTH = 9


def sentence_text(sentence: Sentence) -> Text:
    """A sentence with each span styled by its role."""
    text = Text()
    for span in sentence.spans:
        text.append(span.text, style=ROLE_STYLES.get(span.role, ""))
    return text


def who(card: Named, *, company: bool = True) -> Text:
    """The card's name (and company, dimmed), literally."""
    text = literal_line(card.name)
    if company and card.company:
        text.append(" · ", style=GREY)
        text.append_text(literal_line(card.company, style=GREY))
    return text


def names_line(names: Names) -> Text:
    """One line for the screen: ``won: Ann 12,000 · Bob 9,000 … and 3 more won``."""
    text = Text(no_wrap=True, overflow="ellipsis")
    if names.label:
        text.append(f"{names.label}: ", style=GREY)
    for index, card in enumerate(names.cards):
        if index:
            text.append(" · ", style=GREY)
        text.append_text(who(card, company=False))
        if card.detail:
            text.append(f" {card.detail}", style=GREY)
        if card.said:
            text.append(" (", style=GREY)
            text.append_text(literal_line(card.said, style=GREY))
            text.append(")", style=GREY)
    if names.more:
        text.append(f" {names.more_text}", style=GREY)
    return text


def names_lines(names: Names) -> list[Text]:
    """One line per card for the terminal: ``  won      Ann · Acme  12,000``."""
    lines = []
    for card in names.cards:
        line = Text(f"  {names.label:<8} " if names.label else "  ", style=GREY)
        line.append_text(who(card))
        if card.detail:
            line.append(f"  {card.detail}")
        if card.said:
            line.append("  ")
            line.append_text(literal_line(card.said))
        lines.append(line)
    if names.more:
        lines.append(Text(f"  {names.more_text}", style=GREY))
    return lines


def grid_table(grid: Grid) -> Table:
    """A small table: the first column left, the figures right-aligned."""
    table = Table(box=None, pad_edge=False, show_edge=False, header_style=GREY, padding=(0, 1))
    for index, name in enumerate(grid.header):
        if index:
            table.add_column(name, justify="right", no_wrap=True)
        else:
            table.add_column(name, no_wrap=True, overflow="ellipsis")
    for row in grid.rows:
        table.add_row(*(Text(span.text, style=ROLE_STYLES.get(span.role, "")) for span in row))
    return table


def _parts(section: Section, lines: bool) -> list[RenderableType]:
    """A section's sentences, named cards and table, in that order."""
    parts: list[RenderableType] = [sentence_text(s) for s in section.sentences]
    for names in section.names:
        if lines:
            parts.extend(names_lines(names))
        else:
            parts.append(names_line(names))
    if section.grid is not None:
        parts.append(grid_table(section.grid))
    return parts


def figures_grid(figures: Figures) -> Table:
    """The screen's figures below the trend charts: a short label, then each section's
    sentences, one line per list of cards, and its table."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True, width=LABEL_WIDTH)
    grid.add_column(ratio=1)
    for section in figures.sections:
        for index, part in enumerate(_parts(section, lines=False)):
            grid.add_row(section.short if index == 0 else "", part)
    return grid


def trends_table(figures: Figures) -> Table:
    """Each trend as text bars and what it says about this week (the terminal's charts)."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(style=palette.CLI_TREND, no_wrap=True)
    table.add_column()
    for trend in figures.trends:
        table.add_row(trend.label, bars(trend.values), sentence_text(trend.summary))
    return table


def figures_report(figures: Figures) -> Group:
    """Every section for the terminal (``salesdesk review``): titles, sentences, one line
    per named card, tables, then the trends."""
    head = Text(f"{figures.title} · {figures.period}", style="bold")
    head.append("   ")
    head.append_text(sentence_text(figures.as_of))
    head.stylize(GREY, len(figures.title) + len(figures.period) + 3)
    parts: list[RenderableType] = [head, Text()]
    for section in figures.sections:
        parts.append(Text(section.title, style="bold"))
        parts.extend(_parts(section, lines=True))
        parts.append(Text())
    parts += [Text(figures.trends_title, style="bold"), trends_table(figures)]
    return Group(*parts)
