"""Closing a dialog (SalesDeskModal.dismiss/remove) draws the board once, and what it draws
is what a fresh drawing of the same state shows, resized or not; repaints are never left held."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual import events

from salesdesk.app import make_app
from salesdesk.config import Settings
from salesdesk.data.db import Database
from salesdesk.data.demo import fill_demo
from salesdesk.screens.base import SalesDeskModal
from salesdesk.screens.confirm import ConfirmScreen
from salesdesk.widgets.repaint import covered_region
from salesdesk.widgets.status_line import StatusLine
from tests.conftest import TODAY, burst, ready
from tests.terminal_grid import drawn_now, keep_terminal

TOUCH = ("t", *"rang", "enter")
NEXT = ("d", *"fri", "tab", "ctrl+u", *"visit", "enter")
HELP = ("?", "escape")


def screen_text(app: Any) -> list[str]:
    """The whole screen as the compositor draws it now, one string per line."""
    return ["".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips()]


async def redrawn_text(app: Any, pilot: Any) -> list[str]:
    """The same screen laid out and drawn again from scratch (every widget refreshed)."""
    for widget in app.screen.walk_children():
        widget.refresh(layout=True)
    app.screen.refresh(layout=True)
    await ready(pilot)
    return screen_text(app)


@pytest.mark.parametrize("keys", [TOUCH, NEXT], ids=["touch", "next"])
@pytest.mark.parametrize("resize", [False, True], ids=["same", "resized"])
async def test_the_board_after_a_dialog_closes_is_a_fresh_drawing(
    settings: Settings, db: Database, keys: tuple[str, ...], resize: bool
) -> None:
    fill_demo(db, TODAY)
    size = (100, 30)
    app = make_app(settings, db)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await burst(pilot, keys[0])
        assert isinstance(app.screen, SalesDeskModal)
        if resize:
            size = (120, 36)
            await pilot.resize_terminal(*size)
            await pilot.pause()
        await burst(pilot, *keys[1:])
        await ready(pilot)
        assert not isinstance(app.screen, SalesDeskModal)
        shown = screen_text(app)
        assert app.screen.size == size
        assert shown == await redrawn_text(app, pilot)


def count_updates(app: Any) -> list[int]:
    """Count the screen updates the app would write (the headless driver drops them)."""
    updates = [0]
    display = app._display

    def counting(screen: Any, renderable: Any) -> None:
        if renderable is not None and not app._batch_count:
            updates[0] += 1
        display(screen, renderable)

    app._display = counting
    return updates


@pytest.mark.parametrize("keys", [TOUCH, NEXT], ids=["touch", "next"])
async def test_closing_a_dialog_is_one_screen_update(
    settings: Settings, db: Database, keys: tuple[str, ...]
) -> None:
    fill_demo(db, TODAY)
    app = make_app(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await burst(pilot, *keys[:-1])
        await ready(pilot)
        updates = count_updates(app)
        await burst(pilot, keys[-1])
        await ready(pilot)
        assert not isinstance(app.screen, SalesDeskModal)
        assert updates[0] == 1


@pytest.mark.parametrize("keys", [TOUCH, NEXT], ids=["touch", "next"])
async def test_a_saved_dialogs_frame_waits_neither_for_its_removal_nor_for_slow_widgets(
    settings: Settings, db: Database, keys: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The board is drawn once the dialog's callback has run and Textual has begun to
    remove the dialog, not when its widgets are all gone (~10 ms for a form, here made
    0.4 s); and what the callback changed is in that frame though every board widget's
    own queue tells the screen 80 ms late (SalesDeskModal.dismiss, repaint_pending)."""
    fill_demo(db, TODAY)
    app = make_app(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await burst(pilot, *keys[:-1])
        await ready(pilot)
        board = app.screen_stack[-2]
        loop = asyncio.get_running_loop()
        for widget in board.walk_children():
            check = widget._check_refresh
            monkeypatch.setattr(widget, "_check_refresh",
                                lambda check=check: loop.call_later(0.08, check))
        prune = app._prune

        def slow_prune(*nodes: Any, parent: Any = None) -> Any:
            async def later() -> None:
                await asyncio.sleep(0.4)
                await prune(*nodes, parent=parent)
            return asyncio.ensure_future(later())

        monkeypatch.setattr(app, "_prune", slow_prune)
        terminal = keep_terminal(app)
        frames = count_updates(app)
        status = board.query_one(StatusLine)
        said = status.said
        app.post_message(events.Key("enter", "\r"))  # (burst would wait for the removal)
        await pilot.pause(0.25)
        assert app.screen is board and status.said != said  # saved, and said so
        assert frames[0] == 1
        assert terminal.cells == drawn_now(app).cells  # the change all drawn in it
        await ready(pilot)
        assert frames[0] == 1


async def test_a_burst_of_closes_leaves_no_repaint_held(settings: Settings, db: Database) -> None:
    fill_demo(db, TODAY)
    app = make_app(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await burst(pilot, *(TOUCH + NEXT + ("j",)) * 6)
        await ready(pilot)
        assert app._batch_count == 0
        assert not isinstance(app.screen, SalesDeskModal)
        before = screen_text(app)
        updates = count_updates(app)
        await burst(pilot, "k", "k")
        await ready(pilot)
        assert updates[0] >= 1 and screen_text(app) != before  # the board still draws
        assert screen_text(app) == await redrawn_text(app, pilot)


async def held_after_a_crash(settings: Settings, db: Database, dialog: bool) -> int:
    """Repaints held when the app has stopped on an exception raised by a callback,
    a dialog's dismiss callback or (to compare: what Textual itself holds) a plain one."""
    app = make_app(settings, db)

    def boom(answer: bool | None = None) -> None:
        raise RuntimeError("callback failed")

    with pytest.raises(RuntimeError, match="callback failed"):
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            if dialog:
                app.push_screen(ConfirmScreen("Sure?"), callback=boom)
                await ready(pilot)
                await pilot.press("y")
            else:
                app.call_later(boom)
            await pilot.pause()
    return int(app._batch_count)


async def test_a_failing_dismiss_callback_leaves_no_repaint_held(
    settings: Settings, db: Database
) -> None:
    fill_demo(db, TODAY)
    assert await held_after_a_crash(settings, db, True) == await held_after_a_crash(
        settings, db, False)


@pytest.mark.parametrize(("keys", "close"), [
    (TOUCH, "enter"), (TOUCH, "escape"), (NEXT, "enter"), (NEXT, "escape"), (HELP, "escape"),
], ids=["touch-saved", "touch-cancelled", "next-saved", "next-cancelled", "help"])
async def test_after_a_dialog_the_terminal_shows_a_fresh_drawing(
    settings: Settings, db: Database, keys: tuple[str, ...], close: str
) -> None:
    """The dialog tints nothing beneath it, so closing it draws its box again and what the
    key changed, not the whole board (SalesDeskModal.dismiss, widgets.repaint): what the
    terminal shows then, every update applied, is what a fresh drawing shows. Cancelled,
    nothing but the box's rows is written."""
    fill_demo(db, TODAY)
    app = make_app(settings, db)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        terminal = keep_terminal(app)
        before = drawn_now(app).cells
        await burst(pilot, *keys[:-1])
        await ready(pilot)
        assert isinstance(app.screen, SalesDeskModal)
        box = covered_region(app.screen)  # (the help: its box and its own Footer)
        assert box is not None
        # Beneath the box the board shows as it was (not tinted).
        outside = [(x, y) for y in range(36) for x in range(120) if (x, y) not in box]
        assert all(terminal.cells[y][x] == before[y][x] for x, y in outside)
        terminal.forget()
        await burst(pilot, close)
        await ready(pilot)
        assert not isinstance(app.screen, SalesDeskModal)
        assert terminal.cells == drawn_now(app).cells
        if close == "escape":
            assert terminal.rows() == set(range(box.y, box.bottom))
        else:
            assert set(range(box.y, box.bottom)) <= terminal.rows()
