"""The MAN check: store commands, the queue screen (Pilot), the CLI and the board filter."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.cli.main import app as cli_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.rules.man import Verdict
from salesdesk.screens.board import BoardScreen
from salesdesk.screens.man_check import ManCheckScreen
from tests.conftest import NOW, TODAY, notes, snapshot_after

SIZE = (100, 36)


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    """One card of each kind the queue cares about."""
    found = {
        "qualified": store.add_prospect(
            db, NOW, "Quinn Qualified", grade="A", money="yes", authority="yes", need="yes"
        ),
        "unknown": store.add_prospect(db, NOW, "Una Unknown", grade="B"),
        "contact": store.add_prospect(
            db, NOW, "Cory Contact", grade="C", money="yes", authority="no", need="yes"
        ),
        "hopeless": store.add_prospect(
            db, NOW, "Hope Less", grade="C", money="no", authority="no", need="no"
        ),
    }
    return found


@pytest.fixture
def app(settings: Settings, db: Database) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


def fields(db: Database, prospect_id: int) -> dict[str, Any]:
    return store.get_prospect(db, prospect_id, TODAY).fields


def man_screen(app: SalesDeskApp) -> ManCheckScreen:
    assert isinstance(app.screen, ManCheckScreen)
    return app.screen


# --------------------------------------------------------------------------- store


def test_queue_puts_incomplete_first_then_unqualified_and_skips_qualified(
    db: Database, ids: dict[str, int]
) -> None:
    queue = store.man_queue(db, TODAY)
    assert queue[0] == ids["unknown"]
    assert set(queue[1:]) == {ids["contact"], ids["hopeless"]}
    assert ids["qualified"] not in queue


def test_set_man_logs_what_changed_and_undoes(db: Database, ids: dict[str, int]) -> None:
    result = store.set_man(db, NOW, ids["contact"], authority="yes", decider="Mrs Li")
    assert (result.case, result.verdict) == ("MAN", Verdict.QUALIFIED)
    detail = store.get_prospect(db, ids["contact"], TODAY)
    assert detail["authority"] == "yes" and detail["decider"] == "Mrs Li"
    note = detail.activities[0].note
    assert detail.activities[0].kind == "man"
    assert "MaN → MAN" in note and "qualified" in note and "authority yes" in note
    store.undo(db)
    detail = store.get_prospect(db, ids["contact"], TODAY)
    assert detail["authority"] == "no" and detail["decider"] == ""
    assert detail.activities == ()


def test_set_man_rejects_bad_answers(db: Database, ids: dict[str, int]) -> None:
    with pytest.raises(store.InputError, match="money"):
        store.set_man(db, NOW, ids["unknown"], money="maybe")


def test_potential_and_priority(db: Database, ids: dict[str, int]) -> None:
    assert store.set_potential(db, NOW, ids["unknown"], "pot_fit", True) == 1
    assert store.set_potential(db, NOW, ids["unknown"], "pot_plan", True) == 2
    card = store.get_card(db, ids["unknown"], TODAY)
    assert card.potential == 2 and card.priority == 4 and not card.priority_set
    store.set_priority(db, NOW, ids["unknown"], 2)
    card = store.get_card(db, ids["unknown"], TODAY)
    assert (card.priority, card.priority_set) == (2, True)
    with pytest.raises(store.InputError):
        store.set_priority(db, NOW, ids["unknown"], 5)
    with pytest.raises(store.InputError):
        store.set_potential(db, NOW, ids["unknown"], "pot_luck", True)


def test_priority_is_suggested_from_the_card(db: Database) -> None:
    customer = store.add_prospect(db, NOW, "Bought", grade="A")
    store.set_status(db, NOW, customer, "customer")
    quasi = store.add_prospect(
        db, NOW, "Asks a lot", phone="1", email="a@b.c", inquiries=3, stage="prospective"
    )
    intent = store.add_prospect(db, NOW, "Wants copiers", product_interest="copiers", value=5000)
    vague = store.add_prospect(db, NOW, "Vague")
    level = {
        pid: store.get_card(db, pid, TODAY).priority for pid in (customer, quasi, intent, vague)
    }
    assert level == {customer: 1, quasi: 2, intent: 3, vague: 4}


# --------------------------------------------------------------------------- screen


async def test_keys_set_each_element_and_persist(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        screen = man_screen(app)
        assert screen.state is not None and screen.state.id == ids["unknown"]
        await pilot.press("m", "a", "n")  # money: yes; authority: yes; need: yes
        await pilot.pause()
        card = fields(db, ids["unknown"])
        assert (card["money"], card["authority"], card["need"]) == ("yes", "yes", "yes")
        await pilot.press("n")  # need: yes -> no
        await pilot.pause()
        assert fields(db, ids["unknown"])["need"] == "no"
        assert screen.state is not None and screen.state.result.case == "MAn"
        kinds = [a.kind for a in store.get_prospect(db, ids["unknown"], TODAY).activities]
        assert kinds == ["man"] * 4


async def test_queue_navigation_decider_potential_priority(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        screen = man_screen(app)
        await pilot.press("space")
        assert screen.state is not None and screen.state.id != ids["unknown"]
        second = screen.state.id
        await pilot.press("backspace")
        assert screen.state is not None and screen.state.id == ids["unknown"]
        await pilot.press("d", *"王经理", "enter")
        await pilot.pause()
        assert fields(db, ids["unknown"])["decider"] == "王经理"
        assert app.focused is None
        await pilot.press("1", "7", "p")
        await pilot.pause()
        card = fields(db, ids["unknown"])
        assert card["pot_growth"] and card["pot_relationship"] and card["priority"] == 1
        await pilot.press("enter")
        assert screen.state is not None and screen.state.id == second


async def test_stop_contact_asks_first_and_undo(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        screen = man_screen(app)
        while screen.state is not None and screen.state.id != ids["hopeless"]:
            await pilot.press("space")
        await pilot.press("x", "n")
        await pilot.pause()
        assert fields(db, ids["hopeless"])["status"] == "live"
        await pilot.press("x", "y")
        await pilot.pause()
        assert fields(db, ids["hopeless"])["status"] == "dropped"
        await pilot.press("u")
        await pilot.pause()
        assert fields(db, ids["hopeless"])["status"] == "live"


async def test_stop_contact_only_for_man(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("x")  # the first card (unknown) is not m a n: it says so
        await pilot.pause()
        assert isinstance(app.screen, ManCheckScreen)
        assert fields(db, ids["unknown"])["status"] == "live"
        said = notes(app)
        assert any("only for m a n" in message for message in said), said


async def test_escape_back_to_board_shows_the_new_letters(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m", "m")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        card = next(c for c in board.cards if c.id == ids["unknown"])
        assert card.man == "M??"


async def test_empty_queue_says_so(settings: Settings, db: Database) -> None:
    store.add_prospect(db, NOW, "All good", money="yes", authority="yes", need="yes")
    async with make_app(settings, db).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        text = str(app_screen_text(pilot.app))
        assert "nothing to check" in text


async def test_an_empty_database_says_where_prospects_come_from(
    settings: Settings, db: Database
) -> None:
    async with make_app(settings, db).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        text = app_screen_text(pilot.app)
        assert "No prospects yet" in text and "qualified" not in text


def app_screen_text(app: SalesDeskApp) -> str:
    return str(app.screen.query_one("#man-empty").render())


async def test_board_verdict_filter_cycles(app: SalesDeskApp, ids: dict[str, int]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        await pilot.press("f")  # qualified
        shown = [c.id for col in board.columns for c in col.cards]
        assert shown == [ids["qualified"]]
        await pilot.press("f")  # contact
        shown = [c.id for col in board.columns for c in col.cards]
        assert shown == [ids["contact"]]
        for _ in range(4):  # nurture, drop, incomplete, back to all
            await pilot.press("f")
        assert sum(len(col.cards) for col in board.columns) == 4


def test_man_screen_snapshot(
    snap_compare,
    settings: Settings,
    db: Database,  # type: ignore[no-untyped-def]
    ids: dict[str, int],
) -> None:
    app = make_app(settings, db)
    assert snap_compare(app, terminal_size=(80, 24), run_before=snapshot_after("m"))


# --------------------------------------------------------------------------- CLI


def run(db_path: Path, *args: str) -> Any:
    return CliRunner().invoke(cli_app, ["--db", str(db_path), *args])


def test_cli_man_sets_and_prints(db_path: Path, db: Database, ids: dict[str, int]) -> None:
    result = run(db_path, "man", str(ids["unknown"]), "--money", "yes", "--need", "y")
    assert result.exit_code == 0, result.output
    assert "M?N" in result.output and "incomplete" in result.output
    assert "Who decides, and who can say no?" in result.output
    result = run(db_path, "man", str(ids["unknown"]), "--authority", "no", "--decider", "[b]Li[/b]")
    assert "MaN" in result.output and "Find the person who has the authority." in result.output
    assert "[b]Li[/b]" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("man", "1", "--money", "maybe"),
        ("man", "999", "--money", "yes"),
        ("man", "abc"),
        ("list", "--man", "hot"),
    ],
)
def test_cli_man_bad_input(
    db_path: Path, db: Database, ids: dict[str, int], args: tuple[str, ...]
) -> None:
    result = run(db_path, *args)
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_cli_list_by_verdict_and_json_fields(
    db_path: Path, db: Database, ids: dict[str, int]
) -> None:
    result = run(db_path, "list", "--man", "contact", "--json")
    data = json.loads(result.output)
    assert [d["id"] for d in data] == [ids["contact"]]
    assert data[0]["man"] == "MaN" and data[0]["verdict"] == "contact"
    assert data[0]["score"] == 0 and data[0]["priority"] == 4
    drops = json.loads(run(db_path, "list", "--man", "not a prospect", "--json").output)
    assert [d["id"] for d in drops] == [ids["hopeless"]]


def test_regrading_a_closed_card_records_the_reopening(db: Database) -> None:
    """The weekly review counts reopened cards from status changes: regrade records one."""
    card = store.add_prospect(db, NOW, "Came back", grade="B")
    store.set_status(db, NOW, card, "parked")
    store.regrade(db, NOW, card, "A")
    kinds = [(a.kind, a.note) for a in store.get_prospect(db, card, TODAY).activities[:2]]
    assert ("status", "parked → live") in kinds and ("grade", "") in kinds
    assert fields(db, card)["status"] == "live"


async def test_u_undoes_only_the_card_on_screen(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """A change to the previous card is not undone from the next one (unseen); back on
    that card, u undoes it."""
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        screen = man_screen(app)
        assert screen.state is not None
        first = screen.state.id
        before = fields(db, first)["need"]
        await pilot.press("n", "space", "u")
        await pilot.pause()
        assert fields(db, first)["need"] != before  # not undone from another card
        assert any("not to this card" in message for message in notes(app))
        await pilot.press("backspace", "u")
        await pilot.pause()
        assert fields(db, first)["need"] == before
