"""Tests for salesdesk.data.db: safe creation, pragmas, schema version, bad files, migrations and
backups."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

import salesdesk.data.db as dbmod
from salesdesk.data import store
from salesdesk.data.db import (
    SCHEMA_VERSION,
    Database,
    backup_database,
    open_connection,
    open_database,
    raw_transaction,
)
from salesdesk.errors import DatabaseError

from .conftest import NOW

# --------------------------------------------------------------------------- helpers


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def user_version(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def columns(path: Path, table: str) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    finally:
        conn.close()


def count(path: Path, table: str) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def snapshot(path: Path) -> tuple[bytes, int, int]:
    info = path.stat()
    return path.read_bytes(), info.st_mtime_ns, stat.S_IMODE(info.st_mode)


def other_files(path: Path) -> list[str]:
    """Files in the folder besides the database (SQLite's -wal/-shm aside: a read-only look
    at a WAL database may leave them behind, which is harmless)."""
    shared = (f"{path.name}-wal", f"{path.name}-shm")
    return sorted(p.name for p in path.parent.iterdir() if p.name not in shared)


V1_SCHEMA = Path(__file__).parent / "fixtures" / "schema_v1.sql"


def names_in(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return sorted(r[0] for r in conn.execute("SELECT name FROM prospect"))
    finally:
        conn.close()


def indexes(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='index' AND name NOT LIKE 'sqlite_%'")}
    finally:
        conn.close()


def tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


def make_v1_database(path: Path, names: tuple[str, ...] = ("Alice", "王伟")) -> None:
    """A database exactly as SalesDesk 0.1 (schema version 1) wrote it, with prospects."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA.read_text(encoding="utf-8"))
    stamp = NOW.strftime("%Y-%m-%d %H:%M:%S.%f")
    texts = ("company", "title", "phone", "email", "address", "area", "source", "tags",
             "product_interest", "purchase_history", "size", "work", "family", "personality",
             "habits", "hobbies", "contact_style", "contact_times", "promotions", "values_note",
             "notes", "next_action", "next_topic")
    for name in names:
        row = {t: "" for t in texts} | {
            "company": "Acme", "kind": "person", "name": name, "value": 0.0, "grade": "C",
            "status": "live", "stage": "target", "money": "unknown", "authority": "unknown",
            "need": "unknown", "key_account": 0, "pot_growth": 0, "pot_plan": 0,
            "pot_revenue": 0, "pot_opportunity": 0, "pot_fit": 0, "pot_competitive": 0,
            "pot_relationship": 0, "created_at": stamp, "graded_at": stamp,
        }
        conn.execute(
            f"INSERT INTO prospect ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
            tuple(row.values()),
        )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    os.chmod(path, 0o600)


def write_text_file(path: Path) -> None:
    path.write_text("name,phone\nBob,555-0100\n" * 40, encoding="utf-8")


def write_garbage_sqlite(path: Path) -> None:
    """Right magic header, nonsense after it."""
    path.write_bytes(b"SQLite format 3\x00" + b"\xff\x13\x07" * 700)


def write_newer_plain(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE prospect (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO prospect (name) VALUES ('from the future')")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()


def write_newer_salesdesk(path: Path) -> None:
    """A genuine SalesDesk (WAL) database, then stamped as written by a newer version."""
    make_v1_database(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()


def write_foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
    conn.execute("INSERT INTO recipes (title) VALUES ('soup'), ('bread')")
    conn.commit()
    conn.close()


BAD_FILES: dict[str, Callable[[Path], None]] = {
    "text": write_text_file,
    "garbage-after-header": write_garbage_sqlite,
    "newer-plain": write_newer_plain,
    "newer-salesdesk": write_newer_salesdesk,
    "foreign-sqlite": write_foreign_sqlite,
}


# --------------------------------------------------------------------------- creation


def test_new_file_is_private_and_folder_is_private(db: Database, db_path: Path) -> None:
    assert db_path.is_file()
    assert mode_of(db_path) == 0o600
    assert mode_of(db_path.parent) == 0o700


def test_new_file_is_private_even_with_a_permissive_umask(db_path: Path) -> None:
    old = os.umask(0)
    try:
        database = open_database(db_path)
    finally:
        os.umask(old)
    try:
        assert mode_of(db_path) == 0o600
        assert mode_of(db_path.parent) == 0o700
    finally:
        database.close()


def test_wal_and_shm_files_are_private_too(db: Database, db_path: Path) -> None:
    store.add_prospect(db, NOW, "Alice")
    with db.connect() as conn:
        # Keep a connection open so the -wal/-shm files exist while we look.
        conn.execute("SELECT count(*) FROM prospect").fetchone()[0]
        siblings = [p for p in db_path.parent.iterdir() if p != db_path]
        assert siblings, "WAL mode should create -wal/-shm files"
        for sibling in siblings:
            assert sibling.name.startswith(db_path.name)
            assert mode_of(sibling) == 0o600, sibling.name


def test_existing_empty_file_is_refused_untouched(db_path: Path) -> None:
    """A 0-byte file is a failed copy or a sync conflict, not a new database."""
    db_path.parent.mkdir(parents=True)
    db_path.touch()
    with pytest.raises(DatabaseError, match="empty file .0 bytes.*--create") as info:
        open_database(db_path)
    assert "\n" not in info.value.message
    assert db_path.stat().st_size == 0
    assert not db_path.with_name(db_path.name + "-wal").exists()


def test_existing_empty_file_is_initialised_and_made_private(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.touch()
    os.chmod(db_path, 0o644)
    database = open_database(db_path, create_empty=True)
    try:
        assert store.count_prospects(database) == 0
    finally:
        database.close()
    assert user_version(db_path) == SCHEMA_VERSION
    assert mode_of(db_path) == 0o600


def test_empty_sqlite_file_without_tables_is_initialised(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA page_size = 4096")
    conn.execute("VACUUM")
    conn.close()
    database = open_database(db_path)
    try:
        store.add_prospect(database, NOW, "Alice")
        assert store.count_prospects(database) == 1
    finally:
        database.close()
    assert user_version(db_path) == SCHEMA_VERSION


def test_pragmas_on_every_pooled_connection(db: Database) -> None:
    for _ in range(2):
        with db.connect() as conn:
            pragma = lambda name: conn.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
            assert str(pragma("journal_mode")).lower() == "wal"
            assert pragma("foreign_keys") == 1
            assert pragma("synchronous") == 2  # FULL
            assert pragma("busy_timeout") > 0


def _pragmas(conn: sqlite3.Connection) -> tuple[str, int, int, int]:
    get = lambda name: conn.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    return str(get("journal_mode")).lower(), get("foreign_keys"), get("synchronous"), get(
        "busy_timeout")


def test_one_setup_for_every_connection(db: Database, db_path: Path) -> None:
    """Pool, bulk transactions (demo, migrations) and the importer's own connection alike;
    foreign keys are off only when a caller asks."""
    with raw_transaction(db_path, foreign_keys=False) as conn:
        assert _pragmas(conn) == ("wal", 0, 2, dbmod.BUSY_TIMEOUT_MS)
    with raw_transaction(db_path) as conn:
        assert _pragmas(conn) == ("wal", 1, 2, dbmod.BUSY_TIMEOUT_MS)
    conn = open_connection(db_path, busy_ms=250)
    try:
        assert _pragmas(conn) == ("wal", 1, 2, 250)
        assert conn.isolation_level is None  # autocommit: the caller writes BEGIN
    finally:
        conn.close()


def test_a_read_only_connection_cannot_write(db: Database, db_path: Path) -> None:
    store.add_prospect(db, NOW, "Alice")
    conn = open_connection(db_path, read_only=True)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("DELETE FROM prospect")
    finally:
        conn.close()
    assert store.count_prospects(db) == 1


def test_a_failed_write_transaction_leaves_nothing_behind(db: Database) -> None:
    store.add_prospect(db, NOW, "Alice")
    with pytest.raises(RuntimeError), db.begin() as conn:
        conn.execute("UPDATE prospect SET name = 'Changed'")
        conn.execute("INSERT INTO setting (key, value) VALUES ('pool_target', '9')")
        raise RuntimeError("boom")
    with db.connect() as conn:
        assert conn.execute("SELECT name FROM prospect").fetchall() == [("Alice",)]
        assert conn.execute("SELECT count(*) FROM setting").fetchone()[0] == 0
        assert not conn.in_transaction


def test_a_connection_is_never_handed_on_inside_a_transaction(db: Database) -> None:
    with db.connect() as conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO setting (key, value) VALUES ('pool_target', '9')")
    # The unfinished write was rolled back when the connection went back to the pool,
    # so it holds no lock and the next writer goes ahead.
    store.set_setting(db, "pool_target", "12")
    assert store.pool_target(db) == 12


def test_connections_are_reused_and_closing_is_not_final(db: Database) -> None:
    with db.connect() as first:
        pass
    with db.connect() as again:
        assert again is first
    with db.connect() as outer, db.connect() as inner:  # nested use gets its own connection
        assert outer is not inner
    db.close()
    assert store.count_prospects(db) == 0  # a later read opens a fresh connection


def test_reads_from_another_thread(db: Database) -> None:
    from concurrent.futures import ThreadPoolExecutor
    from datetime import date

    store.add_prospect(db, NOW, "Alice", grade="A")
    store.count_prospects(db)  # a connection made on this thread is now idle in the pool
    with ThreadPoolExecutor(max_workers=1) as pool:
        cards = pool.submit(store.list_cards, db, date(2026, 11, 18)).result()
    assert [card.name for card in cards] == ["Alice"]


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError), db.begin() as conn:
        conn.execute(
            "INSERT INTO activity (prospect_id, kind, at, note, outcome) "
            "VALUES (999, 'call', '2026-11-18 09:00:00.000000', '', '')"
        )


def test_user_version_is_schema_version(db: Database, db_path: Path) -> None:
    assert SCHEMA_VERSION >= 1
    assert user_version(db_path) == SCHEMA_VERSION


def test_reopening_keeps_data(db_path: Path) -> None:
    make_v1_database(db_path)
    database = open_database(db_path)
    try:
        names = sorted(c.name for c in store.list_cards(database, NOW.date()))
        store.set_setting(database, "pool_target", "70")
    finally:
        database.close()
    assert names == sorted(["Alice", "王伟"])
    database = open_database(db_path)
    try:
        assert store.count_prospects(database) == 2
        assert store.pool_target(database) == 70
    finally:
        database.close()
    assert user_version(db_path) == SCHEMA_VERSION


def test_reopening_a_current_database_makes_no_backup(db_path: Path) -> None:
    database = open_database(db_path)
    store.add_prospect(database, NOW, "Alice")
    database.close()
    open_database(db_path).close()
    assert not list(db_path.parent.glob("*.bak"))


def test_a_string_path_and_tilde_are_accepted(isolated_home: Path) -> None:
    database = open_database("~/sd/here.db")  # type: ignore[arg-type]
    try:
        assert database.path == isolated_home / "sd" / "here.db"
    finally:
        database.close()
    assert (isolated_home / "sd" / "here.db").is_file()


# --------------------------------------------------------------------------- bad files


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_file_raises_and_is_left_untouched(db_path: Path, kind: str) -> None:
    db_path.parent.mkdir(parents=True)
    BAD_FILES[kind](db_path)
    before = snapshot(db_path)
    listing = other_files(db_path)
    with pytest.raises(DatabaseError) as info:
        open_database(db_path)
    message = info.value.message
    assert message and "\n" not in message
    assert info.value.exit_code == 2
    assert snapshot(db_path) == before
    assert other_files(db_path) == listing


def test_bad_file_messages_say_what_is_wrong(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    write_text_file(db_path)
    with pytest.raises(DatabaseError, match="not a SalesDesk database"):
        open_database(db_path)
    db_path.unlink()
    write_newer_plain(db_path)
    with pytest.raises(DatabaseError, match="newer"):
        open_database(db_path)
    db_path.unlink()
    write_foreign_sqlite(db_path)
    with pytest.raises(DatabaseError, match="not a SalesDesk database"):
        open_database(db_path)


def test_folder_instead_of_file(db_path: Path) -> None:
    db_path.mkdir(parents=True)
    with pytest.raises(DatabaseError, match="folder"):
        open_database(db_path)
    assert db_path.is_dir() and not list(db_path.iterdir())


def test_parent_is_a_regular_file(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not a folder\n")
    before = snapshot(afile)
    with pytest.raises(DatabaseError) as info:
        open_database(afile / "s.db")
    assert "\n" not in info.value.message
    assert snapshot(afile) == before


# Root (CI runs as root) can write into read-only folders and files, so these cases run
# in a subprocess as the unprivileged user nobody (tests/faults.py): never skipped.
_OPEN = """
import sys
from pathlib import Path
from salesdesk.data.db import open_database
from salesdesk.errors import DatabaseError
try:
    open_database(Path(sys.argv[1])).close()
except DatabaseError as exc:
    assert "\\n" not in exc.message
    print(exc.message)
    raise SystemExit(2)
print("opened")
"""


def _open_as_user(path: Path) -> str:
    from tests.faults import as_user

    done = as_user(_OPEN, str(path))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    return done.stdout.strip()


def test_new_file_in_read_only_folder() -> None:
    from tests.faults import shared_folder

    with shared_folder() as shared:
        folder = shared / "ro"
        folder.mkdir()
        os.chmod(folder, 0o555)
        assert _open_as_user(folder / "s.db")
        assert not list(folder.iterdir())


def test_existing_file_in_read_only_folder() -> None:
    from tests.faults import shared_folder

    with shared_folder() as shared:
        folder = shared / "ro"
        make_v1_database(folder / "s.db")
        os.chmod(folder / "s.db", 0o666)
        before = snapshot(folder / "s.db")
        os.chmod(folder, 0o555)
        assert "cannot write" in _open_as_user(folder / "s.db")
        assert snapshot(folder / "s.db") == before


def test_read_only_file() -> None:
    from tests.faults import shared_folder

    with shared_folder() as shared:
        path = shared / "s.db"
        make_v1_database(path)
        os.chmod(path, 0o444)
        before = snapshot(path)
        assert "permissions" in _open_as_user(path)
        assert snapshot(path)[:2] == before[:2]


# --------------------------------------------------------------------------- migrations


def _add_extra_column(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE prospect ADD COLUMN extra TEXT NOT NULL DEFAULT ''")


def test_migration_adds_column_bumps_version_and_keeps_backup(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_v1_database(db_path)
    assert user_version(db_path) == 1
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(dbmod, "MIGRATIONS", {1: _add_extra_column})

    database = open_database(db_path)
    try:
        assert store.count_prospects(database) == 2
    finally:
        database.close()
    assert names_in(db_path) == sorted(["Alice", "王伟"])

    assert "extra" in columns(db_path, "prospect")
    assert user_version(db_path) == 2

    backups = list(db_path.parent.glob(f"{db_path.name}.v1-*.bak"))
    assert len(backups) == 1
    backup = backups[0]
    assert mode_of(backup) == 0o600
    assert user_version(backup) == 1
    assert "extra" not in columns(backup, "prospect")
    assert count(backup, "prospect") == 2

    # Opening again at version 2 migrates nothing and makes no second backup.
    open_database(db_path).close()
    assert len(list(db_path.parent.glob("*.bak"))) == 1


def test_real_migration_from_version_1(db_path: Path) -> None:
    """A database written by SalesDesk 0.1 opens in this version: upgraded, backed up, usable."""
    make_v1_database(db_path)
    database = open_database(db_path)
    try:
        assert user_version(db_path) == SCHEMA_VERSION
        assert {"decider", "priority", "follow_up", "visit_days", "import_batch"} <= set(
            columns(db_path, "prospect"))
        assert "visit_id" in columns(db_path, "activity")
        assert {"visit", "importbatch"} <= tables(db_path)
        cards = store.list_cards(database, NOW.date())
        assert sorted(c.name for c in cards) == sorted(["Alice", "王伟"])
        alice = next(c for c in cards if c.name == "Alice")
        store.regrade(database, NOW, alice.id, "A")
        new_id = store.add_prospect(database, NOW, "After upgrade", grade="B")
        detail = store.get_prospect(database, alice.id, NOW.date())
        assert detail["grade"] == "A" and detail["follow_up"] == "keep"
        assert detail["decider"] == ""
        assert store.get_prospect(database, new_id, NOW.date())["grade"] == "B"
    finally:
        database.close()
    backups = list(db_path.parent.glob(f"{db_path.name}.v1-*.bak"))
    assert len(backups) == 1 and user_version(backups[0]) == 1


def test_migrated_schema_matches_a_fresh_one(tmp_path: Path) -> None:
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    make_v1_database(old)
    open_database(old).close()
    open_database(new).close()
    for table in ("prospect", "activity", "visit", "importbatch", "setting", "journal"):
        assert set(columns(old, table)) == set(columns(new, table)), table
    assert indexes(old) == indexes(new)
    assert {"ix_prospect_previous_id", "ix_activity_visit_id"} <= indexes(new)


def test_migrations_run_in_order_over_several_versions(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_v1_database(db_path)
    ran: list[int] = []

    def step(version: int) -> Callable[[sqlite3.Connection], None]:
        def migrate(conn: sqlite3.Connection) -> None:
            ran.append(version)
            conn.execute(f"ALTER TABLE prospect ADD COLUMN extra{version} TEXT")

        return migrate

    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(dbmod, "MIGRATIONS", {1: step(1), 2: step(2)})
    open_database(db_path).close()
    assert ran == [1, 2]
    assert {"extra1", "extra2"} <= set(columns(db_path, "prospect"))
    assert user_version(db_path) == 3


def test_fresh_database_needs_no_migration(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(conn: sqlite3.Connection) -> None:
        raise AssertionError("a new database must be created at the current schema")

    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(dbmod, "MIGRATIONS", {1: boom})
    open_database(db_path).close()
    assert user_version(db_path) == 2
    assert not list(db_path.parent.glob("*.bak"))


def _assert_still_v1(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert user_version(path) == 1
    assert "extra" not in columns(path, "prospect")
    assert count(path, "prospect") == 2
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", 1)
    monkeypatch.setattr(dbmod, "MIGRATIONS", {})
    open_database(path).close()
    assert names_in(path) == sorted(["Alice", "王伟"])


def test_a_migration_backup_passes_an_integrity_check_and_is_private(db_path: Path) -> None:
    """Migrations use the one backup routine: a checked copy renamed into place."""
    make_v1_database(db_path)
    open_database(db_path).close()
    (backup,) = db_path.parent.glob(f"{db_path.name}.v1-*.bak")
    assert mode_of(backup) == 0o600
    conn = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    assert count(backup, "prospect") == 2
    assert not [p.name for p in db_path.parent.iterdir() if p.name.endswith(".tmp")]


def test_no_migration_without_a_backup(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A backup that cannot be made stops the upgrade: one line, the file left at v1."""
    make_v1_database(db_path)

    def no_room(path: Path, target: Path) -> Path:
        raise DatabaseError(f"cannot write a backup in {target.parent}: No space left")

    monkeypatch.setattr(dbmod, "backup_database", no_room)
    with pytest.raises(DatabaseError, match="cannot write a backup"):
        open_database(db_path)
    _assert_still_v1(db_path, monkeypatch)


def test_failing_sql_migration_rolls_back_and_raises_database_error(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_v1_database(db_path)

    def broken(conn: sqlite3.Connection) -> None:
        _add_extra_column(conn)
        conn.execute("DELETE FROM prospect")
        conn.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(dbmod, "MIGRATIONS", {1: broken})
    with pytest.raises(DatabaseError, match="could not upgrade") as info:
        open_database(db_path)
    assert "\n" not in info.value.message
    assert list(db_path.parent.glob(f"{db_path.name}.v1-*.bak"))
    _assert_still_v1(db_path, monkeypatch)


def test_failing_python_migration_rolls_back_and_reraises(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_v1_database(db_path)

    def broken(conn: sqlite3.Connection) -> None:
        _add_extra_column(conn)
        conn.execute("DELETE FROM prospect")
        raise RuntimeError("bug in migration")

    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(dbmod, "MIGRATIONS", {1: broken})
    # Not an sqlite3.Error: the code rolls back and lets the exception through.
    with pytest.raises(RuntimeError, match="bug in migration"):
        open_database(db_path)
    _assert_still_v1(db_path, monkeypatch)


# --------------------------------------------------------------------------- backups


def test_backup_copies_committed_rows(db: Database, db_path: Path, tmp_path: Path) -> None:
    store.add_prospect(db, NOW, "Alice")
    other = sqlite3.connect(db_path)
    try:
        other.executemany(
            "INSERT INTO setting (key, value) VALUES (?, ?)", [(f"k{i}", str(i)) for i in range(25)]
        )
        other.commit()
        target = backup_database(db_path, tmp_path / "copy.db")
    finally:
        other.close()
    assert target == tmp_path / "copy.db"
    assert mode_of(target) == 0o600
    assert count(target, "setting") == 25
    assert count(target, "prospect") == 1
    assert user_version(target) == SCHEMA_VERSION


def test_backup_ignores_an_open_write_transaction(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    store.add_prospect(db, NOW, "Alice")
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO setting (key, value) VALUES ('pending', 'x')")
        target = backup_database(db_path, tmp_path / "copy.db")
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert count(target, "setting") == 0
    assert count(target, "prospect") == 1


def test_backup_overwrites_target_and_is_a_usable_database(db: Database, db_path: Path,
                                                           tmp_path: Path) -> None:
    store.add_prospect(db, NOW, "王伟")
    target = tmp_path / "copy.db"
    target.write_text("old junk " * 1000)
    os.chmod(target, 0o644)
    backup_database(db_path, target)
    assert mode_of(target) == 0o600
    copy = open_database(target)
    try:
        assert [c.name for c in store.list_cards(copy, NOW.date())] == ["王伟"]
    finally:
        copy.close()
