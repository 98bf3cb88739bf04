"""A screen's status line: one fixed row that says what a key just did.

A Textual toast costs about 100 ms a time at any board size (the Toast is mounted, the
screen laid out and repainted in full, and again when it goes), far more than the change
it reports. This line is always there and always one row high, so saying something only
repaints that row (``update(..., layout=False)``), and so does clearing it.

Text is shown literally (a prospect called ``[bold]Ltd[/]`` shows those characters) and
kept to one line: a success too wide for the row is cut with an ellipsis; a warning or an
error that does not fit whole is said in a toast instead, so it is never cut
(:meth:`StatusLine.fits` tells the screen which).
"""

from __future__ import annotations

from typing import Literal

from rich.cells import cell_len
from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

from salesdesk.render import palette
from salesdesk.text import for_cells, one_line
from salesdesk.widgets.fixed_line import set_line

Severity = Literal["information", "warning", "error"]

#: How long a message stays, by severity (seconds); a new message replaces it at once.
SHOW_SECONDS: dict[str, float] = {"information": 4.0, "warning": 8.0, "error": 10.0}
STYLE: dict[str, str] = {
    "information": "",
    "warning": palette.WARNING,
    "error": palette.ALERT,
}


class StatusLine(Static):
    """One row; :meth:`say` shows a message for a while, then the row is blank again."""

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        width: 100%;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._timer: Timer | None = None
        #: What the line says now ("" when blank) and how: read by tests and the screen.
        self.said = ""
        self.severity: Severity = "information"

    def fits(self, text: str) -> bool:
        """Whether ``text`` shows whole on the line at its present width (before the line
        is laid out, anything fits: it is cut once it is)."""
        width = self.content_region.width
        return not width or cell_len(for_cells(one_line(text))) <= width

    def say(
        self, text: str, severity: Severity = "information", timeout: float | None = None
    ) -> None:
        """Show ``text`` (literally, on one line) in the colour of ``severity``, for
        ``timeout`` seconds (by default :data:`SHOW_SECONDS`)."""
        self.said = one_line(text)
        self.severity = severity
        # Drawn again even when it reads as before: the key was answered (one row).
        self.update(Text(for_cells(self.said), style=STYLE.get(severity, "")), layout=False)
        if self._timer is not None:
            self._timer.stop()
        seconds = SHOW_SECONDS.get(severity, 4.0) if timeout is None else timeout
        self._timer = self.set_timer(seconds, self.clear, name="status-line")

    def clear(self) -> None:
        """Blank the line (only this row is repainted)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.said:
            self.said = ""
            set_line(self, "")
