"""What a rep expects on the board (issue 12), with keys typed as fast as a person types:
the pipeline in the header, drop and lost with a reason, redo, pinyin in the filter, email
and WeChat in the n form."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import Static

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.screens.board import BoardScreen
from salesdesk.screens.reason import ReasonScreen
from tests.conftest import NOW, TODAY, burst, status, until


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    return {
        "hai": store.add_prospect(db, NOW, "王海燕", company="北京科技", grade="A", value=20000),
        "wei": store.add_prospect(db, NOW, "王伟", grade="C", value=5000),
        "ann": store.add_prospect(db, NOW, "Ann Lee", grade="B", value=8000),
    }


@pytest.fixture
def app(settings: Settings, db: Database) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


def header(app: SalesDeskApp) -> str:
    return str(app.screen.query_one("#summary", Static).render())


def board(app: SalesDeskApp) -> BoardScreen:
    assert isinstance(app.screen, BoardScreen)
    return app.screen


def fields(db: Database, pid: int) -> dict[str, Any]:
    return store.get_prospect(db, pid, TODAY).fields


def last_status(db: Database, pid: int) -> tuple[Any, ...]:
    with db.connect() as conn:
        return tuple(conn.execute(
            "SELECT to_status, reason, reason_note FROM activity WHERE prospect_id = ? "
            "AND kind = 'status' ORDER BY id DESC LIMIT 1", (pid,)).fetchone())


async def select(pilot: Any, app: SalesDeskApp, name: str) -> None:
    """Filter the board down to one card by typing its name, then leave the filter."""
    await burst(pilot, "slash", *name, "enter")
    # (a short word is answered once the filter's text is read, in its thread)
    await until(pilot, lambda: [c.name for c in board(app).cards] == [name])


async def test_the_header_shows_the_pipeline_and_follows_a_change(
    app: SalesDeskApp, settings: Settings, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        line = header(app)
        assert "value A 20k · B 8,000 · C 5,000 = 33k · forecast 15k" in line  # 12k+2.4k+500
        await burst(pilot, "c")  # 王海燕 A → C: the forecast drops at once
        assert "value A 0 · B 8,000 · C 25k = 33k · forecast 4,900" in header(app)
    narrow = make_app(settings, db)
    async with narrow.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = header(narrow)
        # Today's count comes first; the pipeline takes what room is left.
        assert "today " in line and "value A" not in line
        assert len(line) <= 78


async def test_the_forecast_follows_the_setting(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    store.set_setting(db, "forecast_probability", "A=100%,B=0,C=0")
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        assert "forecast 20k" in header(app)


async def test_lost_asks_why_and_keeps_the_reason(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await select(pilot, app, "Ann Lee")
        await burst(pilot, "X", *"comp", "tab", *"Acme was 20% cheaper", "enter")
        assert fields(db, ids["ann"])["status"] == "lost"
        assert last_status(db, ids["ann"]) == ("lost", "competitor", "Acme was 20% cheaper")
        assert status(app) == "Ann Lee: lost · chose a competitor: Acme was 20% cheaper (u undoes)"


async def test_a_reason_not_on_the_list_is_said_inline_and_nothing_changes(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await select(pilot, app, "王伟")
        await burst(pilot, "x", *"9", "tab", *"moved away", "enter")
        assert isinstance(app.screen, ReasonScreen)
        error = str(app.screen.query_one("#e-reason", Static).render())
        assert "'9' is not a reason: use 1 price" in error
        assert app.screen.value("why") == "moved away"  # nothing typed is lost
        assert fields(db, ids["wei"])["status"] == "live"
        await burst(pilot, "backspace", "5", "enter")  # the reason field has the focus
        assert last_status(db, ids["wei"]) == ("dropped", "silent", "moved away")


async def test_a_drop_without_a_reason_is_kept_as_not_said(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await select(pilot, app, "王伟")
        await burst(pilot, "x", "enter")
        assert last_status(db, ids["wei"]) == ("dropped", None, "")


async def test_redo_with_U_and_ctrl_y_puts_back_what_undo_reversed(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await select(pilot, app, "Ann Lee")
        await burst(pilot, "a", "u", "U")
        assert fields(db, ids["ann"])["grade"] == "A"
        await burst(pilot, "c", "u", "u")
        assert fields(db, ids["ann"])["grade"] == "B"
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert fields(db, ids["ann"])["grade"] == "A"
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert fields(db, ids["ann"])["grade"] == "C"
        assert [c.grade.value for c in board(app).cards] == ["C"]  # the board followed
        await burst(pilot, "U")
        assert status(app) == "Nothing to redo (only what undo reversed, before another change)"


async def test_the_board_filter_finds_chinese_names_by_pinyin(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await burst(pilot, "slash", *"wang", "enter")
        assert {c.name for c in board(app).cards} == {"王海燕", "王伟"}
        await burst(pilot, "escape", "slash", *"wh", "enter")  # (short: from the text)
        await until(pilot, lambda: [c.name for c in board(app).cards] == ["王海燕"])
        await burst(pilot, "escape", "slash", *"bjkj", "enter")
        assert [c.name for c in board(app).cards] == ["王海燕"]


async def test_the_new_card_form_takes_email_and_wechat(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await burst(pilot, "n", *"李娜", *["tab"] * 8, *"li@x.cn", "tab", *"lina_88", "enter")
        (card,) = store.list_cards(db, TODAY, search="lina")
        stored = fields(db, card.id)
        assert (stored["email"], stored["wechat"], stored["pinyin_key"]) == (
            "li@x.cn", "lina_88", "lina ln")
        await burst(pilot, "slash", *"lina_8", "enter")  # WeChat is searched too
        assert [c.name for c in board(app).cards] == ["李娜"]
