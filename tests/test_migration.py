"""Schema 3 from schema 1 and 2 databases: the migrated schema is a fresh one's, nothing is
lost, the notes' facts become columns, undo and undo-import work on the converted
journal, and the weekly review, the visit plan and the slips read the same figures as
the schema-2 code did (``tests/fixtures/schema_v2_expected.json``, made by that code)."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from salesdesk.cli.main import app
from salesdesk.data import store
from salesdesk.data.db import SCHEMA_VERSION, Database, open_database
from salesdesk.data.demo import fill_demo
from salesdesk.data.io.batches import undo_import
from salesdesk.data.migrate_v3 import _CHANGE_NOTE
from salesdesk.data.review import load_weekly_review
from salesdesk.data.review_queue import changes_since
from salesdesk.data.visits import plan_facts, plan_visit

from .conftest import NOW
from .test_db import make_v1_database

FIXTURES = Path(__file__).parent / "fixtures"
V2_SQL = FIXTURES / "schema_v2.sql"
EXPECTED = json.loads((FIXTURES / "schema_v2_expected.json").read_text(encoding="utf-8"))
V2_TODAY = date.fromisoformat(EXPECTED["today"])
TABLES = ("prospect", "activity", "visit", "importbatch", "setting")


def make_v2_database(path: Path) -> None:
    """The schema-2 fixture as a database file (user_version 2), as that code left it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    conn = sqlite3.connect(path)
    conn.executescript(V2_SQL.read_text(encoding="utf-8"))
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()


def query(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [tuple(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def rows_by_id(path: Path, table: str) -> dict[Any, dict[str, Any]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        key = "key" if table == "setting" else "id"
        return {r[key]: dict(r) for r in conn.execute(f"SELECT * FROM {table}")}
    finally:
        conn.close()


def schema(path: Path) -> dict[str, Any]:
    """Every table and index as SQLite describes it: the stored SQL with quotes and spaces
    taken out, and the pragmas' columns, indexes and foreign keys."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        master = sorted(
            (kind, name, table, re.sub(r"\s+", "", sql or "").replace('"', ""))
            for kind, name, table, sql in conn.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master "
                "WHERE name NOT LIKE 'sqlite_autoindex%'"
            )
        )
        tables = [m[1] for m in master if m[0] == "table" and m[1] != "sqlite_sequence"]
        pragmas = {
            table: (
                [tuple(r) for r in conn.execute(f"PRAGMA table_xinfo({table})")],
                sorted(tuple(r)[2:] for r in conn.execute(f"PRAGMA foreign_key_list({table})")),
                sorted(
                    (r[1], r[2], r[3], tuple(i[2] for i in conn.execute(
                        f"PRAGMA index_info({r[1]})")))
                    for r in conn.execute(f"PRAGMA index_list({table})")
                ),
            )
            for table in tables
        }
    finally:
        conn.close()
    return {"master": master, "pragmas": pragmas}


@pytest.fixture
def v2_path(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "salesdesk.db"
    make_v2_database(path)
    return path


@pytest.fixture
def migrated(v2_path: Path) -> Any:
    """(the untouched schema-2 copy, the migrated database)."""
    original = v2_path.with_name("original-v2.db")
    shutil.copy(v2_path, original)
    database = open_database(v2_path)
    yield original, database
    database.close()


# --------------------------------------------------------------------------- the schema


@pytest.mark.parametrize("make", [make_v1_database, make_v2_database], ids=["v1", "v2"])
def test_a_migrated_schema_is_a_fresh_one(tmp_path: Path, make: Any) -> None:
    old, new = tmp_path / "old" / "s.db", tmp_path / "new" / "s.db"
    make(old)
    open_database(old).close()
    open_database(new).close()
    assert query(old, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert schema(old) == schema(new)
    for table in ("prospect", "activity", "visit"):  # ids never reused
        (sql,) = query(new, "SELECT sql FROM sqlite_master WHERE name = ?", (table,))[0]
        assert "AUTOINCREMENT" in sql
    assert query(old, "PRAGMA foreign_key_check") == []
    assert query(old, "PRAGMA integrity_check") == [("ok",)]


def test_the_upgrade_keeps_a_backup_of_schema_2(migrated: Any) -> None:
    original, database = migrated
    (backup,) = database.path.parent.glob(f"{database.path.name}.v2-*.bak")
    assert query(backup, "PRAGMA user_version") == [(2,)]
    assert query(backup, "SELECT count(*) FROM prospect") == query(
        original, "SELECT count(*) FROM prospect")


# --------------------------------------------------------------------------- nothing lost


def test_every_row_and_field_is_kept(migrated: Any) -> None:
    original, database = migrated
    for table in TABLES:
        before, after = rows_by_id(original, table), rows_by_id(database.path, table)
        assert before.keys() == after.keys(), table
        for key, row in before.items():
            assert {c: after[key][c] for c in row} == row, (table, key)
    assert query(original, "SELECT id, at, label FROM journal") == query(
        database.path, "SELECT id, at, label FROM journal")
    listed = sum(
        len(rows) for (data,) in query(original, "SELECT data FROM journal")
        for rows in json.loads(data)["rows"].values()
    )
    assert query(database.path, "SELECT count(*) FROM journal_row") == [(listed,)]


def test_every_row_gets_a_uuid_and_an_updated_at(migrated: Any) -> None:
    _original, database = migrated
    for table in ("prospect", "activity", "visit"):
        found = query(database.path, f"SELECT uuid, updated_at FROM {table}")
        uuids = [u for u, _ in found]
        assert len(set(uuids)) == len(uuids) > 0, table
        assert all(uuid.UUID(u).version == 4 and str(uuid.UUID(u)) == u for u in uuids)
        assert all(stamp for _, stamp in found), table
    # A visit's UUID is the one its calendar UID carries; the UID itself is unchanged.
    assert query(database.path, "SELECT count(*) FROM visit WHERE uid != uuid || '@salesdesk'") \
        == [(0,)]
    # updated_at: the latest moment known; for Dora, the touch logged last (journal 36).
    dora = rows_by_id(database.path, "prospect")[85]
    assert (dora["name"], dora["updated_at"]) == ("Dora Quinn", "2026-11-18 08:00:00.000000")
    for row in rows_by_id(database.path, "prospect").values():
        assert row["updated_at"] >= max(row["created_at"], row["graded_at"])


def test_the_notes_facts_become_columns(migrated: Any) -> None:
    _original, database = migrated
    changes = query(
        database.path,
        "SELECT prospect_id, kind, coalesce(from_status, from_stage), "
        "coalesce(to_status, to_stage), amount FROM activity "
        "WHERE kind IN ('status', 'stage') AND prospect_id > 80 ORDER BY id",
    )
    assert changes == [
        (84, "stage", "target", "interested", None),
        (84, "stage", "interested", "intentional", None),
        (81, "stage", "target", "customer", None),
        (81, "status", "live", "customer", 12000.0),  # "live → customer (12,000)"
        (85, "status", "live", "dropped", None),
        (83, "status", "live", "parked", None),
        (83, "status", "parked", "live", None),  # reopened by a grade
        (85, "status", "dropped", "live", None),
        (82, "stage", "target", "customer", None),
        (82, "status", "live", "customer", None),  # won without an amount
        (84, "stage", "intentional", "customer", None),
        (84, "status", "live", "customer", None),
        (85, "status", "live", "lost", None),
        (84, "status", "customer", "live", None),
        (84, "status", "live", "customer", 1250000.0),
        (85, "stage", "target", "interested", None),  # "... · import: crm-update.csv"
        (85, "status", "lost", "live", None),
        (83, "stage", "target", "customer", None),
        (83, "status", "live", "customer", 12000.0),
    ]
    assert query(
        database.path,
        "SELECT count(*) FROM activity WHERE (kind = 'status' AND to_status IS NULL) "
        "OR (kind = 'stage' AND to_stage IS NULL)",
    ) == [(0,)]


def test_the_migration_reads_every_form_of_note_schema_2_wrote() -> None:
    def parsed(note: str) -> tuple[str | None, ...] | None:
        match = _CHANGE_NOTE.match(note)
        return match.groups() if match else None

    assert parsed("live → customer (12,000)") == ("live", "customer", "12,000")
    assert parsed("live → customer (1,234.5) · import: a.csv") == ("live", "customer", "1,234.5")
    assert parsed("customer → live") == ("customer", "live", None)
    assert parsed("target → interested · import: crm.csv") == ("target", "interested", None)
    assert parsed("edited name") is None


# --------------------------------------------------------------------------- same figures


def test_the_weekly_review_reads_the_same_figures_after_the_upgrade(migrated: Any) -> None:
    _original, database = migrated
    for week, figures in EXPECTED["weeks"].items():
        monday = date.fromisoformat(week)
        found = load_weekly_review(database, monday, V2_TODAY).to_json()
        # Schema 4's figures (the pipeline, why cards went) are not in the schema-2 file.
        for part, keys in (("pool", ("value_by_grade", "forecast", "chances")),
                           ("outcomes", ("reasons", "why"))):
            for key in keys:
                found[part].pop(key)
        assert _schema2_figures(found) == figures, week


def _schema2_figures(data: dict[str, Any]) -> dict[str, Any]:
    """The complaint and first-contact figures (schema 5) taken out, after checking they
    are empty (the fixture has no complaints and no new inbound leads)."""
    assert data.pop("complaints")["received"] == 0
    assert data.pop("first_contact")["new_leads"] == 0
    data.pop("answer_hours")
    assert data["retention"].pop("complained") == []
    for point in data["trends"]:
        assert (point.pop("complaints"), point.pop("answered_in_time")) == (0, 0)
    return data


def test_the_plan_and_the_slips_read_the_same_facts_after_the_upgrade(migrated: Any) -> None:
    _original, database = migrated
    purchases = {
        str(f.id): [f.purchase[0].isoformat(), f.purchase[1]]
        for f in plan_facts(database, V2_TODAY) if f.purchase is not None
    }
    assert purchases == EXPECTED["purchases"]
    slips = {}
    for (pid,) in query(database.path, "SELECT id FROM prospect ORDER BY id"):
        found = changes_since(database, pid, V2_TODAY).slips
        if found:
            slips[str(pid)] = [[s.day.isoformat(), s.old.isoformat(),
                                s.new.isoformat() if s.new else None] for s in found]
    assert slips == EXPECTED["slips"]


def test_figures_come_from_the_columns_not_the_notes(migrated: Any) -> None:
    _original, database = migrated
    week = date(2026, 11, 16)
    before = load_weekly_review(database, week, V2_TODAY).to_json()
    with database.begin() as conn:
        conn.execute("UPDATE activity SET note = 'rewritten by hand' WHERE kind IN "
                     "('status', 'stage')")
    assert load_weekly_review(database, week, V2_TODAY).to_json() == before
    assert {str(f.id) for f in plan_facts(database, V2_TODAY) if f.purchase} == set(
        EXPECTED["purchases"])


# --------------------------------------------------------------------------- undo after it


def _content(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the cards, timeline and visits, except what differs between any two
    databases (UUIDs, calendar UIDs, the moment of the last write, and the next-step kind
    schema 4 works out once from the card as it is at the upgrade, outside the journal)."""
    out = {}
    with database.connect() as conn:
        for table in ("prospect", "activity", "visit"):
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")
                    if r[1] not in ("uuid", "uid", "updated_at", "next_kind")]
            out[table] = conn.execute(
                f"SELECT {', '.join(cols)} FROM {table} ORDER BY id").fetchall()
    return out


def test_undo_reverses_six_weeks_of_schema_2_changes(migrated: Any, tmp_path: Path) -> None:
    """Undoing every converted change, newest first, leaves exactly the demo cards the
    fixture started from (the same demo, made afresh by this code)."""
    _original, database = migrated
    labels = [label for (label,) in query(
        database.path, "SELECT label FROM journal ORDER BY id DESC")]
    result = CliRunner().invoke(app, ["--db", str(database.path), "undo"])
    assert result.exit_code == 0 and "log call with Dora Quinn" in result.stdout
    undone = [labels[0]]
    while (step := store.undo(database)) is not None:
        undone.append(step.label)
    assert undone == labels and len(undone) == 36
    fresh = open_database(tmp_path / "fresh" / "salesdesk.db")
    try:
        fill_demo(fresh, V2_TODAY, prospects=80, seed=11)
        assert _content(database) == _content(fresh)
    finally:
        fresh.close()
    assert query(database.path, "SELECT count(*) FROM journal_row") == [(0,)]


def test_undo_import_puts_back_a_schema_2_import(migrated: Any) -> None:
    _original, database = migrated
    result = undo_import(database, "20261116-100000")
    assert (result.removed, result.restored, result.kept) == (0, 2, 0)
    cards = rows_by_id(database.path, "prospect")
    assert (cards[85]["status"], cards[85]["grade"], cards[85]["stage"]) == ("lost", "C", "target")
    assert (cards[83]["status"], cards[83]["stage"]) == ("live", "target")
    assert query(database.path, "SELECT count(*) FROM activity WHERE note LIKE '%crm-update%'") \
        == [(0,)]
    # The touch logged on Dora after the import stays, and is still the last change.
    assert store.last_change(database) == "log call with Dora Quinn"


def test_an_id_the_journal_still_names_is_not_handed_out_again(v2_path: Path) -> None:
    """Schema 2 deleted the newest visit (undoable) and would have given its id to the next
    one; after the upgrade the next visit gets a new id, and both undos work."""
    conn = sqlite3.connect(v2_path)
    conn.row_factory = sqlite3.Row
    newest = dict(conn.execute("SELECT * FROM visit ORDER BY id DESC LIMIT 1").fetchone())
    conn.execute("DELETE FROM visit WHERE id = ?", (newest["id"],))
    conn.execute(
        "INSERT INTO journal (at, label, data) VALUES ('2026-11-18 08:30:00.000000', "
        "'delete visit', ?)",
        (json.dumps({"rows": {"visit": {str(newest["id"]): newest}}}),),
    )
    conn.commit()
    conn.close()
    database = open_database(v2_path)
    try:
        again = plan_visit(database, NOW, newest["prospect_id"], V2_TODAY)
        assert again == newest["id"] + 1
        assert store.undo(database) is not None  # the new visit goes
        assert store.undo(database) is not None  # the deleted one comes back, same id
        assert rows_by_id(database.path, "visit")[newest["id"]]["uid"] == newest["uid"]
    finally:
        database.close()


# --------------------------------------------------------------------------- schema 4


def make_v3_database(path: Path) -> None:
    """The schema-2 fixture upgraded by schema 3's own step, left at user_version 3 (as
    SalesDesk with schema 3 wrote it), with a Chinese card added by hand."""
    from salesdesk.data.migrations import MIGRATIONS

    make_v2_database(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("BEGIN")
    MIGRATIONS[2](conn)
    conn.execute("PRAGMA user_version = 3")
    conn.execute(
        "INSERT INTO prospect SELECT * FROM prospect WHERE id = 81"
        .replace("SELECT *", "SELECT NULL, kind, '王海燕', '北京科技', title, phone, email, "
                 "address, area, source, tags, product_interest, value, purchase_history, "
                 "size, work, family, personality, habits, hobbies, contact_style, "
                 "contact_times, promotions, values_note, birthday, notes, grade, status, "
                 "stage, money, authority, need, decider, priority, inquiries, next_date, "
                 "next_action, next_topic, key_account, pot_growth, pot_plan, pot_revenue, "
                 "pot_opportunity, pot_fit, pot_competitive, pot_relationship, follow_up, "
                 "revisit_days, visit_days, visit_time, import_batch, previous_id, "
                 "created_at, graded_at, reviewed_at, touched_at, closed_at, "
                 "'00000000-0000-4000-8000-000000000001', updated_at")
    )
    conn.execute("COMMIT")
    conn.close()


def test_a_schema_3_file_upgrades_to_a_fresh_schema(tmp_path: Path) -> None:
    old, new = tmp_path / "old" / "s.db", tmp_path / "new" / "s.db"
    make_v3_database(old)
    before = {t: rows_by_id(old, t) for t in TABLES}
    sequences = query(old, "SELECT name, seq FROM sqlite_sequence ORDER BY name")
    open_database(old).close()
    open_database(new).close()
    assert query(old, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert schema(old) == schema(new)
    assert query(old, "PRAGMA foreign_key_check") == []
    # Nothing lost or changed; the new columns start empty, the sequences go on.
    for table in TABLES:
        after = rows_by_id(old, table)
        assert {k: {c: after[k][c] for c in row} for k, row in before[table].items()} \
            == before[table]
    assert query(old, "SELECT name, seq FROM sqlite_sequence ORDER BY name") == sequences
    assert query(old, "SELECT count(*) FROM prospect WHERE wechat != ''") == [(0,)]
    assert query(old, "SELECT count(*) FROM activity WHERE reason IS NOT NULL "
                      "OR reason_note != ''") == [(0,)]
    (backup,) = old.parent.glob("s.db.v3-*.bak")
    assert query(backup, "PRAGMA user_version") == [(3,)]


def test_the_upgrade_fills_the_pinyin_key_of_chinese_cards(tmp_path: Path) -> None:
    path = tmp_path / "d" / "s.db"
    make_v3_database(path)
    database = open_database(path)
    try:
        keys = dict(query(path, "SELECT name, pinyin_key FROM prospect WHERE pinyin_key != ''"))
        assert keys["王海燕"] == "wanghaiyan why beijingkeji bjkj"
        assert "张晓东" in keys  # a demo card of the fixture
        assert query(path, "SELECT count(*) FROM prospect WHERE name = 'Dora Quinn' "
                           "AND pinyin_key = ''") == [(1,)]
        for term in ("wang", "wh", "bjkj"):
            found = store.list_cards(database, V2_TODAY, search=term,
                                     statuses=("live", "customer", "parked", "dropped", "lost"))
            assert "王海燕" in [c.name for c in found], term
    finally:
        database.close()


def test_undo_and_redo_work_on_a_schema_3_journal(tmp_path: Path) -> None:
    path = tmp_path / "d" / "s.db"
    make_v3_database(path)
    database = open_database(path)
    try:
        from salesdesk.data.redo import redo

        first = rows_by_id(path, "prospect")
        undone = store.undo(database, now=NOW)
        assert undone is not None and undone.label == "log call with Dora Quinn"
        redone = redo(database, now=NOW)
        assert redone is not None and redone.label == undone.label
        again = rows_by_id(path, "prospect")
        assert {k: {c: v for c, v in r.items() if c != "updated_at"} for k, r in again.items()} \
            == {k: {c: v for c, v in r.items() if c != "updated_at"} for k, r in first.items()}
    finally:
        database.close()


def make_v4_database(path: Path) -> None:
    """A schema-4 file: the schema-3 file upgraded by schema 4's own step alone, with the
    newest card added and removed again (its id stays used)."""
    from salesdesk.data.migrations import MIGRATIONS

    make_v3_database(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("BEGIN")
    MIGRATIONS[3](conn)
    conn.execute("PRAGMA user_version = 4")
    conn.execute("COMMIT")
    conn.execute("UPDATE sqlite_sequence SET seq = seq + 5 WHERE name = 'prospect'")
    conn.close()


def make_v5_database(path: Path) -> None:
    """A schema-5 file: the schema-4 file upgraded by schema 5's own step alone."""
    from salesdesk.data.migrations import MIGRATIONS

    make_v4_database(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    MIGRATIONS[4](conn)
    conn.execute("PRAGMA user_version = 5")
    conn.execute("COMMIT")
    conn.close()


def test_schema_5_upgrades_to_6_keeping_rows_and_the_id_sequence(tmp_path: Path) -> None:
    path = tmp_path / "v5" / "salesdesk.db"
    make_v5_database(path)
    before = rows_by_id(path, "prospect")
    (seq,) = query(path, "SELECT seq FROM sqlite_sequence WHERE name = 'prospect'")[0]
    database = open_database(path)
    try:
        assert query(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
        after = rows_by_id(path, "prospect")
        assert {k: {c: v for c, v in r.items() if not c.startswith("first_contact")}
                for k, r in after.items()} == before
        assert all(r["first_contact_due"] is None for r in after.values())  # not new leads
        assert query(path, "SELECT count(*) FROM complaint") == [(0,)]
        (backup,) = path.parent.glob("salesdesk.db.v5-*.bak")
        assert query(backup, "PRAGMA user_version") == [(5,)]
        assert query(path, "SELECT count(*) FROM sqlite_master WHERE name = "
                           "'ix_prospect_pipeline'") == [(1,)]
        # A new card gets an id after the sequence, never one handed out before.
        assert store.add_prospect(database, NOW, "After the upgrade") == seq + 1
        # A complaint on an upgraded card is recorded and undone like any change.
        cid = store.record_complaint(database, NOW, 1, "Wrong colour delivered")
        assert store.get_complaint(database, cid).said == "Wrong colour delivered"
        assert store.undo(database) is not None
        assert query(path, "SELECT count(*) FROM complaint") == [(0,)]
    finally:
        database.close()
    assert schema(path) == _fresh_schema(tmp_path)
    assert query(path, "PRAGMA foreign_key_check") == []


def _fresh_schema(tmp_path: Path) -> dict[str, Any]:
    fresh = tmp_path / "fresh5" / "s.db"
    open_database(fresh).close()
    return schema(fresh)


def test_the_v2_fixture_upgrades_to_6_with_complaints(migrated: Any) -> None:
    _original, database = migrated
    assert query(database.path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    cid = store.record_complaint(database, NOW, 2, "Late delivery", channel="phone")
    row = store.get_complaint(database, cid)
    assert (row.channel, row.answered_at, row.prospect_id) == ("phone", None, 2)
    assert store.list_complaints(database, open_only=True) == [row]


# --------------------------------------------------------------------------- schema 7
#: The version the contact-point step upgrades from: the schema before the newest.
POINTS_FROM = 6  # the schema before contact points (schema 7)
KEYS_FROM = 7  # the schema before the board's order in SQL (schema 8)


def drop_complaint_texts(conn: sqlite3.Connection) -> None:
    """What schema 9 added: a complaint's answer and follow-up texts."""
    conn.execute("ALTER TABLE complaint DROP COLUMN answer")
    conn.execute("ALTER TABLE complaint DROP COLUMN follow_up_outcome")


def drop_board_keys(conn: sqlite3.Connection) -> None:
    """What schema 8 added (the key table, its triggers and the filter's trigram index),
    and what came after it."""
    drop_complaint_texts(conn)
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'board_key%'"
    ).fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DROP TABLE board_key")
    conn.execute("DROP TABLE card_text")


def make_pre_points_database(path: Path) -> None:
    """A database at POINTS_FROM as that code left it: no contact_point table, and the further
    phones and emails an import kept as lines of the notes."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    open_database(path).close()
    store.add_prospect(Database(path), NOW, "Ann")
    conn = sqlite3.connect(path)
    drop_board_keys(conn)
    conn.execute("DROP TABLE contact_point")
    conn.execute(
        "UPDATE prospect SET notes = 'likes tea\nOther phones: +1 555 0101, +1 555 0102\n"
        "Other emails: ann@home.example'"
    )
    conn.execute(f"PRAGMA user_version = {POINTS_FROM}")
    conn.commit()
    conn.close()


def test_the_schema_before_contact_points_upgrades_to_a_fresh_one(tmp_path: Path) -> None:
    old, new = tmp_path / "old" / "s.db", tmp_path / "new" / "s.db"
    make_pre_points_database(old)
    open_database(old).close()
    open_database(new).close()
    assert query(old, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert schema(old) == schema(new)
    assert list(old.parent.glob(f"s.db.v{POINTS_FROM}-*.bak"))  # backed up first
    assert query(old, "SELECT notes FROM prospect") == [("likes tea",)]
    assert query(old, "SELECT kind, value, position FROM contact_point ORDER BY position") == [
        ("phone", "+1 555 0101", 1), ("phone", "+1 555 0102", 2),
        ("email", "ann@home.example", 3),
    ]


def test_schema_2_and_3_upgrade_through_every_step(v2_path: Path, tmp_path: Path) -> None:
    open_database(v2_path).close()
    assert query(v2_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    v3 = tmp_path / "v3" / "s.db"
    make_v3_database(v3)
    open_database(v3).close()
    assert query(v3, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert query(v3, "SELECT count(*) FROM contact_point") == [(0,)]


def test_schema_7_upgrades_to_the_board_s_order_in_sql(tmp_path: Path) -> None:
    old, new = tmp_path / "old" / "s.db", tmp_path / "new" / "s.db"
    old.parent.mkdir(mode=0o700)
    open_database(old).close()
    db = Database(old)
    ann = store.add_prospect(db, NOW, "Ann", grade="A")
    bob = store.add_prospect(db, NOW, "Bob Stone", grade="C")
    conn = sqlite3.connect(old)
    drop_board_keys(conn)
    conn.execute(f"PRAGMA user_version = {KEYS_FROM}")
    conn.commit()
    conn.close()
    upgraded = open_database(old)
    open_database(new).close()
    assert query(old, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert schema(old) == schema(new)
    assert list(old.parent.glob(f"s.db.v{KEYS_FROM}-*.bak"))  # backed up first
    from salesdesk.data import board_view

    assert board_view.refresh_keys(upgraded, NOW) == 2  # every card scored once
    assert query(old, "SELECT prospect_id, col FROM board_key ORDER BY prospect_id") == [
        (ann, "A"), (bob, "C")]
    assert board_view.matching_ids(upgraded, ("A", "B", "C"), "stone")["C"][0][0] == bob
