"""What the terminal shows: every update the app writes, applied to a grid of cells.

The headless driver drops what the app writes; tests that must know what a person sees
(not only what the compositor would draw now) keep the updates here instead: each cell
holds its character and what of its style shows (colours and attributes: not the mouse's
metadata, nor a space's foreground), as the last update that reached it left it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.segment import ControlType, Segment
from rich.style import Style

Cell = tuple[str, Style | None]


class TerminalGrid:
    """A terminal's cells, written by the app's updates (``App._display``)."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.cells: list[list[Cell]] = [[(" ", None)] * width for _ in range(height)]
        self.written: set[tuple[int, int]] = set()  # cells written since ``forget``
        self._console = Console(width=width, height=height, color_system="truecolor")

    def apply(self, update: Any) -> None:
        """Write one compositor update (a full frame, a region or chops of lines)."""
        options = self._console.options
        self.write(update.__rich_console__(self._console, options))

    def write(self, segments: Iterable[Segment]) -> None:
        x = y = 0
        for segment in segments:
            if segment.control:
                for control in segment.control:
                    if control[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = int(control[1]), int(control[2])  # type: ignore[misc]
                continue
            if segment.text == "\n":
                continue  # (each line's update starts with its own move)
            style = segment.style.clear_meta_and_links() if segment.style else None
            for char in segment.text:
                width = cell_len(char)
                if 0 <= y < self.height and 0 <= x < self.width:
                    seen = _seen(char, style)
                    self.cells[y][x] = (char, seen)
                    self.written.add((x, y))
                    for extra in range(1, width):  # a wide character's second cell
                        if x + extra < self.width:
                            self.cells[y][x + extra] = ("", seen)
                x += width

    def forget(self) -> None:
        self.written.clear()

    def rows(self) -> set[int]:
        """The rows written since ``forget``."""
        return {y for _x, y in self.written}


def _seen(char: str, style: Style | None) -> Style | None:
    """What of ``style`` shows on ``char``: a space's foreground colour does not (a screen
    drawn through the one above it gives its spaces the default colour)."""
    if style is None or char != " " or style.reverse or style.underline or style.strike:
        return style
    return Style(bgcolor=style.bgcolor)


def drawn_now(app: Any) -> TerminalGrid:
    """The screen as a fresh drawing shows it now (every line rendered by the compositor)."""
    width, height = app.size
    grid = TerminalGrid(width, height)
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        grid.write([Segment("", control=[(ControlType.CURSOR_MOVE_TO, 0, y)]), *strip])
    grid.forget()
    return grid


def keep_terminal(app: Any) -> TerminalGrid:
    """Apply each update the app writes from now on to a grid (a full frame first)."""
    grid = drawn_now(app)
    display = app._display

    def displaying(screen: Any, update: Any) -> None:
        if update is not None:
            grid.apply(update)
        display(screen, update)

    app._display = displaying
    return grid
