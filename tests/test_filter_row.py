"""The filter's field stands in the status line's row, and opening or closing it draws
that row and the Footer only: the columns keep their place and height, the screen is not
repainted for the focus moving, and no layout redraws the columns' scroll bars."""

from __future__ import annotations

from typing import Any

import pytest
from textual.geometry import Region
from textual.screen import Screen
from textual.scrollbar import ScrollBar
from textual.widgets import Input

from salesdesk.app import make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.screens.board import BoardScreen
from salesdesk.widgets.card_column import CardColumn
from salesdesk.widgets.filter_bar import FilterBar
from salesdesk.widgets.fitting_footer import FittingFooter
from salesdesk.widgets.status_line import StatusLine
from tests.conftest import NOW, burst, ready
from tests.test_board import board


@pytest.fixture
def long_board(db: Database) -> Database:
    """Enough cards that every column scrolls (its scroll bar is shown)."""
    for index in range(90):
        store.add_prospect(db, NOW, f"Card {index}", company="Acme" if index % 9 == 0 else "Zeta",
                           grade="ABC"[index % 3])
    return db


def _places(screen: BoardScreen) -> list[Region]:
    return [column.region for column in screen.query(CardColumn)]


def _shown_keys(screen: Screen[Any]) -> list[str]:
    footer = screen.query_one(FittingFooter)
    return [str(key.render()) for key in footer.query("FooterKey")
            if all(node.display for node in (key, *key.ancestors) if node is not screen)]


@pytest.mark.parametrize("size", [(80, 24), (140, 45)])
async def test_the_field_takes_the_status_row_and_gives_it_back(
    settings: Settings, long_board: Database, size: tuple[int, int]
) -> None:
    app = make_app(settings, long_board)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        screen = board(app)
        status, bar = screen.query_one(StatusLine), screen.query_one(FilterBar)
        row, columns = status.region, _places(screen)
        await burst(pilot, "slash", "a", "c", "m", "e")
        await pilot.pause()
        assert bar.shown and not status.display
        assert bar.region == row  # one row, where the status line was
        assert screen.query_one("#filter-input", Input).value == "acme"
        assert _places(screen) == columns  # the cards did not move or shrink
        await burst(pilot, "enter")  # kept: the header says it, the row is the status's
        await pilot.pause()
        assert not bar.shown and status.display and status.region == row
        assert screen.filter_text == "acme"
        assert "filter: acme" in str(screen.query_one("#summary").render())
        await burst(pilot, "slash")  # the kept filter comes back in the field, selected
        await pilot.pause()
        assert screen.query_one("#filter-input", Input).value == "acme"
        await burst(pilot, "escape")
        await pilot.pause()
        assert not bar.shown and status.display and status.region == row
        assert screen.filter_text == "" and _places(screen) == columns


async def test_opening_and_closing_the_field_repaint_neither_screen_nor_scroll_bars(
    settings: Settings, long_board: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(settings, long_board)
    async with app.run_test(size=(140, 45)) as pilot:
        await ready(pilot)
        screen = board(app)
        bars = [column.vertical_scrollbar for column in screen.query(CardColumn)]
        assert all(bar.window_virtual_size > bar.window_size for bar in bars)  # they scroll
        # (The first ``/`` takes the focus from the column it started on: that column's
        # scroll bar changes colour, rightly drawn again. From then on nothing changes.)
        await burst(pilot, "slash")
        await pilot.pause()
        await burst(pilot, "escape")
        await pilot.pause()
        whole: list[dict[str, Any]] = []
        drawn: list[ScrollBar] = []
        screen_refresh = screen.refresh

        def screen_refreshed(*regions: Region, **kwargs: Any) -> Any:
            if not regions:
                whole.append(kwargs)
            return screen_refresh(*regions, **kwargs)

        bar_refresh = ScrollBar.refresh

        def bar_refreshed(self: ScrollBar, *args: Any, **kwargs: Any) -> Any:
            drawn.append(self)
            return bar_refresh(self, *args, **kwargs)

        monkeypatch.setattr(screen, "refresh", screen_refreshed)
        monkeypatch.setattr(ScrollBar, "refresh", bar_refreshed)
        for _ in range(2):
            await burst(pilot, "slash")
            await pilot.pause()
            await burst(pilot, "escape")
            await pilot.pause()
        assert whole == [] and [bar for bar in drawn if bar in bars] == []


async def test_a_column_that_changes_length_still_moves_its_scroll_bar(
    settings: Settings, long_board: Database
) -> None:
    """Only layouts where nothing changed leave the scroll bars alone: a filter that
    leaves a few cards, and clearing it, still size them to the column."""
    app = make_app(settings, long_board)
    async with app.run_test(size=(140, 45)) as pilot:
        await ready(pilot)
        screen = board(app)
        await burst(pilot, "slash", "a", "c", "m", "e", "enter")
        await ready(pilot)
        await burst(pilot, "escape")
        await ready(pilot)
        for column in screen.query(CardColumn):
            bar = column.vertical_scrollbar
            assert bar.window_virtual_size == column.virtual_size.height == 30 * column.card_lines


async def test_the_footer_follows_the_field_inside_the_key(
    settings: Settings, long_board: Database
) -> None:
    """``/`` and Escape change the Footer's keys in the key itself, so both are drawn in
    one frame (the Footer's own signal waits for a refresh first)."""
    app = make_app(settings, long_board)
    async with app.run_test(size=(140, 45)) as pilot:
        await ready(pilot)
        screen = board(app)
        board_keys = _shown_keys(screen)
        assert len(board_keys) > 5
        screen.action_filter()  # no pause: what the same key leaves
        assert _shown_keys(screen) == [key for key in board_keys if "^p" in key]
        await ready(pilot)
        screen.action_clear_filter()
        assert _shown_keys(screen) == board_keys


async def test_escape_lays_the_screen_out_once(
    settings: Settings, long_board: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Footer's keys come back with one layout of the screen: each key's own request
    for a layout reached the screen after its frame, and the screen drew the Footer's
    row again a frame later (~30 ms of every Escape)."""
    app = make_app(settings, long_board)
    async with app.run_test(size=(140, 45)) as pilot:
        await ready(pilot)
        screen = board(app)
        await burst(pilot, "slash")
        await ready(pilot)
        await burst(pilot, "escape")
        await ready(pilot)
        layouts: list[object] = []
        refresh_layout = screen._refresh_layout

        def laid_out(*args: Any, **kwargs: Any) -> None:
            layouts.append(args)
            refresh_layout(*args, **kwargs)

        monkeypatch.setattr(screen, "_refresh_layout", laid_out)
        for _ in range(3):
            await burst(pilot, "slash")
            await ready(pilot)
            layouts.clear()
            await burst(pilot, "escape")
            await ready(pilot)
            assert len(layouts) == 1
