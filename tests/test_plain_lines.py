"""A card column's lines go to the screen without Textual's styles cache (plain_lines):
they must be exactly what Textual's own path draws, for whole columns and for the bands
and column spans a screen update asks for, in colour and under NO_COLOR; and a column
whose style does add something (a border, padding, a tint) is drawn by Textual's path."""

from __future__ import annotations

from typing import Any

import pytest
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from salesdesk.app import make_app
from salesdesk.config import Settings
from salesdesk.data.db import Database
from salesdesk.data.demo import fill_demo
from salesdesk.widgets.card_column import CardColumn
from salesdesk.widgets.plain_lines import adds_nothing, plain_lines
from tests.conftest import TODAY, ready


def segments(strips: list[Strip]) -> list[list[tuple[str, Any]]]:
    return [[(seg.text, seg.style) for seg in strip] for strip in strips]


def textual_lines(column: CardColumn, crop: Region) -> list[Strip]:
    column.refresh()  # nothing kept from an earlier drawing
    return Widget.render_lines(column, crop)


def crops(column: CardColumn) -> list[Region]:
    width, height = column.outer_size
    return [
        Region(0, 0, width, height),  # the whole column
        Region(0, 3, width, 5),  # a band of lines (one screen update's)
        Region(2, 0, width - 6, height),  # a span of its width (a dialog's edge over it)
        Region(0, height - 1, width, 1),
    ]


@pytest.mark.parametrize("no_color", [False, True])
@pytest.mark.parametrize("size", [(140, 45), (80, 24)])  # cards in full, compact
@pytest.mark.parametrize("keys", [(), ("j", "j"), ("l", "b"), ("G", "a")])
async def test_a_columns_lines_are_what_textual_draws(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch,
    keys: tuple[str, ...], no_color: bool, size: tuple[int, int],
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    fill_demo(db, TODAY)
    app = make_app(settings, db)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press(*keys)  # selections, a lit card, the end of a long column
        await pilot.pause()
        if no_color:
            assert app.get_line_filters()
        columns = list(app.screen.query(CardColumn))
        assert columns
        for column in columns:
            assert adds_nothing(column)
            for crop in crops(column):
                ours = plain_lines(column, crop)
                drawn = column.render_lines(crop)  # (its lines a card at a time)
                assert ours is not None
                assert [strip.cell_length for strip in ours] == [crop.width] * crop.height
                assert segments(ours) == segments(drawn) == segments(textual_lines(column, crop))


@pytest.mark.parametrize(
    "style",
    [("border", ("solid", "red")), ("padding", (0, 1)), ("tint", "red 30%"),
     ("outline", ("solid", "blue")), ("opacity", 0.5)],
)
async def test_a_column_whose_style_adds_something_is_drawn_by_textual(
    settings: Settings, db: Database, style: tuple[str, Any]
) -> None:
    fill_demo(db, TODAY)
    app = make_app(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        column = app.screen.query(CardColumn).first()
        setattr(column.styles, *style)
        await pilot.pause()
        assert not adds_nothing(column)
        assert plain_lines(column, column.size.region) is None
        crop = Region(0, 0, *column.outer_size)
        drawn = column.render_lines(crop)
        assert segments(drawn) == segments(textual_lines(column, crop))
