"""The board's order in SQL (``board_key``): exactly the cards, in exactly the order, of
the old ordering (every card scored in Python and sorted by ``urgency_key``), on demo data;
a change rewrites one key; a new day rescores; the schema-4 upgrade fills the keys (the v2
fixture and a schema-3 file are upgraded through it in tests/test_migration.py)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from salesdesk.data import board, dialect, store
from salesdesk.data.board import BoardQuery, ColumnCards
from salesdesk.data.board_keys import FLAG_DUE, FLAG_OVERDUE, ensure_keys
from salesdesk.data.db import Database, open_database
from salesdesk.data.demo import fill_demo
from salesdesk.enums import Status
from salesdesk.rules.board import board_column
from salesdesk.rules.man import Verdict

from .conftest import NOW, TODAY

CLOSED = [s.value for s in Status if s != Status.LIVE]


def old_columns(db: Database, closed: bool, search: str = "",
                verdict: str | None = None) -> dict[str, list[int]]:
    """The board's columns as the old code made them: every card read, scored, sorted."""
    cards = store.list_cards(db, TODAY, statuses=CLOSED if closed else [Status.LIVE],
                             search=search)
    found: dict[str, list[int]] = {key: [] for key in BoardQuery(closed).keys}
    for card in cards:
        if verdict is None or card.verdict == verdict:
            found[board_column(card.grade.value, card.status)].append(card.id)
    return found


def sql_columns(db: Database, query: BoardQuery) -> dict[str, list[int]]:
    ensure_keys(db, TODAY)
    counts = board.column_counts(db, query)
    return {key: [c.id for c in ColumnCards(db, TODAY, query, key, counts[key])]
            for key in query.keys}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    database = open_database(tmp_path_factory.mktemp("demo") / "demo.db")
    fill_demo(database, TODAY, 1000)
    return database


@pytest.mark.parametrize("closed", [False, True], ids=["live", "closed"])
def test_the_sql_order_is_the_old_order_on_1000_demo_cards(demo_db: Database,
                                                           closed: bool) -> None:
    old = old_columns(demo_db, closed)
    assert sum(map(len, old.values())) > 200
    assert sql_columns(demo_db, BoardQuery(closed)) == old


@pytest.mark.parametrize("verdict", [Verdict.QUALIFIED, Verdict.INCOMPLETE])
def test_filters_keep_the_old_order(demo_db: Database, verdict: Verdict) -> None:
    assert sql_columns(demo_db, BoardQuery(verdict=verdict.value)) == old_columns(
        demo_db, False, verdict=verdict)
    assert sql_columns(demo_db, BoardQuery(search="a")) == old_columns(demo_db, False, "a")


def test_windows_from_anywhere_read_the_same_order(demo_db: Database) -> None:
    """Reading backwards, by jumps and by neighbours gives the same cards at each place."""
    expected = old_columns(demo_db, False)["C"]
    query = BoardQuery()
    column = ColumnCards(demo_db, TODAY, query, "C", len(expected))
    backwards = [column[i].id for i in range(len(expected) - 1, -1, -1)]
    assert backwards == expected[::-1]
    jumps = ColumnCards(demo_db, TODAY, query, "C", len(expected))
    assert [jumps[i].id for i in range(0, len(expected), 37)] == expected[::37]
    assert column.index_of(expected[123]) == 123
    assert board.locate(demo_db, query, expected[-1]) == ("C", len(expected) - 1)


def test_the_header_counts_are_the_old_ones(demo_db: Database) -> None:
    ensure_keys(demo_db, TODAY)
    new, old = board.board_summary(demo_db), store.summary(demo_db, TODAY)
    assert (new.by_grade, new.due, new.overdue, new.live, new.pool_target) == (
        old.by_grade, old.due, old.overdue, old.live, old.pool_target)
    assert FLAG_DUE != FLAG_OVERDUE


def keys_of(db: Database) -> dict[int, tuple[object, ...]]:
    with db.connect() as conn:
        return {r[0]: r[1:] for r in conn.execute("SELECT * FROM board_key")}


def test_a_change_rewrites_one_key(db: Database) -> None:
    ids = [store.add_prospect(db, NOW, f"P{i}", grade="B") for i in range(5)]
    assert ensure_keys(db, TODAY) == 5
    before = keys_of(db)
    store.regrade(db, NOW, ids[2], "A")
    assert ensure_keys(db, TODAY) == 1
    after = keys_of(db)
    assert {i for i in ids if after[i] != before[i]} == {ids[2]}
    assert after[ids[2]][0] == "A"
    store.log_touch(db, NOW, ids[3], "call", "rang")
    assert ensure_keys(db, TODAY) == 1
    store.undo(db)
    store.undo(db)
    assert ensure_keys(db, TODAY) == 2
    assert keys_of(db) == before


def test_a_new_day_rescores_every_card(db: Database) -> None:
    pid = store.add_prospect(db, NOW, "Soon", grade="B", next_date=TODAY + timedelta(days=1))
    ensure_keys(db, TODAY)
    assert ensure_keys(db, TODAY) == 0
    tomorrow = TODAY + timedelta(days=2)
    assert ensure_keys(db, tomorrow) == 1
    col, _rank, flags, _verdict, day = keys_of(db)[pid]
    assert (col, flags & FLAG_OVERDUE, day) == ("B", FLAG_OVERDUE, tomorrow.isoformat())
    with db.begin() as conn:
        conn.execute("DELETE FROM prospect WHERE id = ?", (pid,))
    assert keys_of(db) == {}


def make_v4_database(path: Path) -> None:
    """A schema-4 file: a fresh one without what schema 5 added."""
    database = open_database(path)
    fill_demo(database, TODAY, 300)
    database.close()
    conn = sqlite3.connect(path)
    for (trigger,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                   "AND tbl_name = 'prospect'").fetchall():
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("DROP TABLE board_key")
    conn.execute("DROP TABLE board_count")
    conn.execute("DROP TABLE prospect_fts")
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()


def test_a_schema_4_database_gets_every_key(tmp_path: Path) -> None:
    from .test_migration import schema

    old = tmp_path / "v4" / "s.db"
    make_v4_database(old)
    database = open_database(old)
    try:
        assert list(old.parent.glob("s.db.v4-*.bak"))
        assert schema(old) == schema_of_fresh(tmp_path)
        assert sql_columns(database, BoardQuery()) == old_columns(database, False)
        assert sql_columns(database, BoardQuery(True)) == old_columns(database, True)
    finally:
        database.close()


def schema_of_fresh(tmp_path: Path) -> object:
    from .test_migration import schema

    fresh = tmp_path / "fresh" / "s.db"
    open_database(fresh).close()
    return schema(fresh)


def test_the_counts_table_follows_every_key(demo_db: Database) -> None:
    """The triggers' counts equal a count of the keys, after changes and a new day."""
    def counted() -> list[tuple[object, ...]]:
        with demo_db.connect() as conn:
            return conn.execute(
                "SELECT col, flags, verdict, count(*) FROM board_key GROUP BY col, flags, "
                "verdict ORDER BY 1, 2, 3").fetchall()

    def kept() -> list[tuple[object, ...]]:
        with demo_db.connect() as conn:
            return conn.execute("SELECT col, flags, verdict, n FROM board_count WHERE n > 0 "
                                "ORDER BY 1, 2, 3").fetchall()

    ensure_keys(demo_db, TODAY)
    assert kept() == counted()
    live = old_columns(demo_db, False)
    store.regrade(demo_db, NOW, live["C"][0], "A")
    store.set_status(demo_db, NOW, live["B"][0], Status.PARKED)
    ensure_keys(demo_db, TODAY + timedelta(days=3))
    assert kept() == counted()
    ensure_keys(demo_db, TODAY)
    store.undo(demo_db)
    store.undo(demo_db)
    ensure_keys(demo_db, TODAY)
    assert kept() == counted()


@pytest.mark.parametrize("search", ["Price", "pri", "TRIAL", "东方贸", "试用", "贸易 pr",
                                    "3pm", 'a"b', "a%", "meeting board", "浦东 isla", "x"])
def test_the_search_index_finds_what_a_substring_scan_finds(demo_db: Database,
                                                            search: str) -> None:
    """Words of 3+ characters go through FTS5 (trigram), shorter ones through a scan:
    either way a card matches when every word is in one of its columns."""
    with demo_db.connect() as conn:
        rows = conn.execute(f"SELECT id, status, {', '.join(dialect.SEARCH_COLUMNS)} "
                            "FROM prospect").fetchall()
    expected = {
        row[0] for row in rows
        if all(any(word.casefold() in (text or "").casefold() for text in row[2:])
               for word in search.split())
    }
    found = {c.id for c in store.list_cards(demo_db, TODAY, statuses=[s.value for s in Status],
                                            search=search)}
    assert found == expected
    if search in ("Price", "试用"):
        assert len(found) > 3
    assert sql_columns(demo_db, BoardQuery(search=search)) == old_columns(demo_db, False,
                                                                          search)


def test_a_filtered_view_pages_the_same_order(demo_db: Database) -> None:
    """The board's filtered columns (one pass, then pages by id) are the old order."""
    from salesdesk.screens.board_cards import BoardCards

    for search, verdict in (("pri", None), ("a", Verdict.CONTACT), ("东方贸", None)):
        view = BoardCards(demo_db)
        view.filter_text, view.verdict = search, verdict
        view.load(TODAY)
        got = {key: [c.id for c in cards] for key, cards in view.columns_cards.items()}
        assert got == old_columns(demo_db, False, search, verdict)
        assert view.matches == sum(map(len, old_columns(demo_db, False, search).values()))
        some = next(ids for ids in got.values() if ids)
        assert view.locate(some[-1]) is not None


@pytest.mark.parametrize("kwargs", [
    {}, {"grade": "A"}, {"due_only": True}, {"statuses": ("dropped",)},
    {"statuses": tuple(s.value for s in Status), "grade": "B"}, {"search": "pri"},
    {"verdict": "contact"},
])
def test_list_streams_the_old_order(demo_db: Database, kwargs: dict[str, object]) -> None:
    from salesdesk.data.card_list import ListQuery, count_listed, stream_cards

    query = ListQuery(**kwargs)  # type: ignore[arg-type]
    old = store.list_cards(demo_db, TODAY, statuses=query.statuses, grade=query.grade,
                           search=query.search, due_only=query.due_only)
    old_ids = [c.id for c in old if query.verdict is None or c.verdict == query.verdict]
    assert old_ids
    assert [c.id for c in stream_cards(demo_db, TODAY, query)] == old_ids
    assert [c.id for c in stream_cards(demo_db, TODAY, query, 7)] == old_ids[:7]
    assert count_listed(demo_db, TODAY, query) == len(old_ids)


def test_list_limit_and_how_many_more(demo_db: Database) -> None:
    from typer.testing import CliRunner

    from salesdesk.cli.main import app

    runner = CliRunner()
    env = {"SALESDESK_NOW": NOW.isoformat()}
    full = runner.invoke(app, ["list", "--db", str(demo_db.path), "--grade", "A"], env=env)
    some = runner.invoke(app, ["list", "--db", str(demo_db.path), "--grade", "A",
                               "--limit", "5"], env=env)
    assert full.exit_code == some.exit_code == 0, some.output
    lines = some.output.splitlines()
    expected = old_columns(demo_db, False)["A"]
    assert [int(line.split()[0]) for line in lines[1:6]] == expected[:5]
    assert [int(line.split()[0]) for line in full.output.splitlines()[1:-1]
            if line.split()[0].isdigit()] == expected  # a pipe gets all
    assert lines[-1] == f"… {len(expected) - 5} more (--limit N shows more; a pipe gets all)"
    bad = runner.invoke(app, ["list", "--db", str(demo_db.path), "--limit", "-1"], env=env)
    assert bad.exit_code == 2
