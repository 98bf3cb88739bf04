"""Following changes on PostgreSQL: ``data_version`` is LISTEN/NOTIFY. Another program's
write is seen, this program's own writes are counted at their commit (and not twice), an
idle watcher sends the server nothing, a lost server says "changed", and a database made
with the old counter row loses it at its owner's next start."""

from __future__ import annotations

import time
from collections.abc import Callable

import psycopg

from salesdesk.data import store
from salesdesk.data.db import open_database
from salesdesk.data.pg import PgDatabase
from salesdesk.data.pg_schema import prepare
from tests.conftest import NOW
from tests.pg_fixtures import write_any

#: How long a notification may take to arrive before the test says it never came.
PATIENCE_S = 10.0


def moves(version: Callable[[], int], before: int) -> int:
    """The version once it differs from ``before`` (AssertionError if it never does)."""
    deadline = time.monotonic() + PATIENCE_S
    while time.monotonic() < deadline:
        now = version()
        if now != before:
            return now
        time.sleep(0.01)
    raise AssertionError("the change was never seen")


def test_a_change_by_another_connection_is_seen(pg_url: str) -> None:
    database = open_database(pg_url)
    try:
        pid = store.add_prospect(database, NOW, "Ann", grade="C")
        first = database.data_version()
        assert [database.data_version() for _ in range(5)] == [first] * 5  # nothing new
        write_any(pg_url, ("UPDATE prospect SET grade = 'A' WHERE id = ?", (pid,)))
        seen = moves(database.data_version, first)
        assert seen != first
        # A transaction that only reads, or a write to a table nobody watches: no change.
        write_any(pg_url, ("SELECT count(*) FROM prospect", ()))
        time.sleep(0.2)
        assert database.data_version() == seen
    finally:
        database.close()


def test_own_writes_count_at_once_and_only_once(pg_url: str) -> None:
    database = open_database(pg_url)
    try:
        pid = store.add_prospect(database, NOW, "Ann", grade="C")
        before = database.data_version()
        store.regrade(database, NOW, pid, "B")  # through this program's pool
        mine = database.data_version()
        assert mine != before  # at once, as on SQLite: no waiting for the notification
        # Another program writes after: its notification comes after ours, so the count
        # moves by exactly one more: our own notification was not counted a second time.
        write_any(pg_url, ("UPDATE prospect SET grade = 'A' WHERE id = ?", (pid,)))
        assert moves(database.data_version, mine) == mine + 1
    finally:
        database.close()


def test_an_exact_look_sees_a_write_committed_just_before(pg_url: str) -> None:
    """Before a key changes a card the board asks ``exact``: a write another program
    committed a moment ago counts at once, without waiting for its notification."""
    database = open_database(pg_url)
    try:
        pid = store.add_prospect(database, NOW, "Ann", grade="C")
        first = database.data_version(exact=True)
        for grade in "ABABABABAB":  # each time, the very next look sees it
            write_any(pg_url, ("UPDATE prospect SET grade = ? WHERE id = ?", (grade, pid)))
            seen = database.data_version(exact=True)
            assert seen == first + 1
            first = seen
        store.regrade(database, NOW, pid, "C")  # our own write: counted once, not twice
        assert database.data_version(exact=True) == first + 1
    finally:
        database.close()


def _watcher_activity(pg_url: str, pid: int) -> tuple[str, object]:
    with psycopg.connect(pg_url, autocommit=True) as admin:
        row = admin.execute("SELECT query, state_change FROM pg_stat_activity WHERE pid = %s",
                            (pid,)).fetchone()
    assert row is not None
    return str(row[0]), row[1]


def test_an_idle_watcher_asks_the_server_nothing(pg_url: str) -> None:
    database = open_database(pg_url)
    assert isinstance(database, PgDatabase)
    try:
        database.data_version()
        watcher = database._pg_watcher
        assert watcher is not None
        before = _watcher_activity(pg_url, watcher.info.backend_pid)
        assert before[0].startswith("LISTEN")
        for _ in range(50):  # what an idle board asks over a couple of minutes
            database.data_version()
        assert _watcher_activity(pg_url, watcher.info.backend_pid) == before
        database.data_version(exact=True)  # a key about to act: one question
        assert _watcher_activity(pg_url, watcher.info.backend_pid)[0] == "SELECT 1"
    finally:
        database.close()


def test_a_server_gone_away_says_changed_then_listens_again(pg_server: str, pg_url: str) -> None:
    database = open_database(pg_url)
    try:
        pid = store.add_prospect(database, NOW, "Ann", grade="C")
        first = database.data_version()
        name = pg_url.split("/")[3].split("?")[0]
        with psycopg.connect(pg_server, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        lost = moves(database.data_version, first)  # the board reads again
        again = database.data_version()  # a new watcher, listening
        write_any(pg_url, ("UPDATE prospect SET grade = 'A' WHERE id = ?", (pid,)))
        assert moves(database.data_version, again) != again
        assert lost != first
    finally:
        database.close()


def test_an_old_counter_row_is_dropped_at_the_owners_start(pg_url: str) -> None:
    open_database(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:  # as databases were made before
        conn.execute("CREATE TABLE sd_changes (n bigint NOT NULL)")
        conn.execute("INSERT INTO sd_changes VALUES (0)")
        conn.execute(
            "CREATE OR REPLACE FUNCTION sd_notify() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN UPDATE sd_changes SET n = n + 1; "
            "PERFORM pg_notify('salesdesk_changed', TG_TABLE_NAME); RETURN NULL; END $$")
    prepare(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT to_regclass('sd_changes')").fetchone() == (None,)
        source = conn.execute("SELECT prosrc FROM pg_proc WHERE proname = 'sd_notify'"
                              ).fetchone()
        assert source is not None and "sd_changes" not in source[0]
    database = open_database(pg_url)
    try:  # and a write still notifies
        pid = store.add_prospect(database, NOW, "Bo", grade="C")
        first = database.data_version()
        write_any(pg_url, ("UPDATE prospect SET grade = 'A' WHERE id = ?", (pid,)))
        assert moves(database.data_version, first) != first
    finally:
        database.close()
