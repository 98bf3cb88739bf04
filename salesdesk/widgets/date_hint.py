"""The day a date field resolves to, shown live beside it: ``fri`` → ``Fri 4 Dec``.

The rep sees which day ``fri``, ``next fri``, 下周五 or ``12月5日`` is before saving, and a
typo (``frid``) before pressing enter.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widgets import Static

from salesdesk.errors import InputError
from salesdesk.render import palette
from salesdesk.rules.dates import NO_DATE, day_name, parse_date

#: The cells a hint takes: an arrow, a day name with a year ("→ Wed 30 Dec 2027").
HINT_WIDTH = 17


def resolved(text: str, today: date, *, future: bool = True) -> Text:
    """What ``text`` means as a date: ``→ Fri 4 Dec``, ``→ none`` (empty: no date), or a
    short warning (not a date; in the past, for a next step)."""
    if text.strip().lower() in NO_DATE:
        return Text("→ none", style=palette.SECONDARY)
    try:
        day = parse_date(text, today)
    except InputError:
        return Text("? not a date", style=palette.ALERT)
    if future and day < today:
        return Text(f"past: {day_name(day, today)}", style=palette.ALERT)
    when = "today" if day == today else "tomorrow" if (day - today).days == 1 else ""
    label = Text(f"→ {day_name(day, today)}", style="bold")
    if when and len(day_name(day, today)) < 11:
        label.append(f" {when}", style=palette.SECONDARY)
    return label


class DateHint(Static):
    """The resolved day of the date field it sits beside (see :func:`resolved`)."""

    DEFAULT_CSS = f"DateHint {{ width: {HINT_WIDTH}; height: 1; padding: 0 0 0 1; }}"

    def __init__(self, *, future: bool = True, id: str | None = None) -> None:
        super().__init__("", id=id, classes="date-hint")
        self.future = future
        self._shown: tuple[str, date] | None = None

    def show(self, text: str, today: date) -> None:
        """Show what ``text`` resolves to (drawn again only when it or the day changed)."""
        if self._shown == (text, today):
            return
        self._shown = (text, today)
        # Its size is set (one row, a fixed width or the row's): a new day needs no layout
        # of the whole detail, only this row drawn again.
        self.update(resolved(text, today, future=self.future), layout=False)
