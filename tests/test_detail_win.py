"""The card detail's Status field: a win asks the deal value (the same dialog as W on the
board); cancelled, the status stays what it was. Other fields: one line each."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.screens.prospect import ProspectScreen
from salesdesk.screens.won import WonScreen
from tests.conftest import NOW, TODAY, burst

SIZE = (120, 40)
TO_STATUS = ["tab"] * 12  # name, kind, company, title, phone, email, wechat, address, area, source,
# tags, grade, then status


@pytest.fixture
def pid(db: Database) -> int:
    return store.add_prospect(db, NOW, "王伟", grade="A", value=8000)


@pytest.fixture
def app(settings: Settings, db: Database) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


def status(db: Database, pid: int) -> tuple[str, float]:
    fields = store.get_prospect(db, pid, TODAY).fields
    return fields["status"], fields["value"]


async def test_c_in_status_asks_the_deal_value(app: SalesDeskApp, db: Database, pid: int) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "enter", *TO_STATUS, "ctrl+u", "c", "tab")
        assert isinstance(app.screen, WonScreen)
        assert status(db, pid) == ("live", 8000)  # nothing won yet
        await burst(pilot, "ctrl+u", *"12k", "enter")
        assert isinstance(app.screen, ProspectScreen)
        assert status(db, pid) == ("customer", 12000)
        kinds = [a.kind for a in store.get_prospect(db, pid, TODAY).activities]
        assert kinds.count("status") == 1
        assert app.screen.query_one("#field-status").value == "customer"  # type: ignore[attr-defined]


async def test_cancelling_the_value_leaves_the_status(
    app: SalesDeskApp, db: Database, pid: int
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "enter", *TO_STATUS, "ctrl+u", "c", "tab", "escape")
        assert isinstance(app.screen, ProspectScreen)
        assert status(db, pid) == ("live", 8000)
        assert app.screen.query_one("#field-status").value == "live"  # type: ignore[attr-defined]
        await burst(pilot, "escape")  # leaves without asking again
        assert status(db, pid) == ("live", 8000)
        assert not isinstance(app.screen, ProspectScreen | WonScreen)


async def test_escape_with_customer_typed_asks_before_leaving(
    app: SalesDeskApp, db: Database, pid: int
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "enter", *TO_STATUS, "ctrl+u", *"cus", "escape")
        assert isinstance(app.screen, WonScreen)
        await burst(pilot, "enter")  # keeps the card's value
        assert status(db, pid) == ("customer", 8000)
        assert isinstance(app.screen, ProspectScreen)


@pytest.mark.parametrize(("size", "at_least"), [((80, 24), 15), ((100, 30), 20), ((50, 15), 4)])
async def test_one_line_per_field_where_the_width_allows(
    settings: Settings, db: Database, pid: int, size: tuple[int, int], at_least: int
) -> None:
    """80x24 showed 9 fields (a blank line after each); now one line each (at 50 columns
    each label goes above its field)."""
    app = make_app(settings, db)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await burst(pilot, "enter")
        screen = app.screen
        form = screen.query_one("#detail-form")
        shown = [f for f in screen.query("Input")
                 if f.id and f.id.startswith("field-") and form.region.contains_region(f.region)]
        assert len(shown) >= at_least
        rows = {f.region.y for f in shown}
        assert len(rows) == len(shown)  # one field per line
        if size[0] >= 64:
            label = screen.query_one("#field-phone").parent.query_one("Label")  # type: ignore[union-attr]
            assert label.region.y == screen.query_one("#field-phone").region.y


async def test_lost_in_status_asks_why_and_escape_keeps_the_status(
    app: SalesDeskApp, db: Database, pid: int
) -> None:
    from salesdesk.screens.reason import ReasonScreen

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "enter", *TO_STATUS, "ctrl+u", *"lost", "tab")
        assert isinstance(app.screen, ReasonScreen)
        assert status(db, pid)[0] == "live"  # nothing yet
        await burst(pilot, "escape")
        assert isinstance(app.screen, ProspectScreen)
        assert status(db, pid)[0] == "live"
        assert app.screen.query_one("#field-status").value == "live"  # type: ignore[attr-defined]
        app.screen.query_one("#field-status").focus()
        await burst(pilot, "ctrl+u", *"lost", "tab", "1", "tab", *"too dear", "enter")
        assert isinstance(app.screen, ProspectScreen)
        assert status(db, pid)[0] == "lost"
        with db.connect() as conn:
            assert conn.execute(
                "SELECT reason, reason_note FROM activity WHERE prospect_id = ? "
                "AND to_status = 'lost'", (pid,)).fetchone() == ("price", "too dear")
