"""A long column's scroll bar is drawn again when a card more or less moves its thumb, and
not when it does not (one card in hundreds: the thumb stays where it was drawn)."""

from __future__ import annotations

import pytest

from salesdesk.app import make_app
from salesdesk.config import Settings
from salesdesk.data.board_view import ListColumn
from salesdesk.data.db import Database
from salesdesk.data.demo import fill_demo
from salesdesk.widgets.card_column import CardColumn, _thumb
from tests.conftest import TODAY, ready


@pytest.mark.parametrize("removed", [1, 2, 40, 150])
async def test_the_scroll_bar_is_redrawn_exactly_when_its_thumb_moves(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch, removed: int
) -> None:
    fill_demo(db, TODAY, prospects=600)
    app = make_app(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        column = max(app.screen.query(CardColumn), key=lambda c: len(c.cards))
        cards = list(column.cards)
        assert len(cards) * column.card_lines > 3 * column.size.height  # a long column
        bar = column.vertical_scrollbar
        before = _thumb(bar)
        asked: list[bool] = []
        real = bar.refresh
        monkeypatch.setattr(bar, "refresh", lambda *a, **k: (asked.append(True), real(*a, **k)))
        column.set_cards(ListColumn(cards[removed:]), column.today)
        moved = _thumb(bar) != before
        assert bool(asked) == moved
        assert bar.window_virtual_size == (len(cards) - removed) * column.card_lines
        if removed >= 40:
            assert moved  # a tenth of the column gone: the thumb grows
        if removed == 1:
            assert not moved  # one card in hundreds
