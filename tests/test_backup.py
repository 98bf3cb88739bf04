"""Backup and restore: consistent copies while another connection writes, the daily backup and
its rotation, restore refusing files that are not SalesDesk databases, keeping a backup."""

from __future__ import annotations

import sqlite3
import stat
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from salesdesk.cli import io as io_commands
from salesdesk.cli.main import app
from salesdesk.data import backup as backup_module
from salesdesk.data import store
from salesdesk.data.backup import (
    backup_database,
    backups_folder,
    daily_backup,
    inspect_backup,
    restore_database,
    rotate,
)
from salesdesk.data.db import SCHEMA_VERSION, Database, open_database
from salesdesk.errors import DatabaseError

from .conftest import NOW, TODAY
from .test_db import make_v1_database

runner = CliRunner()


def names(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return sorted(r[0] for r in conn.execute("SELECT name FROM prospect"))
    finally:
        conn.close()


def open_board(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``salesdesk --db PATH``: the board opens through salesdesk.launch (not the CLI)."""
    from salesdesk import launch

    monkeypatch.setattr(sys, "argv", ["salesdesk", "--db", str(db_path)])
    launch.main()


def sd(db_path: Path, *args: str, **kwargs: Any) -> Any:
    return runner.invoke(app, ["--db", str(db_path), *args], **kwargs)


@pytest.fixture
def filled(db: Database) -> Database:
    store.add_prospect(db, NOW, "王伟", company="华信科技", grade="A")
    store.add_prospect(db, NOW, "Ann Lee", grade="B")
    return db


# --------------------------------------------------------------------------- backup


def test_backup_is_a_checked_private_copy(filled: Database, tmp_path: Path) -> None:
    target = backup_database(filled.path, tmp_path / "copy.db")
    assert names(target) == ["Ann Lee", "王伟"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert inspect_backup(target).version == SCHEMA_VERSION
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # A second backup replaces the first in one step (write to a temporary name, rename).
    store.add_prospect(filled, NOW, "Cara")
    backup_database(filled.path, target)
    assert names(target) == ["Ann Lee", "Cara", "王伟"]


def test_backup_while_another_connection_writes(filled: Database, tmp_path: Path) -> None:
    """Each copy is a consistent snapshot: whole transactions only, integrity ok."""
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        conn = sqlite3.connect(filled.path, timeout=10)
        try:
            while not stop.is_set():
                with conn:  # one transaction: two cards that must always travel together
                    for half in ("a", "b"):
                        conn.execute(
                            "INSERT INTO prospect (kind, name, company, title, phone, email, "
                            "address, area, source, tags, product_interest, value, "
                            "purchase_history, size, work, family, personality, habits, hobbies, "
                            "contact_style, contact_times, promotions, values_note, notes, grade, "
                            "status, stage, money, authority, need, decider, inquiries, "
                            "next_action, next_topic, key_account, pot_growth, pot_plan, "
                            "pot_revenue, pot_opportunity, pot_fit, pot_competitive, "
                            "pot_relationship, follow_up, visit_days, visit_time, created_at, "
                            "graded_at) VALUES ('person', ?, '', '', '', '', '', '', '', '', "
                            "'', 0, '', '', '', '', '', '', '', '', '', '', '', '', 'C', 'live', "
                            "'target', 'unknown', 'unknown', 'unknown', '', 0, '', '', 0, 0, 0, "
                            "0, 0, 0, 0, 0, 'keep', '', '', '2026-11-18 09:00:00', "
                            "'2026-11-18 09:00:00')",
                            (f"w{written[0]}{half}",),
                        )
                written[0] += 1
        finally:
            conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        copies = []
        deadline = time.monotonic() + 10
        while len(copies) < 5 and time.monotonic() < deadline:
            copies.append(backup_database(filled.path, tmp_path / f"b{len(copies)}.db"))
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join()
    assert written[0] > 0 and len(copies) == 5
    for copy in copies:
        found = [n for n in names(copy) if n.startswith("w")]
        assert len(found) % 2 == 0  # never half a transaction
        assert inspect_backup(copy).prospects == len(found) + 2


def test_backup_refuses_to_overwrite_the_database(filled: Database) -> None:
    with pytest.raises(Exception, match="database itself"):
        backup_database(filled.path, filled.path)


# --------------------------------------------------------------------------- daily


def test_daily_backup_once_a_day(filled: Database) -> None:
    made = daily_backup(filled, TODAY)
    assert made == backups_folder(filled.path) / f"salesdesk-{TODAY.isoformat()}.db"
    assert names(made) == ["Ann Lee", "王伟"]
    assert stat.S_IMODE(made.parent.stat().st_mode) == 0o700
    assert daily_backup(filled, TODAY) is None  # cheap: today's exists
    tomorrow = daily_backup(filled, TODAY + timedelta(days=1))
    assert tomorrow is not None and tomorrow.exists()


def test_daily_backup_rotation_keeps_the_last_n(filled: Database) -> None:
    store.set_setting(filled, "backups_keep", "3")
    folder = backups_folder(filled.path)
    folder.mkdir(mode=0o700)
    for days in range(1, 8):
        (folder / f"salesdesk-{(TODAY - timedelta(days=days)).isoformat()}.db").write_bytes(b"")
    (folder / "salesdesk-manual-20260101-090000.db").write_bytes(b"keep me")
    (folder / "other-2020-01-01.db").write_bytes(b"another database's")
    daily_backup(filled, TODAY)
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == [
        "other-2020-01-01.db",
        f"salesdesk-{(TODAY - timedelta(days=2)).isoformat()}.db",
        f"salesdesk-{(TODAY - timedelta(days=1)).isoformat()}.db",
        f"salesdesk-{TODAY.isoformat()}.db",
        "salesdesk-manual-20260101-090000.db",
    ]
    assert rotate(filled.path, 1) and len(list(folder.glob("salesdesk-2*.db"))) == 1


def test_daily_backup_skips_an_empty_database_and_survives_failures(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert daily_backup(db, TODAY) is None and not backups_folder(db.path).exists()
    store.add_prospect(db, NOW, "Ann")
    backups_folder(db.path).write_text("a file where the folder should be")
    assert daily_backup(db, TODAY) is None  # the app still opens
    err = capsys.readouterr().err
    assert err.startswith("salesdesk: warning: daily backup failed") and err.count("\n") == 1


def test_opening_the_board_makes_the_daily_backup(
    filled: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import salesdesk.app

    monkeypatch.setattr(salesdesk.app, "run_app", lambda *args, **kwargs: None)
    open_board(filled.path, monkeypatch)
    daily = backups_folder(filled.path) / f"salesdesk-{TODAY.isoformat()}.db"
    assert names(daily) == ["Ann Lee", "王伟"]
    mtime = daily.stat().st_mtime_ns
    open_board(filled.path, monkeypatch)
    assert daily.stat().st_mtime_ns == mtime


def test_a_failed_daily_backup_is_said_after_the_board_closes(
    filled: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The backup runs beside the board; a board closed before it could tell says it on
    the terminal afterwards, in one line."""
    import salesdesk.app

    monkeypatch.setattr(salesdesk.app, "run_app", lambda *args, **kwargs: None)
    backups_folder(filled.path).write_text("a file where the folder should be")
    open_board(filled.path, monkeypatch)
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("salesdesk: warning: daily backup failed")


async def test_a_failed_daily_backup_shows_on_the_board(filled: Database) -> None:
    from concurrent.futures import Future

    from salesdesk.app import make_app
    from salesdesk.config import Settings
    from salesdesk.data.backup import BackupJob

    job = BackupJob(warnings=["salesdesk: warning: daily backup failed: disk full"])
    job.future = Future()
    app = make_app(Settings(db_path=filled.path, clock=lambda: NOW), filled, backup=job)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not job.shown  # still running
        job.future.set_result(None)  # finishes (from any thread: the message is posted)
        await pilot.pause()
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert shown == ["daily backup failed: disk full"] and job.shown


# --------------------------------------------------------------------------- restore


def test_restore_keeps_a_backup_and_restores(filled: Database, tmp_path: Path) -> None:
    saved = backup_database(filled.path, tmp_path / "saved.db")
    store.add_prospect(filled, NOW, "Added later")
    result = restore_database(filled.path, saved, NOW)
    assert names(filled.path) == ["Ann Lee", "王伟"]
    assert result.kept is not None and "before-restore" in result.kept.name
    assert names(result.kept) == ["Added later", "Ann Lee", "王伟"]
    # The open database sees the restored data (the file was not swapped under it).
    assert sorted(c.name for c in store.list_cards(filled, TODAY)) == ["Ann Lee", "王伟"]
    assert stat.S_IMODE(filled.path.stat().st_mode) == 0o600


def bad_files(tmp_path: Path) -> dict[str, Path]:
    text = tmp_path / "notes.txt"
    text.write_text("just some text")
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.close()
    newer = tmp_path / "newer.db"
    make_v1_database(newer)
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    return {"text": text, "other": other, "newer": newer, "missing": tmp_path / "nope.db",
            "empty": empty}


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("text", "not a SalesDesk database (not an SQLite file)"),
        ("other", "not a SalesDesk database (no prospect table)"),
        ("newer", "newer SalesDesk (schema 99"),
        ("missing", "no file"),
        ("empty", "not a SalesDesk database (not an SQLite file)"),
    ],
)
def test_restore_refuses_a_file_that_is_not_a_salesdesk_database(
    filled: Database, tmp_path: Path, kind: str, message: str
) -> None:
    source = bad_files(tmp_path)[kind]
    with pytest.raises(DatabaseError, match=message.replace("(", r"\(").replace(")", r"\)")):
        restore_database(filled.path, source)
    assert names(filled.path) == ["Ann Lee", "王伟"]
    assert not backups_folder(filled.path).exists()
    result = sd(filled.path, "restore", str(source), "--yes")
    assert result.exit_code == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_restore_an_old_schema_is_migrated_on_open(filled: Database, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    make_v1_database(old, names=("Old One", "旧客户"))
    result = sd(filled.path, "restore", str(old), "--yes")
    assert result.exit_code == 0, result.output
    assert "upgraded from schema 1" in result.stdout and "kept in" in result.stdout
    database = open_database(filled.path)
    try:
        assert sorted(c.name for c in store.list_cards(database, TODAY)) == ["Old One", "旧客户"]
    finally:
        database.close()
    conn = sqlite3.connect(filled.path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_restore_over_an_unreadable_database(tmp_path: Path, filled: Database) -> None:
    saved = backup_database(filled.path, tmp_path / "saved.db")
    broken = tmp_path / "broken" / "salesdesk.db"
    broken.parent.mkdir()
    broken.write_bytes(b"garbage, not a database" * 100)
    result = restore_database(broken, saved, NOW)
    assert names(broken) == ["Ann Lee", "王伟"]
    assert result.kept is not None and result.kept.read_bytes().startswith(b"garbage")


def test_restore_asks_and_refuses_without_a_terminal(
    filled: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = backup_database(filled.path, tmp_path / "saved.db")
    store.add_prospect(filled, NOW, "Added later")
    result = sd(filled.path, "restore", str(saved))
    assert result.exit_code == 2 and "add --yes" in result.stderr
    monkeypatch.setattr(io_commands, "_interactive", lambda: True)
    result = sd(filled.path, "restore", str(saved), input="n\n")
    assert result.exit_code == 1 and "cancelled" in result.stderr
    assert "Added later" in names(filled.path)
    result = sd(filled.path, "restore", str(saved), input="y\n")
    assert result.exit_code == 0 and names(filled.path) == ["Ann Lee", "王伟"]


# --------------------------------------------------------------------------- CLI backup


def test_cli_backup(filled: Database, tmp_path: Path) -> None:
    result = sd(filled.path, "backup")
    assert result.exit_code == 0 and "2 prospects, checked" in result.stdout
    made = list(backups_folder(filled.path).glob("salesdesk-manual-*.db"))
    assert len(made) == 1 and names(made[0]) == ["Ann Lee", "王伟"]
    assert sd(filled.path, "backup", "--out", str(tmp_path / "x.db")).exit_code == 0
    assert names(tmp_path / "x.db") == ["Ann Lee", "王伟"]
    folder = tmp_path / "keep"
    folder.mkdir()
    assert sd(filled.path, "backup", "--out", str(folder)).exit_code == 0
    assert len(list(folder.glob("salesdesk-*.db"))) == 1
    assert sd(filled.path, "backup", "--out", f"{folder}/").exit_code == 0
    assert len(list(folder.glob("salesdesk-*.db"))) >= 1


def test_cli_backup_to_a_missing_folder_with_a_slash_is_refused(
    filled: Database, tmp_path: Path
) -> None:
    """`--out ~/usb/` with the stick not mounted must not write a file named usb."""
    result = sd(filled.path, "backup", "--out", f"{tmp_path / 'usb'}/")
    assert result.exit_code == 2 and f"no folder {tmp_path / 'usb'}" in result.stderr
    assert not (tmp_path / "usb").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--out", "/no/such/folder/x.db"], "no folder"), ([], "nothing to back up")],
)
def test_cli_backup_bad_input(tmp_path: Path, args: list[str], message: str) -> None:
    db_path = tmp_path / "data" / "salesdesk.db"
    if args:
        open_database(db_path).close()
    result = sd(db_path, "backup", *args)
    assert result.exit_code == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_daily_names_use_the_day() -> None:
    assert backup_module.daily_name(Path("/x/salesdesk.db"), date(2026, 1, 2)) == (
        "salesdesk-2026-01-02.db"
    )


def test_the_starts_check_is_skipped_only_for_a_file_unchanged_since_a_good_one_today(
    filled: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A start repeated on a file no one wrote since a good check today does not read
    every page again; a change, or another day, is checked."""
    from salesdesk.data.backup import check_then_back_up

    checks: list[Path] = []
    real = backup_module.check_pages
    monkeypatch.setattr(backup_module, "check_pages", lambda p: (checks.append(p), real(p)))
    filled.close()  # (as a board closes: its writes go from the WAL into the file)
    check_then_back_up(filled, TODAY)  # checks; makes today's backup (and its folder)
    check_then_back_up(filled, TODAY)  # checks, and notes the file as checked
    check_then_back_up(filled, TODAY)
    assert len(checks) == 2
    store.add_prospect(filled, NOW, "Someone new")
    filled.close()
    check_then_back_up(filled, TODAY)
    assert len(checks) == 3
    check_then_back_up(filled, TODAY + timedelta(days=1))
    assert len(checks) == 4
    note = backups_folder(filled.path) / f".{filled.path.name}.checked"
    assert stat.S_IMODE(note.stat().st_mode) == 0o600
