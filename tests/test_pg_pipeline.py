"""Write transactions on PostgreSQL run pipelined (salesdesk.data.pg_conn): fewer round
trips, and the same behaviour as one statement at a time: rowcounts and new ids read
inside the transaction, a failing statement rolls the whole transaction back, the pool
works afterwards, and a regrade reads its answers from the server in a handful of turns."""

from __future__ import annotations

import sys
from pathlib import Path

import psycopg
import pytest

from salesdesk.data import store
from salesdesk.data.db import open_database
from salesdesk.data.pg import PgDatabase
from tests.conftest import NOW, TODAY

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.postgres import round_trips  # noqa: E402


def test_rowcounts_and_new_ids_inside_a_pipelined_write(pg_url: str) -> None:
    database = open_database(pg_url)
    try:
        with database.begin() as conn:
            first = conn.execute("INSERT INTO setting (key, value) VALUES ('a', '1')")
            conn.execute("INSERT INTO setting (key, value) VALUES ('b', '2')")
            changed = conn.execute("UPDATE setting SET value = 'x' WHERE key IN ('a', 'b')")
            assert changed.rowcount == 2
            assert first.rowcount == 1
            one = conn.execute("INSERT INTO journal (at, label) VALUES ('2026-11-18', 'one')")
            two = conn.execute("INSERT INTO journal (at, label) VALUES ('2026-11-18', 'two')")
            assert one.lastrowid is not None and two.lastrowid == one.lastrowid + 1
            seen = conn.execute("SELECT value FROM setting WHERE key = 'b'").fetchall()
            assert seen == [("x",)]
        with database.connect() as conn:
            rows = conn.execute("SELECT key, value FROM setting WHERE key IN ('a', 'b') "
                                "ORDER BY key").fetchall()
        assert [tuple(r) for r in rows] == [("a", "x"), ("b", "x")]
    finally:
        database.close()


def test_a_failing_statement_rolls_the_whole_write_back(pg_url: str) -> None:
    database = open_database(pg_url)
    try:
        card = store.add_prospect(database, NOW, "Ann", grade="B")
        with pytest.raises(psycopg.errors.NotNullViolation), database.begin() as conn:
            conn.execute("UPDATE prospect SET grade = 'A' WHERE id = ?", (card,))
            conn.execute("UPDATE prospect SET name = NULL WHERE id = ?", (card,))  # fails
            conn.execute("UPDATE prospect SET company = 'Acme' WHERE id = ?", (card,))
        row = store.get_card(database, card, TODAY)
        assert (row.grade, row.name, row.company) == ("B", "Ann", "")
        store.regrade(database, NOW, card, "C")  # the pool works on
        assert store.get_card(database, card, TODAY).grade == "C"
        assert store.undo(database) is not None
        assert store.get_card(database, card, TODAY).grade == "B"
    finally:
        database.close()


def test_a_regrade_waits_for_the_server_five_times_not_ten(pg_url: str) -> None:
    database = open_database(pg_url)
    plain = PgDatabase(pg_url)
    plain.pipelined = False
    try:
        card = store.add_prospect(database, NOW, "Ann", grade="B")
        grades = iter(["A", "B", "A", "B"])
        for db in (database, plain):  # warm: the pools hold a connection each
            store.regrade(db, NOW, card, next(grades))
        pipelined = round_trips(database, lambda: store.regrade(database, NOW, card, "C"))
        one_by_one = round_trips(plain, lambda: store.regrade(plain, NOW, card, "A"))
        assert pipelined <= 5 < one_by_one
        assert store.get_card(database, card, TODAY).grade == "A"
    finally:
        plain.close()
        database.close()
