"""Toasts keep every Chinese character, also where one falls on a column edge of the
board beneath (``Undone: add   伟`` for 王伟: Textual split 王 at the edge into spaces)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from salesdesk.app import make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.widgets.wide_cuts import keep_wide_characters_whole
from tests.conftest import NOW, burst

NAME = "王伟华信科技有限公司上海分公司"


def screen_text(app: App[Any]) -> str:
    """What the terminal shows, line by line (the compositor's full frame)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


class Columns(App[None]):
    """Seven bordered columns under a toast: an edge every 11 or 12 cells."""

    CSS = "Static.c { width: 1fr; height: 1fr; border: solid green; }"

    def compose(self) -> ComposeResult:
        with Horizontal():
            for _ in range(7):
                yield Static("col", classes="c")


@pytest.mark.parametrize("shift", range(6))
async def test_a_toast_over_column_edges_keeps_every_character(shift: int) -> None:
    assert keep_wide_characters_whole()
    app = Columns()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        message = "Undone: add " + "x" * shift + " " + NAME * 2
        app.notify(message, timeout=30)
        await pilot.pause(0.5)
        shown = "".join(line.split("▌ ", 1)[-1].strip() for line in screen_text(app).splitlines()
                        if "▌" in line)
        assert NAME * 2 in shown.replace(" ", "").replace("│", ""), shown


@pytest.mark.parametrize("width", [80, 100, 120, 140])
async def test_undo_toast_on_the_board_names_the_card_whole(
    settings: Settings, db: Database, width: int
) -> None:
    store.add_prospect(db, NOW, "Ann", grade="A")
    for size in range(1, 12):  # names of every length: one of them falls on an edge
        store.add_prospect(db, NOW, "王" + "伟" * size, grade="B")
    app = make_app(settings, db)
    async with app.run_test(size=(width, 30), notifications=True) as pilot:
        await pilot.pause()
        await burst(pilot, "u")
        await pilot.pause(0.5)
        text = screen_text(app)
        assert "王" + "伟" * 11 in text.replace(" ", "").replace("│", "").replace("▌", "")


def test_the_textual_version_is_read_without_importlib_metadata() -> None:
    import textual

    from salesdesk.widgets.wide_cuts import textual_version

    assert textual_version() == textual.__version__


@pytest.mark.parametrize(
    "lines",
    [{0}, {12}, {0, 29}, {5, 6, 7, 8, 9, 10}, {1, 15, 28}, set(range(30))],
    ids=["header", "a card line", "top and bottom", "a card", "scattered", "all"],
)
async def test_lines_drawn_alone_are_drawn_as_in_a_full_frame(
    settings: Settings, db: Database, lines: set[int]
) -> None:
    """An update renders of each widget only the lines being drawn: each such line must
    come out exactly as the whole frame draws it (a toast over the columns included)."""
    from salesdesk.data.demo import fill_demo
    from tests.conftest import TODAY, ready

    fill_demo(db, TODAY)
    store.add_prospect(db, NOW, NAME, grade="B")
    app = make_app(settings, db)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        app.notify("Undone: add " + NAME, timeout=30)
        await pilot.pause(0.5)
        compositor = app.screen._compositor
        full = compositor._render_chops(compositor.size.region, lambda y: True)
        alone = compositor._render_chops(compositor.size.region, lines.__contains__)
        for y in sorted(lines):
            drawn = [(seg.text, seg.style) for chop in alone[y].values() for seg in chop]
            whole = [(seg.text, seg.style) for chop in full[y].values() for seg in chop]
            assert drawn == whole, y


@pytest.mark.parametrize(
    "regions",
    [
        [(3, 12, 20, 1)],  # part of a card line
        [(0, 5, 100, 6)],  # a card across every column
        [(30, 2, 4, 20)],  # a narrow stretch over a column edge and its scroll bar
        [(2, 3, 10, 2), (60, 20, 30, 3), (0, 29, 100, 1)],  # scattered, and the bottom
    ],
)
async def test_stretches_drawn_alone_are_drawn_as_in_a_full_frame(
    settings: Settings, db: Database, regions: list[tuple[int, int, int, int]]
) -> None:
    """A partial update renders only the widgets its stretches cross: every piece of a
    line that a stretch draws must be there and come out as the whole frame draws it."""
    from textual.geometry import Region

    from salesdesk.data.demo import fill_demo
    from tests.conftest import TODAY, ready

    fill_demo(db, TODAY)
    app = make_app(settings, db)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        app.notify("Undone: add " + NAME, timeout=30)
        await pilot.pause(0.5)
        compositor = app.screen._compositor
        full = compositor._render_chops(compositor.size.region, lambda y: True)
        compositor._dirty_regions.clear()
        compositor._dirty_regions.update(Region(*region) for region in regions)
        update = compositor.render_partial_update()
        assert update is not None
        assert update.spans
        for y, x1, x2 in update.spans:
            cuts = compositor.cuts[y]
            for start, end in zip(cuts, cuts[1:], strict=False):
                if end <= x1 or start >= x2:
                    continue  # this piece is not drawn
                piece = update.chops[y][start]
                assert piece is not None, (y, start)
                assert [(s.text, s.style) for s in piece] == [
                    (s.text, s.style) for s in full[y][start]], (y, start)


def _cells(chops: dict[int, Any]) -> list[tuple[str, Any]]:
    """A line's pieces as (character run, style) pairs, joined where the style goes on
    (the two renderings cut a line into different pieces)."""
    from rich.segment import Segment

    return [(seg.text, seg.style) for seg in Segment.simplify(
        seg for chop in chops.values() for seg in chop)]


async def test_a_full_frame_draws_no_hidden_line_and_is_the_frame_textual_draws(
    settings: Settings, db: Database
) -> None:
    """The screen and each column's frame lie under the titles and cards: a full frame
    does not ask them for lines nobody sees (~180 of the first frame's lines), and comes
    out exactly as Textual's own drawing of it."""
    from textual.containers import Vertical

    from salesdesk.data.demo import fill_demo
    from tests.conftest import TODAY, ready

    fill_demo(db, TODAY)
    app = make_app(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        asked: list[str] = []
        hidden = [app.screen, *app.screen.query(Vertical).filter(".board-column")]
        assert len(hidden) == 4
        for widget in hidden:
            widget.render_lines = (  # type: ignore[method-assign]
                lambda crop, widget=widget, lines=widget.render_lines:
                asked.append(type(widget).__name__) or lines(crop))
        compositor = app.screen._compositor
        ours = compositor._render_chops(compositor.size.region, lambda y: True)
        assert asked == []
        textuals = compositor._textuals_render_chops(compositor.size.region, lambda y: True)
        assert asked  # Textual's own asks them all
        for y, line in enumerate(ours):
            assert _cells(line) == _cells(textuals[y]), y

