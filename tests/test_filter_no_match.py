"""A filter nothing matches: the board says so in place of three empty columns (what the
filter looks in, how to widen or clear it), and at 80 columns the header still shows the
query and its count whole, ahead of the counts it has no room for."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import Static

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data.db import Database
from tests.conftest import burst, until
from tests.test_board import header, ids  # noqa: F401  (ids: the fixture)


@pytest.fixture
def app(settings: Settings, db: Database) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


def said(app: SalesDeskApp) -> str:
    """What the board says in place of its columns ("" while the columns show)."""
    empty = app.screen.query_one("#empty", Static)
    return str(empty.render()) if empty.display else ""


def columns_shown(app: SalesDeskApp) -> bool:
    return bool(app.screen.query_one("#columns").display)


async def test_a_filter_nothing_matches_says_so_and_backspace_brings_the_cards_back(
        app: SalesDeskApp, ids: dict[str, int]) -> None:  # noqa: F811
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await burst(pilot, "slash", "z", "z", "q")
        await until(pilot, lambda: "0 matches" in header(app))
        assert not columns_shown(app)
        assert "No card matches the filter." in said(app)
        assert "esc  clears it" in said(app)
        # The query and its count fit in the 78 columns the header has at 80.
        assert "filter: zzq 0 matches" in header(app)[:78]
        await burst(pilot, "backspace", "backspace", "backspace")
        await until(pilot, lambda: columns_shown(app))
        assert said(app) == ""
        assert header(app).startswith("A 2  B 1")  # the counts first again: it all fits


async def test_escape_clears_a_filter_that_matched_nothing(
        app: SalesDeskApp, ids: dict[str, int]) -> None:  # noqa: F811
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        await burst(pilot, "slash", "z", "z", "q")
        await until(pilot, lambda: not columns_shown(app))
        assert "filter: zzq 0 matches" in header(app)  # at 140 after the counts, as ever
        assert header(app).startswith("A 2  B 1")
        await burst(pilot, "escape")
        await until(pilot, lambda: columns_shown(app))
        assert "filter" not in header(app)
