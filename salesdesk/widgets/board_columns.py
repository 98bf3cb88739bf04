"""The board's three columns side by side, each a title over a :class:`CardColumn`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from salesdesk.data.store import CardRow
from salesdesk.render.board_header import column_title
from salesdesk.widgets.card_column import CardColumn

COLUMNS = 3


class BoardColumns(Horizontal):
    """Three titled card columns; one of them is active (it has the selected card)."""

    def __init__(self, keys: tuple[str, ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys = keys
        self._titles: dict[int, Text] = {}

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
        columns: Mapping[str, Sequence[CardRow]],
        active: int,
        today: date,
        keep: tuple[int, int] | None,
    ) -> None:
        """Give each column its cards and title; ``active`` is the selected column,
        ``keep`` (column number, position) the card to select."""
        for index, ((key, title), column) in enumerate(zip(spec, self.columns, strict=True)):
            cards = columns[key]
            kept = keep[1] if keep is not None and keep[0] == index else None
            column.set_cards(cards, today, keep_index=kept)
            column.set_active(index == active)
            self.set_title(index, column_title(key, title, len(cards), index == active))

    def set_title(self, index: int, label: Text) -> None:
        """A column's title line: a fixed size, so no layout of the board follows."""
        if self._titles.get(index) == label:
            return
        self._titles[index] = label
        self.query_one(f"#title-{index}", Static).update(label, layout=False)

    def flash(self, prospect_id: int) -> int | None:
        """Light up the card in whichever column holds it; returns that column's index."""
        for index, column in enumerate(self.columns):
            if column.index_of(prospect_id) is not None:
                column.flash(prospect_id)
                return index
        return None
