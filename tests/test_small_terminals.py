"""Small terminals: the Footer never cuts a key in half, 80x24 reaches the daily keys, and
at 50x15 every screen is usable or says plainly that it needs more room."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from textual.app import App

from salesdesk.app import make_app
from salesdesk.config import Settings
from salesdesk.data import store, visits
from salesdesk.data.db import Database
from salesdesk.widgets.fitting_footer import FittingFooter
from tests.conftest import NOW, TODAY, burst, ready


@pytest.fixture
def filled(db: Database) -> Database:
    for index in range(12):
        pid = store.add_prospect(db, NOW, f"Card {index} 王伟", company="华信科技",
                                 grade="ABC"[index % 3], next_date=TODAY + timedelta(days=index))
        if index < 6:
            visits.plan_visit(db, NOW, pid, TODAY + timedelta(days=index % 3))
    return db


def footer_keys(app: App[Any]) -> list[tuple[str, int, int]]:
    """(text, x, right edge) of every key the Footer shows."""
    footer = app.screen.query_one(FittingFooter)
    shown = []
    for key in footer.query("FooterKey"):
        if key.display and key.region.width:
            shown.append((str(key.render()), key.region.x, key.region.right))
    return shown


def footer_recomposes(monkeypatch: pytest.MonkeyPatch) -> list[FittingFooter]:
    """Every Footer that composes its keys again from now on (each time, in order)."""
    composed: list[FittingFooter] = []
    original = FittingFooter.recompose

    async def counted(self: FittingFooter) -> None:
        composed.append(self)
        await original(self)

    monkeypatch.setattr(FittingFooter, "recompose", counted)
    return composed


@pytest.mark.parametrize("width", [50, 64, 80, 90, 100, 111, 120, 133, 140])
async def test_the_footer_shows_whole_keys_only(
    settings: Settings, filled: Database, width: int
) -> None:
    app = make_app(settings, filled)
    async with app.run_test(size=(width, 24)) as pilot:
        await ready(pilot)
        keys = footer_keys(app)
        assert keys and keys[0][0].strip().startswith("?")
        for text, _x, right in keys:
            assert right <= width, (text, right)
        ordered = sorted(keys, key=lambda k: k[1])
        for (_, _, end), (_, start, _) in zip(ordered, ordered[1:], strict=False):
            assert end <= start  # none overlaps the next (none cut by it)


async def test_80x24_reaches_the_daily_keys_from_the_footer(
    settings: Settings, filled: Database
) -> None:
    app = make_app(settings, filled)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        words = " ".join(text for text, _, _ in footer_keys(app))
        for key in ("m MAN", "v Visits", "w Review", "i Import", "t Log", "u Undo"):
            assert key in words, words


@pytest.mark.parametrize("width", [80, 100, 140])
async def test_the_filter_hides_and_brings_back_the_footer_keys_without_composing_them(
    settings: Settings, filled: Database, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    """``/`` leaves the palette's key alone in the Footer and Escape brings the board's
    back, as composing the keys again would show them, but without composing them (~20
    keys, their styles and two layouts: ~150 ms of each at 100,000 cards)."""
    app = make_app(settings, filled)
    async with app.run_test(size=(width, 24)) as pilot:
        await ready(pilot)
        board_keys = footer_keys(app)
        footer = app.screen.query_one(FittingFooter)
        composed = footer_recomposes(monkeypatch)
        await burst(pilot, "slash")
        await ready(pilot)
        filter_keys = footer_keys(app)
        assert all("^p" in text for text, _, _ in filter_keys)
        await burst(pilot, "escape", "slash", "escape")
        await ready(pilot)
        assert footer not in composed  # (the card detail made ready has its own)
        assert footer_keys(app) == board_keys
        await burst(pilot, "slash")
        await ready(pilot)
        assert footer_keys(app) == filter_keys
        await footer.recompose()  # what composing them shows in the filter
        await ready(pilot)
        assert footer_keys(app) == filter_keys


@pytest.mark.parametrize("size", [(80, 24), (72, 30), (100, 30), (140, 45)])
async def test_the_month_keeps_each_count_on_its_date_line(
    settings: Settings, db: Database, size: tuple[int, int]
) -> None:
    """At 80x24 the new-customer day's ``13★`` left no room for ``3/4⚠``, which went on
    the next line, among the names."""
    import re

    from salesdesk.data.demo import fill_demo

    fill_demo(db, TODAY)
    app = make_app(settings, db)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await burst(pilot, "v", "v")
        await ready(pilot)
        grid = app.screen.query_one("PlanGrid")
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
        cells = [piece for line in lines[grid.region.y + 1: grid.region.bottom]
                 for piece in line[grid.region.x: grid.region.right].split("│")]
        assert any(re.match(r"\s*13★", cell) for cell in cells)  # the new-customer day
        for cell in cells:
            assert not re.match(r"^\s*\d+(/\d+)?!?⚠?\s*$", cell) or re.match(r"^\s*\d+\s*$", cell)


#: How to open each screen from the board, and what must then be on screen.
SCREENS: dict[str, tuple[list[str], list[str]]] = {
    "board": ([], ["Card 0", "? Help"]),
    "detail": (["enter"], ["Name", "Card kind"]),
    "touch": (["t"], ["Kind:", "note", "Note"]),
    "next step": (["d"], ["Date", "Action"]),
    "new": (["n"], ["Name", "Company"]),
    "won": (["W"], ["Deal value"]),
    "MAN check": (["m"], ["MAN check", "Money"]),
    "week": (["v"], ["Visits", "Wed 18"]),
    "month": (["v", "v"], ["Visits", "Mon", "Sun"]),
    "suggestions": (["v", "tab"], ["Suggestions"]),
    "review": (["w"], ["Weekly review"]),
    "import": (["i"], ["Import contacts"]),
    "help": (["?"], ["Keys", "Column left"]),
    "complaint": (["!"], ["They said", "Came in"]),
    "complaints": (["K"], ["Complaints", "Open ("]),
}


@pytest.mark.parametrize("size", [(50, 15), (80, 24)])
@pytest.mark.parametrize("name", sorted(SCREENS))
async def test_every_screen_is_usable_at_50x15_and_80x24(
    settings: Settings, filled: Database, name: str, size: tuple[int, int]
) -> None:
    keys, words = SCREENS[name]
    app = make_app(settings, filled)
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.pause()
        await burst(pilot, *keys)
        await ready(pilot)
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
        text = "\n".join(lines)
        for word in words:
            assert word in text, (name, word, text)
        assert all(len(line) <= size[0] * 2 for line in lines)


async def test_a_terminal_too_small_is_told_so(settings: Settings, filled: Database) -> None:
    app = make_app(settings, filled)
    async with app.run_test(size=(40, 12), notifications=True) as pilot:
        await ready(pilot)
        assert any("needs at least 50x15" in str(t.render()) for t in app.screen.query("Toast"))


FORMS = ("detail", "import")
BACK_SCREENS = ["detail", "MAN check", "week", "review", "import", "complaints"]


@pytest.mark.parametrize("width", [64, 80, 100])
@pytest.mark.parametrize("name", BACK_SCREENS)
async def test_every_screen_keeps_help_and_back_in_its_footer(
    settings: Settings, filled: Database, name: str, width: int
) -> None:
    """``esc Back`` is last in a screen's keys but is the one a rep must always find: when
    keys are left out for room, it is not among them."""
    keys, _words = SCREENS[name]
    app = make_app(settings, filled)
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.pause()
        await burst(pilot, *keys)
        await ready(pilot)
        await pilot.pause()
        shown = footer_keys(app)
        words = [text.split()[0] for text, _, _ in shown]
        assert "esc" in words, (name, width, shown)
        if name not in FORMS:  # in a form, ? is typed into the field
            assert "?" in words, (name, width, shown)
        for text, _x, right in shown:
            assert right <= width, (text, right)
