"""Faults and hostile input at the command line: every case one clear line and exit 2, no
traceback, nothing stored changed (issue 15)."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from salesdesk.cli.main import app
from salesdesk.data import store
from salesdesk.data.db import open_database
from salesdesk.errors import DamagedDatabase, DiskFull
from salesdesk.text import clean, one_line
from tests.conftest import NOW
from tests.faults import (
    damage_page,
    fill_disk,
    inject_disk_full,
    try_mount_tmpfs,
    unmount,
)

runner = CliRunner()


@pytest.fixture(autouse=True)
def plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


def sd(db: Path, *args: str) -> Result:
    return runner.invoke(app, ["--db", str(db), *args])


def refused(result: Result, *words: str) -> str:
    """Exit 2, one line on stderr naming ``words``, no traceback."""
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def filled(path: Path, cards: int = 3) -> Path:
    database = open_database(path)
    try:
        for n in range(cards):
            store.add_prospect(database, NOW, f"Card {n}", notes="n" * 3000)
    finally:
        database.close()
    return path


# --------------------------------------------------------------------------- empty files

READERS = [("list",), ("show", "1"), ("export",), ("backup",), ("plan",), ("review",)]
WRITERS = [("add", "X"), ("log", "1"), ("grade", "1", "a"), ("undo",), ("config",),
           ("next", "1", "fri")]


@pytest.mark.parametrize("args", READERS + WRITERS, ids=lambda a: a[0])
def test_an_empty_file_is_refused_by_every_command(tmp_path: Path, args: tuple[str]) -> None:
    path = tmp_path / "sales.db"
    path.touch()
    refused(sd(path, *args), "empty file (0 bytes)", "--create")
    assert path.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sales.db"]


def test_create_makes_a_database_in_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "sales.db"
    path.touch()
    assert runner.invoke(app, ["--db", str(path), "--create", "add", "X"]).exit_code == 0
    assert sd(path, "list").exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_create_makes_a_database_at_a_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "sales.db"
    result = runner.invoke(app, ["--db", str(path), "--create", "list"])
    assert result.exit_code == 0, result.output
    assert path.is_file()


def test_the_bare_board_never_creates_a_mistyped_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    import salesdesk.launch as launch

    typo = tmp_path / "typo" / "sales.db"
    monkeypatch.setattr(sys, "argv", ["salesdesk", "--db", str(typo)])
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    with pytest.raises(SystemExit) as info:
        launch.main()
    assert info.value.code == 2
    assert "no database at" in capsys.readouterr().err
    assert not (tmp_path / "typo").exists()


def test_the_bare_board_offers_to_create(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    import salesdesk.launch as launch

    asked: list[str] = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda q: asked.append(q) or "n")
    assert not launch.may_create(tmp_path / "x.db", named=True, create=False)
    monkeypatch.setattr("builtins.input", lambda q: asked.append(q) or "y")
    assert launch.may_create(tmp_path / "x.db", named=True, create=False)
    assert "Create a new one there?" in asked[0]
    assert launch.may_create(tmp_path / "x.db", named=False, create=False)  # default place


# --------------------------------------------------------------------------- full disk

DISK_WRITERS = [
    ("add", "New one", "--action", "x" * 5000),
    ("log", "1", "--note", "y" * 5000),
    ("grade", "1", "a"),
    ("config", "pool_target", "40"),
    ("next", "1", "fri"),
    ("undo",),
    ("won", "2", "--value", "9000"),
    ("drop", "3"),
    ("man", "1", "--money", "yes"),
    ("visit", "1", "fri", "--purpose", "p" * 3000),
]


@pytest.fixture(params=["tmpfs", "injected"])
def full_disk(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A database on a full disk: a real 512 KiB tmpfs filled up where the test may mount
    one (root), else (and always for "injected") SQLite's full-disk error injected into
    every write of the data layer. Never skipped."""
    mount = tmp_path / "small"
    if request.param == "tmpfs" and try_mount_tmpfs(mount):
        try:
            path = filled(mount / "sales.db")
            fill_disk(mount)
            yield path
        finally:
            unmount(mount)
        return
    path = filled(tmp_path / "sales.db")
    inject_disk_full(monkeypatch)
    yield path


@pytest.mark.parametrize("args", DISK_WRITERS, ids=lambda a: a[0])
def test_full_disk_is_one_line_naming_disk_space(full_disk: Path, args: tuple[str]) -> None:
    before = _cards(full_disk)
    result = sd(full_disk, *args)
    if result.exit_code == 0:  # fitted in a page already there (tmpfs): nothing lost
        assert args[0] in ("grade", "config", "next", "undo", "won", "drop", "man")
        return
    refused(result, "disk space")
    assert _cards(full_disk) == before  # nothing half-written


def test_full_disk_import_is_one_line(full_disk: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("name,notes\n" + "".join(f"P{n},{'z' * 900}\n" for n in range(300)))
    before = _cards(full_disk)
    refused(sd(full_disk, "import", str(source)), "disk space")
    assert _cards(full_disk) == before  # no partial import


def test_full_disk_export_and_backup_are_one_line(full_disk: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import salesdesk.files

    def no_room(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(salesdesk.files.os, "fsync", no_room)
    refused(sd(full_disk, "export", "--out", str(tmp_path / "out.csv")), "disk space")
    assert not (tmp_path / "out.csv").exists()
    target = full_disk.parent / "copy.db"
    result = sd(full_disk, "backup", "--out", str(target))
    if result.exit_code != 0:  # (where the copy still fits, it is made whole)
        refused(result, "disk space")
        assert not target.exists()


def test_no_room_for_the_shm_file_is_disk_space(tmp_path: Path) -> None:
    mount = tmp_path / "small"
    if not try_mount_tmpfs(mount, "1m"):
        # The same error SQLite gives, injected where the file is opened.
        path = filled(tmp_path / "sales.db")
        error = sqlite3.OperationalError("disk I/O error")
        error.sqlite_errorname = "SQLITE_IOERR_SHMSIZE"  # type: ignore[attr-defined]
        from salesdesk.data.faults import fault_error

        found = fault_error(error, path)
        assert isinstance(found, DiskFull)
        return
    try:
        path = filled(mount / "sales.db", cards=1)
        fill_disk(mount)
        for side in ("-wal", "-shm"):
            Path(str(path) + side).unlink(missing_ok=True)
        for args in (("list",), ("add", "X")):
            line = refused(sd(path, *args), "disk space")
            assert "not a usable SQLite" not in line
    finally:
        unmount(mount)


def _cards(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM prospect").fetchone()[0])
    except sqlite3.Error:
        return -1
    finally:
        conn.close()


# --------------------------------------------------------------------------- damaged page


def test_a_damaged_page_refuses_writes_and_says_how_to_restore(tmp_path: Path) -> None:
    path = filled(tmp_path / "sales.db", cards=30)
    damage_page(path, "journal_row")
    before = path.read_bytes()
    for args in (("add", "X"), ("log", "1", "--note", "n"), ("grade", "1", "b")):
        refused(sd(path, *args), "damaged", "salesdesk restore", "backups")
    assert path.read_bytes() == before
    # Where SQLite can still read, reading commands work (read-only).
    assert sd(path, "list").exit_code == 0
    assert sd(path, "show", "1").exit_code == 0
    exported = sd(path, "export", "--format", "csv")
    assert exported.exit_code == 0 and "Card 29" in exported.stdout
    assert path.read_bytes() == before


def test_a_damaged_cards_page_is_one_line_for_readers(tmp_path: Path) -> None:
    path = filled(tmp_path / "sales.db", cards=30)
    damage_page(path, "prospect")
    for args in (("list",), ("export",), ("show", "1")):
        refused(sd(path, *args), "damaged", "restore")
    with pytest.raises(DamagedDatabase):
        open_database(path)


def test_first_malformed_error_stops_writes(tmp_path: Path) -> None:
    """Where the open skips the check (a reader), the first "malformed" error marks the
    database damaged and writes are refused from then on."""
    path = filled(tmp_path / "sales.db", cards=30)
    damage_page(path, "prospect")
    database = open_database(path, read_only=True, check=False)
    try:
        with pytest.raises(DamagedDatabase):
            store.list_cards(database, NOW.date())
        assert database.damaged
        with pytest.raises(DamagedDatabase):
            store.add_prospect(database, NOW, "X")
    finally:
        database.close()


# --------------------------------------------------------------------------- hostile text

LATIN1 = "caf\udce9"  # b"caf\xe9" as Python decodes a Latin-1 argument


@pytest.mark.parametrize(
    "args",
    [
        ("add", LATIN1),
        ("add", "X", "--company", LATIN1),
        ("log", "1", "--note", LATIN1),
        ("man", "1", "--decider", LATIN1),
        ("next", "1", "fri", "--action", LATIN1),
        ("visit", "1", "fri", "--purpose", LATIN1),
        ("list", "--search", LATIN1),
    ],
    ids=lambda a: "-".join(a[:2]),
)
def test_arguments_that_are_not_utf8_are_refused(tmp_path: Path, args: tuple[str]) -> None:
    path = filled(tmp_path / "sales.db", cards=1)
    before = _cards(path)
    line = refused(sd(path, *args), "not valid UTF-8", "caf\\xe9")
    assert "\udce9" not in line
    assert _cards(path) == before


def test_a_file_name_may_hold_any_bytes(tmp_path: Path) -> None:
    path = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.db"))
    assert runner.invoke(app, ["--db", str(path), "add", "X"]).exit_code == 0
    assert _cards(path) == 1


LONG = "x" * 20_001


@pytest.mark.parametrize(
    "args",
    [
        ("log", "1", "--note", LONG),
        ("log", "1", "--outcome", LONG),
        ("log", "1", "--action", LONG),
        ("log", "1", "--topic", LONG),
        ("next", "1", "fri", "--action", LONG),
        ("add", "X", "--action", LONG),
    ],
    ids=lambda a: a[0] + a[-2],
)
def test_one_limit_of_20000_characters(tmp_path: Path, args: tuple[str]) -> None:
    path = filled(tmp_path / "sales.db", cards=1)
    refused(sd(path, *args), "too long", "20,000")
    assert sd(path, *[a if a != LONG else "x" * 20_000 for a in args]).exit_code == 0


@pytest.mark.parametrize("search", ["x" * 20_001, "x" * 60_000, "王" * 19_000],
                         ids=["over", "like-limit", "wide-word"])
def test_a_search_over_the_limit_is_a_clear_message(tmp_path: Path, search: str) -> None:
    path = filled(tmp_path / "sales.db", cards=1)
    refused(sd(path, "list", "--search", search), "too long")
    refused(sd(path, "export", "--search", search), "too long")


BIDI = "Invoice \u202egnp.exe \u2066x\u2069 \u202a\u202b\u202c\u202d"


def test_bidi_controls_are_neutralised_for_display_and_stored_unchanged(
    tmp_path: Path,
) -> None:
    path = tmp_path / "sales.db"
    assert sd(path, "add", BIDI, "--action", BIDI).exit_code == 0
    for args in (("list",), ("show", "1"), ("plan",)):
        shown = sd(path, *args).stdout
        for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2069":
            assert char not in shown, (args, char)
    assert "Invoice gnp.exe" in sd(path, "list").stdout
    exported = sd(path, "export", "--format", "json").stdout
    assert "\\u202e" in exported or "\u202e" in exported  # the file keeps every character
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM prospect").fetchone()[0] == BIDI
    conn.close()
    assert "\u202e" not in clean(BIDI) and "\u2069" not in one_line(BIDI)


def test_a_damaged_file_is_restored_from_the_daily_backup(tmp_path: Path) -> None:
    """The way back the message names: restore the daily backup over the damaged file,
    which is kept aside whole."""
    from salesdesk.data.backup import backup_database

    path = filled(tmp_path / "sales.db", cards=30)
    (tmp_path / "backups").mkdir()
    daily = backup_database(path, tmp_path / "backups" / "sales-2026-11-18.db")
    damage_page(path, "prospect")
    damaged_bytes = path.read_bytes()
    line = refused(sd(path, "add", "X"), "damaged")
    assert str(tmp_path / "backups") in line
    restored = sd(path, "restore", str(daily), "--yes")
    assert restored.exit_code == 0, restored.output
    assert "sales.db.damaged-" in restored.stdout
    aside = [p for p in tmp_path.iterdir()
             if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert any(p.read_bytes() == damaged_bytes for p in aside)
    assert _cards(path) == 30
    assert sd(path, "add", "After").exit_code == 0


def test_the_board_refuses_a_damaged_file_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    import salesdesk.launch as launch

    path = filled(tmp_path / "sales.db", cards=30)
    damage_page(path, "prospect")
    before = path.read_bytes()
    monkeypatch.setattr(sys, "argv", ["salesdesk", "--db", str(path)])
    with pytest.raises(SystemExit) as info:
        launch.main()
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "damaged" in err and "salesdesk restore" in err
    assert path.read_bytes() == before


def test_beside_the_boards_start_a_damaged_file_is_found_and_writes_stop(
    tmp_path: Path,
) -> None:
    """The board opens without the page check on its first frame's path; the check runs
    beside the start (with the daily backup), marks the file damaged and warns with the
    way back; from then on nothing is written."""
    from salesdesk.data.backup import check_then_back_up

    path = filled(tmp_path / "sales.db", cards=30)
    damage_page(path, "journal_row")
    before = path.read_bytes()
    database = open_database(path, check=False)
    warnings: list[str] = []
    try:
        assert check_then_back_up(database, warn=warnings.append) is None
        assert database.damaged
        assert len(warnings) == 1 and "damaged" in warnings[0] and "restore" in warnings[0]
        with pytest.raises(DamagedDatabase):
            store.regrade(database, NOW, 1, "A")
        assert len(store.list_cards(database, NOW.date())) == 30  # still readable
    finally:
        database.close()
    assert path.read_bytes() == before
    assert not (tmp_path / "backups").exists()


def test_a_change_made_before_the_starts_check_has_run_waits_for_it(tmp_path: Path) -> None:
    """The board starts the page check after its first frame; a change that comes first
    starts it and waits: a damaged file is refused before anything is written, while the
    board's own keys (derived data) were written without waiting."""
    from concurrent.futures import ThreadPoolExecutor

    from salesdesk.data.backup import BackupJob, check_then_back_up
    from salesdesk.data.board_view import prefetch

    path = filled(tmp_path / "sales.db", cards=30)
    damage_page(path, "journal_row")
    database = open_database(path, check=False)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            job = BackupJob(submit=lambda job: pool.submit(
                check_then_back_up, database, warn=job.warnings.append,
                checked=job.checked.set))
            database.check_before_writes(job.wait_checked)
            prefetch(database, NOW)  # the keys of the first frame: no wait, no check
            assert job.future is None and not database.damaged
            grade = grade_of(path, 1)
            with pytest.raises(DamagedDatabase):
                store.regrade(database, NOW, 1, "A")
            assert job.future is not None and job.checked.is_set() and database.damaged
            assert len(job.warnings) == 1 and "damaged" in job.warnings[0]
    finally:
        database.close()
    assert grade_of(path, 1) == grade != "A"


def grade_of(path: Path, prospect_id: int) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(conn.execute("SELECT grade FROM prospect WHERE id = ?",
                                (prospect_id,)).fetchone()[0])
    finally:
        conn.close()
