"""The ``list`` table: a header and a line per card, as plain strings with style spans.

Rich only (no Typer), so any shell can print it. Lines are built as strings with spans
rather than a Rich Table, so 100,000 cards print in seconds, not minutes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice

from rich.cells import cell_len
from rich.console import Console
from rich.text import Span, Text

from salesdesk.data.store import CardRow
from salesdesk.enums import Status
from salesdesk.render import palette
from salesdesk.render.cells import cut
from salesdesk.rules.dates import short_date
from salesdesk.rules.fields import short_money
from salesdesk.text import one_line

#: How many cards the columns are sized from (the rest stream in at those widths).
SIZED_FROM = 500
#: What the marks of the Flags column mean (printed under the table when one shows).
FLAGS_LEGEND = "! overdue  ⟳ past window: regrade  ◆ due for review  ★ key account"


def card_flags(card: CardRow) -> str:
    """Short marks, as on the board: ! overdue, ⟳ past window (regrade), ◆ review, ★ key."""
    marks = ""
    if card.overdue:
        marks += "!"
    if card.status == Status.LIVE and card.urgency.past_window:
        marks += "⟳"
    elif card.review_due:
        marks += "◆"
    if card.key_account:
        marks += "★"
    return marks


#: A line of text and the style spans over it.
StyledLine = tuple[str, list[Span]]

#: list's columns: title, and whether the values are right-aligned.
LIST_COLUMNS: tuple[tuple[str, bool], ...] = (
    ("ID", True),
    ("G", False),
    ("Name", False),
    ("Company", False),
    ("Next", False),
    ("Action", False),
    ("Touch", True),
    ("MAN", False),
    ("Value", True),
    ("Flags", False),
)


def card_cells(card: CardRow, today: date) -> tuple[tuple[str, str], ...]:
    """(text, style) per column; user text folded onto one line, control characters gone."""
    grade = card.grade.value if card.status == Status.LIVE else card.status
    overdue = card.overdue
    return (
        (str(card.id), ""),
        (grade, palette.CLI_GRADE_STYLE.get(grade, "dim")),
        (one_line(card.name), ""),
        (one_line(card.company), ""),
        (short_date(card.next_date, today), palette.CLI_ALERT if overdue else ""),
        (one_line(card.next_action), ""),
        (f"{card.days_since_touch}d" if card.touched_on else "never", ""),
        (card.man, ""),
        (short_money(card.value), ""),
        (card_flags(card), palette.CLI_ERROR if overdue else palette.CLI_WARNING),
    )


def cards_table(cards: Iterable[CardRow], today: date, width: int,
                id_width: int = 0) -> Iterator[StyledLine]:
    """The ``list`` table, line by line: a header, then a line per card.

    Columns are sized once from the values of the first cards (names, companies and
    actions capped, and cut with an ellipsis; ``id_width``: room for the largest id), so
    the cards can stream in. Lines are assembled as plain strings with style spans, so
    100,000 cards print in seconds rather than the minutes a Rich Table takes.
    """
    stream = iter(cards)
    rows = [card_cells(card, today) for card in islice(stream, SIZED_FROM)]
    # Fixed columns take about 45 cells; name, company and action share the rest.
    room = max(24, width - 45)
    name_w, company_w = min(28, room * 3 // 8), min(28, room * 3 // 8)
    caps = {"Name": name_w, "Company": company_w, "Action": min(24, room - name_w - company_w)}
    widths = []
    for index, (title, _right) in enumerate(LIST_COLUMNS):
        widest = max([len(title), *(cell_len(row[index][0]) for row in rows),
                      id_width if index == 0 else 0])
        widths.append(min(widest, caps.get(title, widest)))
    header = table_line([(title, "") for title, _ in LIST_COLUMNS], widths)
    yield header[0], [Span(0, len(header[0]), "bold")]
    for row in rows:
        yield table_line(row, widths)
    for card in stream:
        yield table_line(card_cells(card, today), widths)


def table_line(cells: Iterable[tuple[str, str]], widths: list[int]) -> StyledLine:
    """One line of ``list``: each cell cut (with an ellipsis) or padded to its column."""
    parts: list[str] = []
    spans: list[Span] = []
    at = 0
    last = len(widths) - 1
    columns = zip(cells, LIST_COLUMNS, strict=True)
    for index, ((text, style), (_title, right)) in enumerate(columns):
        width = widths[index]
        size = cell_len(text)
        if size > width:
            text = cut(text, width)
            size = width
        pad = " " * (width - size)
        if right:
            parts.append(pad)
            at += len(pad)
        if style:
            spans.append(Span(at, at + len(text), style))
        parts.append(text)
        at += len(text)
        if index < last:
            gap = ("" if right else pad) + "  "
            parts.append(gap)
            at += len(gap)
    return "".join(parts), spans


def print_lines(console: Console, lines: Iterable[StyledLine], batch: int = 500) -> None:
    """Print styled lines: in colour, in batches, to a terminal; as plain text otherwise
    (one console call per line is slow for huge lists)."""
    if console.no_color or console.color_system is None:
        console.file.writelines(f"{line}\n" for line, _spans in lines)
        return
    chunk: list[Text] = []
    for line, spans in lines:
        chunk.append(Text(line, spans=spans))
        if len(chunk) == batch:
            console.print(Text("\n").join(chunk), no_wrap=True, overflow="ignore", crop=False)
            chunk = []
    if chunk:
        console.print(Text("\n").join(chunk), no_wrap=True, overflow="ignore", crop=False)
