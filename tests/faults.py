"""Helpers that make the faults a careful tester makes: a full disk (a small tmpfs where
the test may mount one, else the same error injected at the data layer's connections), a
damaged page, and a run as an unprivileged user (CI runs as root, which can write into
read-only folders)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from salesdesk.data import db as dbmod

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "COMMIT", "VACUUM")
NOBODY = 65534


def _full() -> sqlite3.OperationalError:
    exc = sqlite3.OperationalError("database or disk is full")
    exc.sqlite_errorname = "SQLITE_FULL"  # type: ignore[attr-defined]
    exc.sqlite_errorcode = 13  # type: ignore[attr-defined]
    return exc


def inject_disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write statement on a SalesDesk connection fails as SQLite fails on a full
    disk (SQLITE_FULL), and so does every file SalesDesk writes itself."""
    base = sqlite3.Connection

    def execute(self: sqlite3.Connection, sql: str, *args: object) -> sqlite3.Cursor:
        if sql.lstrip().upper().startswith(WRITES):
            raise _full()
        return base.execute(self, sql, *args)  # type: ignore[arg-type]

    def executemany(self: sqlite3.Connection, sql: str, *args: object) -> sqlite3.Cursor:
        if sql.lstrip().upper().startswith(WRITES):
            raise _full()
        return base.executemany(self, sql, *args)  # type: ignore[arg-type]

    def commit(self: sqlite3.Connection) -> None:
        raise _full()

    monkeypatch.setattr(dbmod.JournalConnection, "execute", execute)
    monkeypatch.setattr(dbmod.JournalConnection, "executemany", executemany)
    monkeypatch.setattr(dbmod.JournalConnection, "commit", commit)


def try_mount_tmpfs(where: Path, size: str = "2m") -> bool:
    """Mount a small tmpfs at ``where`` (root, where the system allows it)."""
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
        capture_output=True,
    )
    return done.returncode == 0


def unmount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill_disk(folder: Path, leave: int = 0) -> None:
    """Fill the file system of ``folder`` until ``leave`` bytes remain (or fewer)."""
    stat = os.statvfs(folder)
    free = stat.f_bavail * stat.f_frsize
    try:
        with (folder / "filler").open("wb") as handle:
            handle.write(b"\0" * max(free - leave, 0))
            handle.flush()
            while leave == 0:
                handle.write(b"\0" * 4096)
                handle.flush()
    except OSError:
        pass


def damage_page(path: Path, table: str) -> int:
    """Overwrite the root page of ``table`` with garbage (size and header intact); returns
    the page number. The database must be closed (its WAL checkpointed)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()[0]
    finally:
        conn.close()
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(bytes((i * 37 + 11) % 256 for i in range(page_size)))
    return int(root)


@contextmanager
def shared_folder() -> Iterator[Path]:
    """A folder an unprivileged user can reach (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="salesdesk-nobody-"))
    os.chmod(folder, 0o777)
    try:
        yield folder
    finally:
        for root, dirs, _files in os.walk(folder):
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o700)
        shutil.rmtree(folder, ignore_errors=True)


def as_user(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run Python ``code`` (with ``args`` as sys.argv[1:]) as an unprivileged user: the
    user ``nobody`` when the tests run as root (CI), else as this user."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv:
            prefix = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        else:
            prefix = ["runuser", "-u", "nobody", "--"]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": tempfile.gettempdir(),
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
        "SALESDESK_NOW": os.environ.get("SALESDESK_NOW", ""),
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [*prefix, sys.executable, "-c", code, *args],
        capture_output=True, text=True, env=env, timeout=120,
    )


def cli_as_user(*args: str) -> subprocess.CompletedProcess[str]:
    """``salesdesk ARGS`` as an unprivileged user (see :func:`as_user`)."""
    return as_user("import sys; from salesdesk.cli.main import main; sys.argv[0] = "
                   "'salesdesk'; main()", *args)
