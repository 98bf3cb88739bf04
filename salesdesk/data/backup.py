"""Backups: a consistent copy while the app is open, a daily automatic one, and restore.

Every copy is made by :func:`salesdesk.data.db.backup_database` (``VACUUM INTO`` from one
read transaction, ``PRAGMA integrity_check``, mode 0600, fsync, atomic rename), the routine
migrations use too. Daily backups live in a ``backups`` folder beside the database and the
last ``backups_keep`` (default 14) are kept.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from salesdesk.config import expand_path
from salesdesk.data.db import (
    COPY_BUSY_MS,
    SCHEMA_VERSION,
    SQLITE_HEADER,
    Database,
    open_connection,
)
from salesdesk.data.db import backup_database as backup_database  # re-exported: the one copy
from salesdesk.errors import DatabaseError, InputError

if TYPE_CHECKING:
    from concurrent.futures import Future

BACKUP_FOLDER = "backups"
DEFAULT_KEEP = 14
#: Tables every SalesDesk database has, whatever its schema version.
REQUIRED_TABLES = frozenset({"prospect", "activity", "journal", "setting"})



@dataclass
class BackupJob:
    """The daily backup running beside the board: its warnings, and whether the board
    showed them."""

    future: Future[Path | None] | None = None
    warnings: list[str] = field(default_factory=list)
    shown: bool = False


def backups_folder(db_path: Path) -> Path:
    return Path(db_path).parent / BACKUP_FOLDER


def _ensure_folder(folder: Path) -> None:
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)


def stamped_backup(db_path: Path, label: str, now: datetime | None = None) -> Path:
    """A backup named ``<stem>-<label>-YYYYMMDD-HHMMSS.db`` in the backups folder."""
    folder = backups_folder(db_path)
    _ensure_folder(folder)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{Path(db_path).stem}-{label}-{stamp}.db"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{Path(db_path).stem}-{label}-{stamp}-{n}.db"
    return backup_database(db_path, target)


# --------------------------------------------------------------------------- daily


def daily_name(db_path: Path, day: date) -> str:
    return f"{Path(db_path).stem}-{day.isoformat()}.db"


def _daily_pattern(db_path: Path) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(Path(db_path).stem)}-\d{{4}}-\d{{2}}-\d{{2}}\.db$")


def rotate(db_path: Path, keep: int) -> list[Path]:
    """Delete daily backups beyond the newest ``keep``; returns what was removed."""
    folder = backups_folder(db_path)
    if not folder.is_dir():
        return []
    pattern = _daily_pattern(db_path)
    daily = sorted((p for p in folder.iterdir() if pattern.match(p.name)), reverse=True)
    removed = []
    for old in daily[max(keep, 1) :]:
        try:
            old.unlink()
            removed.append(old)
        except OSError:
            pass
    return removed


def daily_backup(
    database: Database, today: date | None = None, warn: Callable[[str], None] | None = None
) -> Path | None:
    """At the first start of a day, back up the database and keep the last N.

    Cheap when today's backup exists (one ``stat``). Never stops the app from opening: a
    failure is one warning line (to ``warn``, else standard error) and returns None.
    """
    if database.is_postgres:  # a server keeps its own backups
        return None
    db_path = Path(database.path)
    if today is None:
        from salesdesk.config import system_clock

        try:
            today = system_clock().date()
        except InputError:
            today = date.today()
    target = backups_folder(db_path) / daily_name(db_path, today)
    if target.exists():
        return None
    try:
        from salesdesk.data.cards import count_prospects
        from salesdesk.data.settings import get_setting

        if count_prospects(database) == 0:
            return None
        keep = int(get_setting(database, "backups_keep"))
        _ensure_folder(target.parent)
        made = backup_database(db_path, target)
        rotate(db_path, keep)
        return made
    except (OSError, sqlite3.Error, DatabaseError, InputError) as exc:
        import sys

        message = getattr(exc, "message", None) or str(exc)
        line = f"salesdesk: warning: daily backup failed: {message}"
        if warn is not None:
            warn(line)
        else:
            print(line, file=sys.stderr)
        return None


# --------------------------------------------------------------------------- restore


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    version: int
    prospects: int


def inspect_backup(path: Path) -> BackupInfo:
    """Check that ``path`` is a SalesDesk database this version can use; DatabaseError if not."""
    path = expand_path(path)
    if not path.is_file():
        raise DatabaseError(f"no file {path}")
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise DatabaseError(f"{path} is not a SalesDesk database (not an SQLite file)")
    try:
        conn = open_connection(path, read_only=True)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if not tables >= REQUIRED_TABLES:
                raise DatabaseError(
                    f"{path} is an SQLite file but not a SalesDesk database (no prospect table)"
                )
            verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
            prospects = int(conn.execute("SELECT count(*) FROM prospect").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DatabaseError(f"{path} is not a usable SQLite database: {exc}") from None
    if verdict != "ok":
        raise DatabaseError(f"{path} is damaged: {verdict}")
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"{path} was written by a newer SalesDesk (schema {version}, this one knows "
            f"{SCHEMA_VERSION}): upgrade SalesDesk first"
        )
    if version < 1:
        raise DatabaseError(f"{path} is not a SalesDesk database (no schema version)")
    return BackupInfo(path, version, prospects)


@dataclass(frozen=True)
class RestoreResult:
    restored: BackupInfo
    kept: Path | None  # the backup of the database as it was


def _usable(db_path: Path) -> bool:
    try:
        with db_path.open("rb") as handle:
            if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return False
        conn = open_connection(db_path, read_only=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return False
    return True


def restore_database(db_path: Path, source: Path, now: datetime | None = None) -> RestoreResult:
    """Replace the database at ``db_path`` with the SalesDesk database ``source``.

    The current database is backed up first (or, if it is not even readable, moved aside).
    The copy goes through SQLite's backup API into the live file, so an open app sees the
    restored data rather than a swapped-out file. An older schema is migrated on next open.
    """
    db_path = expand_path(db_path)
    info = inspect_backup(source)
    if db_path.exists() and db_path.resolve() == info.path.resolve():
        raise InputError(f"{source} is the database itself")
    kept: Path | None = None
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    if db_path.exists() and db_path.stat().st_size > 0:
        if _usable(db_path):
            kept = stamped_backup(db_path, "before-restore", now)
        else:
            kept = db_path.with_name(f"{db_path.name}.unreadable-{stamp}")
            os.replace(db_path, kept)
            for suffix in ("-wal", "-shm"):
                side = db_path.with_name(db_path.name + suffix)
                if side.exists():
                    os.replace(side, kept.with_name(kept.name + suffix))
    if not db_path.exists():
        _ensure_folder(db_path.parent)
        os.close(os.open(db_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        src = open_connection(info.path, read_only=True)
        dst = open_connection(db_path, wal=False, busy_ms=COPY_BUSY_MS)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    except sqlite3.Error as exc:
        where = f" (your database was kept in {kept})" if kept else ""
        raise DatabaseError(f"could not restore from {source}: {exc}{where}") from None
    os.chmod(db_path, 0o600)
    return RestoreResult(info, kept)
