"""Files left behind, permissions and read-only media (issue 15): stale temp files are
cleaned at the next start, every backup is written whole or not at all, the database is
private, and reading commands work where nothing can be written."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesdesk.cli.main import app
from salesdesk.data import store
from salesdesk.data.backup import backup_database, stamped_backup
from salesdesk.data.db import open_database
from salesdesk.data.location import clean_stale_temp_files
from salesdesk.errors import DatabaseError
from salesdesk.files import make_folders
from tests.conftest import NOW
from tests.faults import cli_as_user, shared_folder

runner = CliRunner()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def made(path: Path, cards: int = 2) -> Path:
    database = open_database(path)
    try:
        for n in range(cards):
            store.add_prospect(database, NOW, f"Card {n}")
    finally:
        database.close()
    return path


def dead_pid() -> int:
    """A process id that is not running (a finished child's)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


# --------------------------------------------------------------------------- temp files


def test_stale_temp_files_are_cleaned_at_the_next_start(tmp_path: Path) -> None:
    path = made(tmp_path / "sales.db")
    gone = dead_pid()
    backups = tmp_path / "backups"
    backups.mkdir()
    stale = [
        tmp_path / f".sales.db.v2-20261118-090000.bak.{gone}.tmp",  # a killed migration
        backups / f".sales-2026-11-18.db.{gone}.tmp",  # a killed daily backup
        backups / f".sales-before-restore-20261118-090000.db.{gone}.tmp",  # killed restore
        tmp_path / "sales.db.v2-20261118-090000.bak",  # an empty .bak: looks like a backup
    ]
    for file in stale[:3]:
        file.write_bytes(b"x" * 4096)
    stale[3].touch()
    kept = [
        tmp_path / f".sales.db.x.bak.{os.getpid()}.tmp",  # a backup running now
        tmp_path / f".other.db.{gone}.tmp",  # another program's file
        tmp_path / ".notes.tmp",
        backups / "sales-2026-11-17.db",
    ]
    for file in kept:
        file.write_bytes(b"y")
    open_database(path).close()
    assert [f for f in stale if f.exists()] == []
    assert [f for f in kept if not f.exists()] == []


def test_clean_returns_what_it_removed(tmp_path: Path) -> None:
    path = made(tmp_path / "sales.db")
    junk = tmp_path / f".sales.db.v1-x.bak.{dead_pid()}.tmp"
    junk.touch()
    assert clean_stale_temp_files(path) == [junk]


def test_a_backup_is_renamed_only_when_whole_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = made(tmp_path / "sales.db")
    target = tmp_path / "copy.db"
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    backup_database(path, target)
    assert len(synced) >= 2  # the file and its folder
    assert mode(target) == 0o600

    def broken(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(DatabaseError, match="disk space"):
        backup_database(path, tmp_path / "second.db")
    assert not (tmp_path / "second.db").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_migration_never_leaves_an_empty_bak(tmp_path: Path) -> None:
    from tests.test_migration import make_v2_database

    path = tmp_path / "sales.db"
    make_v2_database(path)
    open_database(path).close()
    baks = [p for p in tmp_path.iterdir() if p.name.endswith(".bak")]
    assert baks and all(p.stat().st_size > 0 for p in baks)


def test_stamped_backups_are_private(tmp_path: Path) -> None:
    path = made(tmp_path / "sales.db")
    target = stamped_backup(path, "manual", NOW)
    assert mode(target) == 0o600 and mode(target.parent) == 0o700


# --------------------------------------------------------------------------- permissions


def test_the_database_and_side_files_are_tightened_once(tmp_path: Path) -> None:
    path = made(tmp_path / "sales.db")
    database = open_database(path)  # keeps -wal and -shm while open
    store.count_prospects(database)
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        os.chmod(file, 0o644)
    second = open_database(path)
    try:
        assert len(second.notices) == 1 and "0600" in second.notices[0]
        assert "sales.db 644" in second.notices[0]
    finally:
        second.close()
        database.close()
    assert mode(path) == 0o600
    third = open_database(path)
    assert third.notices == []  # said once
    third.close()
    result = runner.invoke(app, ["--db", str(path), "list"])
    assert "0600" not in result.output


def test_the_cli_says_so_once(tmp_path: Path) -> None:
    path = made(tmp_path / "sales.db")
    os.chmod(path, 0o664)
    first = runner.invoke(app, ["--db", str(path), "list"])
    assert first.exit_code == 0 and "private (0600)" in first.stderr
    second = runner.invoke(app, ["--db", str(path), "list"])
    assert "0600" not in second.stderr


@pytest.mark.parametrize("umask", [0o000, 0o002, 0o022, 0o077])
def test_missing_parents_are_created_0700(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        path = tmp_path / "a" / "b" / "c" / "sales.db"
        made(path, cards=0)
        make_folders(tmp_path / "x" / "y")
    finally:
        os.umask(old)
    for folder in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c",
                   tmp_path / "x", tmp_path / "x" / "y"):
        assert mode(folder) == 0o700, folder
    assert mode(path) == 0o600


# --------------------------------------------------------------------------- read-only


def _read_only_book(folder: Path) -> Path:
    """A database in a folder and file nobody may write (a read-only medium, as seen by
    an unprivileged user)."""
    path = made(folder / "book" / "sales.db", cards=3)
    os.chmod(path, 0o444)
    os.chmod(path.parent, 0o555)
    os.chmod(folder, 0o755)
    return path


def test_reading_commands_work_on_a_read_only_medium() -> None:
    with shared_folder() as folder:
        path = _read_only_book(folder)
        out = folder / "out"
        out.mkdir(mode=0o777)
        os.chmod(out, 0o777)
        before = path.read_bytes()
        listed = cli_as_user("--db", str(path), "list")
        assert listed.returncode == 0, listed.stderr
        assert "Card 2" in listed.stdout
        shown = cli_as_user("--db", str(path), "show", "1")
        assert shown.returncode == 0 and "Card 0" in shown.stdout, shown.stderr
        exported = cli_as_user("--db", str(path), "export", "--format", "json")
        assert exported.returncode == 0 and "Card 1" in exported.stdout, exported.stderr
        backed = cli_as_user("--db", str(path), "backup", "--out", str(out) + "/")
        assert backed.returncode == 0, backed.stderr
        assert len(list(out.iterdir())) == 1
        for args in (("add", "X"), ("grade", "1", "a"), ("log", "1")):
            refused = cli_as_user("--db", str(path), *args)
            assert refused.returncode == 2, (args, refused.stderr)
            assert len(refused.stderr.strip().splitlines()) == 1
            assert "Traceback" not in refused.stderr
        assert path.read_bytes() == before
        assert sorted(p.name for p in path.parent.iterdir()) == ["sales.db"]


def test_a_read_only_wal_book_with_its_side_files(tmp_path: Path) -> None:
    """Read-only commands read a file this user may not write, in a folder it may."""
    with shared_folder() as folder:
        path = made(folder / "sales.db", cards=2)
        os.chmod(path, 0o444)
        listed = cli_as_user("--db", str(path), "list")
        assert listed.returncode == 0 and "Card 1" in listed.stdout, listed.stderr
        added = cli_as_user("--db", str(path), "add", "X")
        assert added.returncode == 2 and "permissions" in added.stderr, added.stderr


async def test_the_board_says_once_that_it_tightened_permissions(tmp_path: Path) -> None:
    from salesdesk.app import make_app
    from salesdesk.config import Settings
    from tests.conftest import notes

    path = made(tmp_path / "sales.db")
    os.chmod(path, 0o644)
    database = open_database(path)
    try:
        app = make_app(Settings(db_path=path, clock=lambda: NOW), database)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await pilot.pause()
            assert any("0600" in line for line in notes(app))
    finally:
        database.close()
    assert mode(path) == 0o600
