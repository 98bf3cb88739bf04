"""What the marks on a card mean: one table for the board's legend line and the ``?``
screen (written once)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from salesdesk.render import palette

#: (the mark as a card shows it, its style, what it means)
MARKS: tuple[tuple[str, str, str], ...] = (
    ("▸27 Nov", palette.OVERDUE_DATE, "next step overdue (red); ▸today in amber"),
    ("⟳ regrade", palette.ALERT, "past its grade's window (A 7, B 30, C 90 days)"),
    ("◆ review", palette.WARNING_TEXT, "due for a look (A daily, B weekly, C monthly)"),
    ("⚑ 5h", palette.WARNING, "complaint: hours left to answer; ⚑ late in red: missed"),
    ("☎ 40m", palette.WARNING, "new lead: time left for the first contact; ☎ late: missed"),
    ("★", palette.KEY_ACCOUNT, "key account"),
    ("maN", "bold", "MAN: capital = present, lower case = missing"),
    ("?", "bold", "MAN element not asked yet"),
    ("5d", palette.SECONDARY, "days since the last touch"),
)


def legend_line() -> Text:
    """The board's legend: every mark and a short meaning, on one line that wraps."""
    line = Text()
    for index, (mark, style, meaning) in enumerate(MARKS):
        if index:
            line.append("  ")
        line.append(mark, style=style)
        line.append(f" {meaning.split(' (')[0].split(';')[0]}", style=palette.SECONDARY)
    return line


def marks_table() -> Table:
    """The marks and what they mean, for the ``?`` screen."""
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(no_wrap=True)
    table.add_column()
    for mark, style, meaning in MARKS:
        table.add_row(Text(mark, style=style), meaning)
    return table
