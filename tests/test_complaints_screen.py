"""The complaint flow in the TUI, keys pressed as fast as a person types (tests.conftest
.burst), checked in the database: ! on the board, ctrl+r in the card detail, the
Complaints screen's step keys and undo; the board's header and marks; a snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from textual.widgets import Static

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.screens.board import BoardScreen
from salesdesk.screens.complaints import ComplaintsScreen
from salesdesk.screens.prospect import ProspectScreen
from tests.conftest import NOW, burst, ready, snapshot_after

SIZE = (120, 40)


@pytest.fixture
def card(db: Database) -> int:
    return store.add_prospect(db, NOW, "Lin Hua", grade="A")


@pytest.fixture
def app(settings: Settings, db: Database, card: int) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


def header(app: SalesDeskApp) -> str:
    return str(app.screen.query_one("#summary", Static).render())


async def test_bang_on_the_board_records_a_complaint(app: SalesDeskApp, db: Database,
                                                     card: int) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await burst(pilot, "!", *"Screen flickers", "tab", *"a new unit", "tab", *"phone",
                    "tab", *"-2h", "enter")
        (row,) = store.list_complaints(db)
        assert (row.prospect_id, row.said, row.expected, row.channel) == (
            card, "Screen flickers", "a new unit", "phone")
        assert row.received_at == NOW - timedelta(hours=2)
        assert isinstance(app.screen, BoardScreen)
        assert "⚑ 1 by Thu 07:00" in header(app)
        await burst(pilot, "u")
        assert store.list_complaints(db) == []
        assert "⚑" not in header(app)


async def test_an_empty_complaint_is_refused_inline(app: SalesDeskApp, db: Database) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await burst(pilot, "!", "enter")
        assert "say what the customer said" in str(app.screen.query_one("#e-said").render())
        await burst(pilot, *"late", "tab", "tab", "tab", *"tomorrow 9:00", "enter")
        assert "later than now" in str(app.screen.query_one("#e-received").render())
        assert store.list_complaints(db) == []
        await burst(pilot, "ctrl+u", "enter")
        assert len(store.list_complaints(db)) == 1


async def test_ctrl_r_in_the_card_detail(app: SalesDeskApp, db: Database, card: int) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await burst(pilot, "enter")
        assert isinstance(app.screen, ProspectScreen)
        await burst(pilot, "ctrl+r", *"Invoice wrong", "enter")
        (row,) = store.list_complaints(db)
        assert (row.prospect_id, row.said, row.received_at) == (card, "Invoice wrong", NOW)
        assert isinstance(app.screen, ProspectScreen)
        await burst(pilot, "ctrl+z")
        assert store.list_complaints(db) == []


async def test_the_complaints_screen_takes_each_step(app: SalesDeskApp, db: Database,
                                                     card: int) -> None:
    cid = store.record_complaint(db, NOW, card, "late delivery",
                                 received_at=NOW - timedelta(hours=30))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert "⚑ 1 (1 late)" in header(app)
        await burst(pilot, "K")
        assert isinstance(app.screen, ComplaintsScreen)
        assert "answer late 6h" in str(app.screen.query_one("#complaints-list").render())
        await burst(pilot, "enter", *"called back", "enter")  # next step: answered
        await burst(pilot, "c", "q", "tab", *"bad batch", "enter")
        await burst(pilot, "s", *"replaced", "tab", *"10% off", "enter")
        await burst(pilot, "f", "enter")  # resolved: the follow-up form opens
        await burst(pilot, "l", *"check batches", "enter")
        row = store.get_complaint(db, cid)
        assert (row.answered_at, row.cause_kind, row.cause) == (NOW, "quality", "bad batch")
        assert (row.resolution, row.compensation) == ("replaced", "10% off")
        assert row.followed_up_at == NOW
        assert row.lesson == "check batches"
        shown = "\n".join(s.text for s in app.screen._compositor.render_strips())
        assert "every step done" in shown
        await burst(pilot, "a")  # already answered: a line, no form
        assert isinstance(app.screen, ComplaintsScreen)
        await burst(pilot, "u", "u")
        row = store.get_complaint(db, cid)
        assert (row.lesson, row.followed_up_at) == ("", None)
        await burst(pilot, "escape")
        assert isinstance(app.screen, BoardScreen)


def test_complaints_screen_snapshot(snap_compare, settings: Settings, db: Database,  # type: ignore[no-untyped-def]
                                    card: int) -> None:
    other = store.add_prospect(db, NOW, "王伟", company="华信科技", grade="B")
    store.record_complaint(db, NOW, card, "The screen flickers", channel="phone",
                           received_at=NOW - timedelta(hours=3))
    old = store.record_complaint(db, NOW, other, "[bold]送货晚了[/] two weeks",
                                 received_at=NOW - timedelta(hours=30))
    done = store.record_complaint(db, NOW, other, "Wrong invoice",
                                  received_at=NOW - timedelta(days=4))
    store.take_step(db, NOW - timedelta(days=3), done, store_step("answered"))
    store.take_step(db, NOW - timedelta(days=2), done, store_step("resolved"), "new invoice")
    del old
    assert snap_compare(make_app(settings, db), terminal_size=(100, 30),
                        run_before=snapshot_after("K"))


def store_step(name: str):  # type: ignore[no-untyped-def]
    from salesdesk.rules.complaints import Step

    return Step(name)


async def test_a_step_dated_before_the_complaint_is_refused_inline(
    app: SalesDeskApp, db: Database, card: int
) -> None:
    complaint = store.record_complaint(db, NOW - timedelta(hours=2), card, "Late")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await burst(pilot, "K")
        await ready(pilot)
        await burst(pilot, "a", *"sorry", "tab", *"-30h", "enter", *"ok")
        await ready(pilot)
        assert "before the complaint came in" in str(app.screen.query_one("#e-at").render())
        assert not isinstance(app.screen, ComplaintsScreen)  # the form is still open
        assert store.get_complaint(db, complaint).answered_at is None
        await burst(pilot, "ctrl+u", *"-1h", "enter")
        await ready(pilot)
        assert isinstance(app.screen, ComplaintsScreen)
        assert store.get_complaint(db, complaint).answered_at == NOW - timedelta(hours=1)


def test_a_long_text_in_the_detail_wraps_under_its_own_column(db: Database, card: int) -> None:
    """Exploratory test: a long complaint wrapped to column 1, under the labels."""
    from rich.console import Console

    from salesdesk.render.complaints import detail_lines

    said = "the delivery came three days late and half of the parts were scratched " * 3
    cid = store.record_complaint(db, NOW, card, said, expected="[bold]新的[/] " * 12)
    row = store.get_complaint(db, cid)
    console = Console(width=60, record=True, color_system=None)
    console.print(detail_lines(row, 24, NOW))
    lines = console.export_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Received"))
    end = next(i for i, line in enumerate(lines) if line.startswith("Answer due"))
    assert end - start > 3  # it did wrap
    for line in lines[start + 1:end]:
        if not line.startswith("Expected"):
            assert line.startswith(" " * 12) and line[12] != " ", line
    assert "".join(lines[start:end]).count("[bold]新的[/]") == 12  # literal, whole


def test_the_step_letters_legend_fits_one_line_at_80_columns() -> None:
    from salesdesk.render.complaints import steps_legend

    assert steps_legend(120).plain.startswith("steps: R received")
    narrow = steps_legend(76).plain  # the list's width in an 80-column terminal
    assert narrow.startswith("R received") and len(narrow) <= 76
