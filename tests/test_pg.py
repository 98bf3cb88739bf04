"""PostgreSQL as the rep meets it: psycopg only for server URLs, the schema's version
rules, one clear line for every way a server can be out of reach, and a connection lost
mid-session (the board says so inline, keeps what was typed, and works on the retry)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from textual.widgets import Input
from typer.testing import CliRunner

from salesdesk.app import make_app
from salesdesk.cli.main import app as cli_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import SCHEMA_VERSION, Database, busy_message, open_database
from salesdesk.data.dialect import to_postgres
from salesdesk.errors import DatabaseError
from salesdesk.screens.touch import TouchScreen
from salesdesk.widgets.status_line import StatusLine
from tests.conftest import NOW, TODAY, until
from tests.pg_fixtures import with_database

runner = CliRunner()


def sd(*args: str) -> Any:
    return runner.invoke(cli_app, list(args), catch_exceptions=False)


def one_line_failure(result: Any, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


def test_sqlite_start_never_imports_psycopg(db_path: Path) -> None:
    code = (
        "import sys; from salesdesk.data.db import open_database; from salesdesk.data import "
        f"store; d = open_database({str(db_path)!r}); store.list_cards(d, __import__("
        "'datetime').date.today()); print('psycopg' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def test_the_dialect_rewrites_only_code() -> None:
    assert to_postgres("SELECT a FROM t WHERE b = ? AND c = '?%'") == (
        "SELECT a FROM t WHERE b = %s AND c = '?%%'")
    assert to_postgres("INSERT OR IGNORE INTO temp.k VALUES (?)") == (
        "INSERT INTO pg_temp.k VALUES (%s) ON CONFLICT DO NOTHING")
    assert "ILIKE" in to_postgres("SELECT 1 WHERE name LIKE ?")
    assert "'LIKE'" in to_postgres("SELECT 'LIKE'")


def test_a_new_server_database_gets_the_schema_and_its_version(pg_url: str) -> None:
    database = open_database(pg_url)
    try:
        assert database.is_postgres
        pid = store.add_prospect(database, NOW, "王伟", company="华信科技", grade="B")
        card = store.get_card(database, pid, TODAY)
        assert (card.name, card.grade) == ("王伟", "B")
        assert [c.id for c in store.list_cards(database, TODAY, search="华信")] == [pid]
    finally:
        database.close()
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT version FROM sd_schema").fetchone() == (SCHEMA_VERSION,)
        uuid = conn.execute("SELECT uuid FROM prospect").fetchone()[0]
    assert len(uuid) == 36 and uuid[14] == "7"  # a version 7 UUID, as SQLite makes


def test_a_newer_schema_is_refused_with_one_line(pg_url: str) -> None:
    open_database(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE sd_schema SET version = %s", (SCHEMA_VERSION + 1,))
    line = one_line_failure(sd("--db", pg_url, "list"))
    assert "newer SalesDesk" in line and f"schema {SCHEMA_VERSION + 1}" in line


def test_a_database_of_another_program_is_refused(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE recipes (id serial, title text)")
    assert "not a SalesDesk database" in one_line_failure(sd("--db", pg_url, "list"))
    with psycopg.connect(pg_url) as conn:  # left as it was
        tables = conn.execute("SELECT count(*) FROM information_schema.tables "
                              "WHERE table_schema = 'public'").fetchone()
    assert tables == (1,)


def test_unreachable_missing_and_refused_servers_are_one_line_each(
    pg_server: str, tmp_path: Path
) -> None:
    nowhere = f"postgresql://salesdesk@/salesdesk?host={tmp_path}"
    assert "cannot reach the PostgreSQL server" in one_line_failure(sd("--db", nowhere, "list"))
    missing = with_database(pg_server, "no_such_book")
    assert "no such database" in one_line_failure(sd("--db", missing, "list"))
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS pw_rep")
        conn.execute("CREATE ROLE pw_rep LOGIN PASSWORD 'right-one'")
    wrong = pg_server.replace("postgresql://salesdesk@", "postgresql://pw_rep:wrong-one@")
    line = one_line_failure(sd("--db", wrong, "list"))
    assert "refused the password" in line and "wrong-one" not in line  # never echoed


def test_the_board_on_a_server_that_cannot_be_reached_is_one_line(tmp_path: Path) -> None:
    nowhere = f"postgresql://salesdesk@/salesdesk?host={tmp_path}"
    result = subprocess.run([sys.executable, "-m", "salesdesk", "--db", nowhere],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "cannot reach" in result.stderr


def _drop_connections(pg_server: str, url: str) -> None:
    """End every server connection to the test's database and wait until they are gone (a
    bare terminate only signals: on a loaded machine the app's next write could still get
    through before its backend exited)."""
    name = url.split("/")[3].split("?")[0]
    with psycopg.connect(pg_server, autocommit=True) as conn:
        ended = conn.execute(
            "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchall()
    assert ended and all(done for (done,) in ended)


def test_a_connection_lost_mid_change_is_one_line_then_the_retry_works(
    pg_server: str, pg_url: str
) -> None:
    database = open_database(pg_url)
    try:
        pid = store.add_prospect(database, NOW, "Ann", grade="C")
        with pytest.raises(psycopg.OperationalError) as lost, database.begin() as conn:
            conn.execute("UPDATE prospect SET grade = 'B' WHERE id = ?", (pid,))
            _drop_connections(pg_server, pg_url)  # the server goes mid-change
            conn.execute("UPDATE prospect SET grade = 'A' WHERE id = ?", (pid,))
        assert "lost the connection" in (busy_message(lost.value) or "")
        assert database.lost_connections == 1  # a board reads again: "it is back"
        assert store.get_card(database, pid, TODAY).grade == "C"  # nothing half-done
        store.regrade(database, NOW, pid, "A")  # a new connection: the retry works
        assert store.get_card(database, pid, TODAY).grade == "A"
    finally:
        database.close()


def test_a_change_after_the_server_ended_the_idle_connections_just_works(
    pg_server: str, pg_url: str
) -> None:
    """A server restarted between two changes: the pool finds its idle connections
    ended (read from their sockets, no round trip) and makes a new one."""
    database = open_database(pg_url)
    try:
        pid = store.add_prospect(database, NOW, "Ann", grade="C")
        _drop_connections(pg_server, pg_url)
        store.regrade(database, NOW, pid, "A")
        assert store.get_card(database, pid, TODAY).grade == "A"
        assert database.lost_connections == 1
    finally:
        database.close()


def _allow_connections(pg_server: str, url: str, allowed: bool) -> None:
    """Open or shut the test's database to new connections (a server that is down, for
    this database only: the other tests share the cluster)."""
    name = url.split("/")[3].split("?")[0]
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}')


@asynccontextmanager
async def a_note_typed(pg_url: str) -> AsyncIterator[tuple[Any, Any, Database, int]]:
    """The board on ``pg_url`` with one card, Ann Server, whose touch form is open with a
    note typed (not saved): the app, its pilot, the database and the card's id."""
    database = open_database(pg_url)
    pid = store.add_prospect(database, NOW, "Ann Server", grade="A")
    app = make_app(Settings(db_path=pg_url, clock=lambda: NOW), database)
    try:
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await pilot.pause()
            await pilot.press("t", *"Spoke about the offer")  # letters go into the note
            await pilot.pause()
            yield app, pilot, database, pid
    finally:
        database.close()


async def test_the_board_says_inline_when_the_server_goes_and_keeps_what_was_typed(
    pg_server: str, pg_url: str
) -> None:
    try:
        async with a_note_typed(pg_url) as (app, pilot, database, pid):
            _allow_connections(pg_server, pg_url, False)  # the server goes, and stays gone
            _drop_connections(pg_server, pg_url)
            await pilot.press("enter")

            def told() -> str:
                return " ".join(str(n.message) for n in app._notifications)

            await until(pilot, lambda: bool(told()))  # (a loaded machine: later)
            assert "cannot reach the PostgreSQL server" in told()
            assert "what you typed is kept" in told()
            _allow_connections(pg_server, pg_url, True)  # back
            assert store.get_prospect(database, pid, TODAY).activities == ()
            await pilot.press("t")  # the same form again: nothing typed is lost
            await pilot.pause()
            if not isinstance(app.screen, TouchScreen):
                # the board had not read since the server came back: it reads first, says
                # so, and the key is pressed again (no key acts on cards it has not seen)
                said = app.screen.query_one(StatusLine).said + told()
                assert "connection to the server was lost and is back" in said
                assert "press the key again" in said
                await pilot.press("t")
                await pilot.pause()
            note = app.screen.query_one("#f-note", Input)
            assert note.value == "Spoke about the offer"
            # enter on the kind line moves to the note; enter there saves: the retry goes
            # through on a new connection
            await pilot.press("enter", "enter")
            await until(pilot, lambda: bool(store.get_prospect(database, pid, TODAY).activities))
            assert [a.note for a in store.get_prospect(database, pid, TODAY).activities] == [
                "Spoke about the offer"]
    finally:
        _allow_connections(pg_server, pg_url, True)


async def test_a_save_after_the_server_dropped_every_connection_goes_through(
    pg_server: str, pg_url: str
) -> None:
    """A server restarted while the board sat open: the next save notices the pool's
    connections are gone and writes on a new one, with nothing to retype."""
    async with a_note_typed(pg_url) as (app, pilot, database, pid):
        _drop_connections(pg_server, pg_url)
        await pilot.press("enter")
        await until(pilot, lambda: bool(store.get_prospect(database, pid, TODAY).activities))
        assert [a.note for a in store.get_prospect(database, pid, TODAY).activities] == [
            "Spoke about the offer"]
        assert not app._notifications


def test_server_problems_are_database_errors_not_tracebacks() -> None:
    with pytest.raises(DatabaseError, match="cannot reach"):
        open_database("postgresql://salesdesk@/x?host=/nonexistent-folder")


#: What schema 9 added on a server: a complaint's answer and follow-up texts.
_DROP_COMPLAINT_TEXTS = "ALTER TABLE complaint DROP COLUMN answer, DROP COLUMN follow_up_outcome"
_COLUMNS = ("SELECT column_name, data_type, is_nullable, column_default FROM "
            "information_schema.columns WHERE table_name = 'complaint' ORDER BY ordinal_position")


def test_a_server_before_the_complaint_texts_upgrades_with_them_back(pg_url: str) -> None:
    """Schema 9 on a server: the columns as a new server database has them, each text
    taken back from its step's timeline entry."""
    from salesdesk.data.pg_schema import prepare
    from salesdesk.rules.complaints import Step

    database = open_database(pg_url)
    pid = store.add_prospect(database, NOW, "Ann")
    cid = store.record_complaint(database, NOW, pid, "late")
    store.take_step(database, NOW, cid, Step.ANSWERED, "called: sorry [bold]x[/]")
    database.close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        fresh = conn.execute(_COLUMNS).fetchall()
        conn.execute(_DROP_COMPLAINT_TEXTS)
        conn.execute("UPDATE sd_schema SET version = %s", (8,))
    prepare(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT version FROM sd_schema").fetchone() == (SCHEMA_VERSION,)
        assert conn.execute(_COLUMNS).fetchall() == fresh
        assert conn.execute("SELECT answer, follow_up_outcome FROM complaint").fetchall() == [
            ("called: sorry [bold]x[/]", "")]


def test_a_server_before_contact_points_upgrades_to_a_fresh_schema(pg_url: str) -> None:
    """The contact-point step on a server: the table as a new server database has it
    (an identity id, the change trigger), and the notes' lines moved into it."""
    from salesdesk.data.pg_schema import prepare

    database = open_database(pg_url)
    store.add_prospect(database, NOW, "Ann")
    database.close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        fresh = conn.execute(
            "SELECT column_name, data_type, is_nullable, is_identity, column_default FROM "
            "information_schema.columns WHERE table_name = 'contact_point' ORDER BY "
            "ordinal_position").fetchall()
        conn.execute("DROP TABLE contact_point")
        conn.execute(_DROP_COMPLAINT_TEXTS)
        conn.execute("UPDATE prospect SET notes = %s", ("tea\nOther phones: +1 555 0101",))
        conn.execute("UPDATE sd_schema SET version = %s", (6,))  # (before contact points)
    prepare(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT version FROM sd_schema").fetchone() == (SCHEMA_VERSION,)
        assert conn.execute(
            "SELECT column_name, data_type, is_nullable, is_identity, column_default FROM "
            "information_schema.columns WHERE table_name = 'contact_point' ORDER BY "
            "ordinal_position").fetchall() == fresh
        assert conn.execute("SELECT kind, value FROM contact_point").fetchall() == [
            ("phone", "+1 555 0101")]
        assert conn.execute("SELECT notes FROM prospect").fetchone() == ("tea",)
        assert conn.execute("SELECT count(*) FROM pg_trigger WHERE tgname = "
                            "'sd_contact_point_changed'").fetchone() == (1,)


def test_the_filter_is_answered_from_trigram_indexes(pg_url: str) -> None:
    from salesdesk.data.cards import SEARCH_COLUMNS

    database = open_database(pg_url)
    try:
        for n in range(200):
            store.add_prospect(database, NOW, f"Card {n}", company=f"Firma {n}")
        store.add_prospect(database, NOW, "王海燕", company="华信科技有限公司", notes="Müller")
        found = {c.name for c in store.list_cards(database, TODAY, search="华信科技")}
        assert found == {"王海燕"}
        assert {c.name for c in store.list_cards(database, TODAY, search="wanghai")} \
            == {"王海燕"}
    finally:
        database.close()
    with psycopg.connect(pg_url) as conn:
        names = {r[0] for r in conn.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_trgm'")}
        assert names == {f"ix_prospect_{c}_trgm" for c in SEARCH_COLUMNS}
        conn.execute("SET enable_seqscan = off")  # (200 rows: the planner would scan)
        plan = "\n".join(r[0] for r in conn.execute(
            "EXPLAIN SELECT id FROM prospect WHERE name ILIKE %s OR company ILIKE %s",
            ("%firma 1%", "%firma 1%")))
        assert "ix_prospect_name_trgm" in plan and "ix_prospect_company_trgm" in plan
