"""The board's three columns side by side, each a title over a :class:`CardColumn`."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Static

from salesdesk.data.board_view import Column
from salesdesk.render.board_header import column_title
from salesdesk.widgets.card_column import CardColumn
from salesdesk.widgets.fixed_line import set_line

COLUMNS = 3


class BoardColumns(Horizontal):
    """Three titled card columns; one of them is active (it has the selected card)."""

    def __init__(self, keys: tuple[str, ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys = keys

    def compose(self) -> ComposeResult:
        for index, key in enumerate(self._keys):
            with Vertical(classes="board-column"):
                yield Static(id=f"title-{index}", classes="column-title")
                yield CardColumn(key, id=f"col-{index}")

    @property
    def columns(self) -> list[CardColumn]:
        return [self.query_one(f"#col-{i}", CardColumn) for i in range(COLUMNS)]

    def column(self, index: int) -> CardColumn:
        return self.query_one(f"#col-{index}", CardColumn)

    def set_compact(self, compact: bool) -> None:
        for column in self.columns:
            column.set_compact(compact)

    def show(
        self,
        spec: tuple[tuple[str, str], ...],
        buckets: dict[str, Column],
        active: int,
        today: date,
        keep_id: int | None,
    ) -> None:
        """Give each column its cards and title; ``active`` is the selected column."""
        for (key, _title), column in zip(spec, self.columns, strict=True):
            column.set_cards(buckets[key], today, keep_id=keep_id)
        self.activate(spec, active)

    def activate(self, spec: tuple[tuple[str, str], ...], active: int) -> None:
        """Make column ``active`` the one with the selection (its cards stay as given):
        its selected card and the titles' marks are drawn again, nothing else."""
        for index, ((key, title), column) in enumerate(zip(spec, self.columns, strict=True)):
            column.set_active(index == active)
            label = column_title(key, title, len(column.cards), index == active)
            set_line(self.query_one(f"#title-{index}", Static), label)

    def drawn(self) -> list[Widget]:
        """What shows the columns: their titles, cards and the scroll bars shown (asked
        for, a scroll bar not shown yet would be made)."""
        columns = self.columns
        return [*self.query(".column-title"), *columns,
                *(column.vertical_scrollbar for column in columns
                  if column.show_vertical_scrollbar)]

    def flash(self, prospect_id: int) -> int | None:
        """Light up the card in whichever column holds it; returns that column's index."""
        for index, column in enumerate(self.columns):
            if column.index_of(prospect_id) is not None:
                column.flash(prospect_id)
                return index
        return None
