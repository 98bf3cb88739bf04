"""The ``list`` table: a header and a line per card, as plain strings with style spans.

Rich only (no Typer), so any shell can print it. Lines are built as strings with spans
rather than a Rich Table, so 100,000 cards print in seconds, not minutes; they are made
as the cards come (columns sized from the first ones), so the first line is out at once.
Piped, nothing of Rich but its cell widths is loaded (:func:`print_plain`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from typing import IO, TYPE_CHECKING

from rich.cells import cell_len

from salesdesk.data.store import CardRow
from salesdesk.enums import Status
from salesdesk.render import palette
from salesdesk.render.cells import cut
from salesdesk.rules.dates import short_date
from salesdesk.rules.fields import short_money
from salesdesk.text import one_line

if TYPE_CHECKING:
    from rich.console import Console

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


#: A style over a line's characters: (start, end, style), as Rich's ``Span``.
StyleSpan = tuple[int, int, str]
#: A line of text and the style spans over it.
StyledLine = tuple[str, list[StyleSpan]]
#: How many cards size the columns: later ones are cut (with an ellipsis) to fit.
SIZING_CARDS = 1000

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


def cards_table(
    cards: Iterable[CardRow], today: date, width: int, largest_id: int = 0
) -> Iterator[StyledLine]:
    """The ``list`` table, line by line: a header, then a line per card.

    Columns are sized from the first :data:`SIZING_CARDS` cards (names, companies and
    actions capped, and cut with an ellipsis; the ID column as wide as ``largest_id``
    needs, an id is never cut), so the lines come as the cards do: nothing is built for
    the whole list first.
    """
    stream = iter(cards)
    first = [card_cells(card, today) for card in islice(stream, SIZING_CARDS)]
    # Fixed columns take about 45 cells; name, company and action share the rest.
    room = max(24, width - 45)
    name_w, company_w = min(28, room * 3 // 8), min(28, room * 3 // 8)
    caps = {"Name": name_w, "Company": company_w, "Action": min(24, room - name_w - company_w)}
    widths = []
    for index, (title, _right) in enumerate(LIST_COLUMNS):
        widest = max([len(title), *(cell_len(row[index][0]) for row in first)])
        widths.append(min(widest, caps.get(title, widest)))
    widths[0] = max(widths[0], len(str(largest_id)))
    header = table_line([(title, "") for title, _ in LIST_COLUMNS], widths)
    yield header[0], [(0, len(header[0]), "bold")]
    for row in first:
        yield table_line(row, widths)
    for card in stream:
        yield table_line(card_cells(card, today), widths)


def table_line(cells: Iterable[tuple[str, str]], widths: list[int]) -> StyledLine:
    """One line of ``list``: each cell cut (with an ellipsis) or padded to its column."""
    parts: list[str] = []
    spans: list[StyleSpan] = []
    at = 0
    last = len(widths) - 1
    columns = zip(cells, LIST_COLUMNS, strict=True)
    for index, ((text, style), (_title, right)) in enumerate(columns):
        width = widths[index]
        size = cell_len(text)
        if size > width and index:  # (an id is never cut: it is what a command takes)
            text = cut(text, width)
            size = width
        pad = " " * (width - size)
        if right:
            parts.append(pad)
            at += len(pad)
        if style:
            spans.append((at, at + len(text), style))
        parts.append(text)
        at += len(text)
        if index < last:
            gap = ("" if right else pad) + "  "
            parts.append(gap)
            at += len(gap)
    return "".join(parts), spans


def print_plain(out: IO[str], lines: Iterable[StyledLine]) -> None:
    """Write the lines' text, each as it comes (piped output, or no colour)."""
    for line, _spans in lines:
        out.write(line)
        out.write("\n")


def print_lines(console: Console, lines: Iterable[StyledLine], batch: int = 500) -> None:
    """Print styled lines: in colour, in batches, to a terminal; as plain text otherwise
    (one console call per line is slow for huge lists)."""
    if console.no_color or console.color_system is None:
        print_plain(console.file, lines)
        return
    from rich.text import Span, Text

    chunk: list[Text] = []
    for line, spans in lines:
        chunk.append(Text(line, spans=[Span(*span) for span in spans]))
        if len(chunk) == batch:
            console.print(Text("\n").join(chunk), no_wrap=True, overflow="ignore", crop=False)
            chunk = []
    if chunk:
        console.print(Text("\n").join(chunk), no_wrap=True, overflow="ignore", crop=False)
