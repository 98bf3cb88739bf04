"""Under NO_COLOR (https://no-color.org) Textual passes every line through a monochrome
filter that reads each segment's style: a line drawn without one stopped the app at its
first frame. Every screen a rep reaches from the board is drawn here with NO_COLOR set."""

from __future__ import annotations

import pytest

from salesdesk.app import make_app
from salesdesk.config import Settings
from salesdesk.data.db import Database
from salesdesk.data.demo import fill_demo
from salesdesk.screens.board import BoardScreen
from tests.conftest import TODAY, ready


@pytest.mark.parametrize(
    "keys",
    [
        (),  # the board
        ("enter",),  # the card detail
        ("t",), ("d",),  # the touch and next-step forms
        ("m",), ("v",), ("w",), ("T",), ("K",), ("L",), ("question_mark",),
        ("o",), ("slash", "a"),  # the closed view, the filter
        ("b",),  # a regrade: the card lit in its new column
    ],
)
async def test_every_screen_draws_without_colour(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch, keys: tuple[str, ...]
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    fill_demo(db, TODAY)
    app = make_app(settings, db)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        assert app.get_line_filters()  # the monochrome filter is on
        await pilot.press(*keys)
        await ready(pilot)
        if keys:
            assert not isinstance(app.screen, BoardScreen) or keys[0] in {"o", "slash", "b", "L"}
        await pilot.resize_terminal(80, 24)  # and drawn again, small
        await ready(pilot)
    assert app.return_code in (None, 0)
