"""The Conflicts screen (``f7``, or ``ctrl+p`` → Conflicts): a check-out file's rows
changed here and on the server, settled with one key each, then the database checked."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Static
from typer.testing import CliRunner

from salesdesk.app import make_app
from salesdesk.cli.main import app as cli_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.checkout import checkin, conflicts
from salesdesk.data.db import Database, open_database
from salesdesk.screens.conflicts import ConflictsScreen
from tests.conftest import NOW, TODAY, burst, ready

SIZE = (100, 30)


def _road_with_two_conflicts(tmp_path: Path, pg_url: str) -> Path:
    """Bob's notes changed on both sides; Eve removed here (an undone add) and changed
    at the office."""
    t0, t1, t2 = NOW - timedelta(days=3), NOW - timedelta(days=2), NOW - timedelta(days=1)
    server = open_database(pg_url)
    try:
        bob = store.add_prospect(server, t0, "Bob [bold]Ltd[/]", notes="as it was")
        eve = store.add_prospect(server, t0, "Eve", notes="as it was")
    finally:
        server.close()
    road = tmp_path / "road.db"
    out = CliRunner().invoke(cli_app, ["checkout", pg_url, "--to", str(road)])
    assert out.exit_code == 0, out.output
    local = open_database(road)
    try:
        assert store.undo(local, now=t1) is not None  # Eve's add
        store.update_fields(local, t1, bob, {"notes": "said on the road"})
    finally:
        local.close()
    server = open_database(pg_url)
    try:
        store.update_fields(server, t2, bob, {"notes": "said at the office"})
        store.update_fields(server, t2, eve, {"notes": "Eve at the office"})
    finally:
        server.close()
    local = open_database(road)
    try:
        assert checkin(local, NOW).conflicts == 2
    finally:
        local.close()
    return road


def _text(app: object) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    return str(screen.query_one("#conflicts-list", Static).render())


async def test_f7_lists_both_conflicts_and_m_t_settle_them(tmp_path: Path, pg_url: str) -> None:
    road = _road_with_two_conflicts(tmp_path, pg_url)
    database = open_database(road)
    app = make_app(Settings(db_path=road, clock=lambda: NOW), database)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            await burst(pilot, "f7")
            await ready(pilot)
            assert isinstance(app.screen, ConflictsScreen)
            shown = _text(app)
            assert "Bob [bold]Ltd[/]" in shown  # literally
            assert "said on the road" in shown and "said at the office" in shown
            assert "removed here" in shown and "Eve" in shown
            await burst(pilot, "m", "t")  # Bob: mine; then Eve: the server's
            await ready(pilot)
            assert "No conflicts" in _text(app)
            await burst(pilot, "escape")
            await ready(pilot)
            assert not isinstance(app.screen, ConflictsScreen)
    finally:
        database.close()
    local = open_database(road)
    try:
        assert conflicts(local) == []
        cards = {c.name: c for c in store.list_cards(local, TODAY)}
        assert store.get_prospect(local, cards["Eve"].id, TODAY)["notes"] == "Eve at the office"
        sent = checkin(local, NOW)
        assert sent.sent["prospect"] == 1 and sent.conflicts == 0  # Bob's, mine
    finally:
        local.close()
    server = open_database(pg_url)
    try:
        cards = {c.name: c for c in store.list_cards(server, TODAY)}
        assert store.get_prospect(server, cards["Bob [bold]Ltd[/]"].id, TODAY)["notes"] \
            == "said on the road"
    finally:
        server.close()


async def test_a_plain_file_says_it_is_not_a_check_out(settings: Settings, db: Database) -> None:
    async with make_app(settings, db).run_test(size=SIZE) as pilot:
        await ready(pilot)
        await burst(pilot, "f7")
        await ready(pilot)
        assert "not a check-out" in _text(pilot.app)
        await burst(pilot, "m")  # nothing to settle: nothing happens, no error
        await ready(pilot)
        assert isinstance(pilot.app.screen, ConflictsScreen)
