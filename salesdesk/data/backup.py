"""Backups: a consistent copy while the app is open, a daily automatic one, and restore.

Every copy is made by :func:`salesdesk.data.copy.backup_database` (``VACUUM INTO`` from one
read transaction, ``PRAGMA integrity_check``, mode 0600, fsync, atomic rename), the routine
migrations use too. Daily backups live in a ``backups`` folder beside the database and the
last ``backups_keep`` (default 14) are kept.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from salesdesk.config import expand_path
from salesdesk.data.copy import backup_database as backup_database  # re-exported
from salesdesk.data.db import (
    COPY_BUSY_MS,
    SCHEMA_VERSION,
    SQLITE_HEADER,
    Database,
    check_pages,
    open_connection,
)
from salesdesk.errors import DamagedDatabase, DatabaseError, InputError
from salesdesk.files import make_folders

if TYPE_CHECKING:
    from concurrent.futures import Future

BACKUP_FOLDER = "backups"
DEFAULT_KEEP = 14
#: Tables every SalesDesk database has, whatever its schema version.
REQUIRED_TABLES = frozenset({"prospect", "activity", "journal", "setting"})



@dataclass
class BackupJob:
    """The page check and the daily backup of a board's start (:func:`check_then_back_up`),
    run in a thread once the board's first frame is up: its warnings, and whether the
    board showed them.

    ``submit`` starts it (:meth:`start`: the board calls it after its first frame, the
    launcher when the board closes, a change of the rep's when it comes first);
    ``checked`` is set once the page check has run, whatever it found."""

    future: Future[Path | None] | None = None
    warnings: list[str] = field(default_factory=list)
    shown: bool = False
    submit: Callable[[BackupJob], Future[Path | None]] | None = None
    checked: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> Future[Path | None] | None:
        """Start the job if it has not started (any thread, any number of times)."""
        with self._lock:
            if self.future is None and self.submit is not None:
                self.future = self.submit(self)
            return self.future

    def wait_checked(self) -> None:
        """Start the job if need be and wait for its page check (not the backup)."""
        if self.start() is not None:
            self.checked.wait()


def backups_folder(db_path: Path) -> Path:
    return Path(db_path).parent / BACKUP_FOLDER


def _ensure_folder(folder: Path) -> None:
    if not folder.exists():
        make_folders(folder)  # 0700, parents too, whatever the umask


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


def check_then_back_up(
    database: Database,
    today: date | None = None,
    warn: Callable[[str], None] | None = None,
    checked: Callable[[], None] | None = None,
) -> Path | None:
    """What runs beside the board once its first frame is up: the page check
    (``quick_check``), then :func:`daily_backup` at the lowest CPU priority.

    The guarantee kept: nothing the rep changes is written into a file that has not
    passed the check (this start, or earlier today and not written since). The board's
    changes wait for it (``checked`` is called
    when it has run, see :meth:`Database.check_before_writes`); only the board's keys,
    derived data SQLite itself checks page by page as it writes them, go in before. A
    migration does not run here: :func:`salesdesk.data.db.open_database` checks and
    copies the file before it, as ever. The check is skipped when the file is exactly as
    it was at a good check earlier the same day (:func:`_fingerprint`): a
    file no one wrote since cannot have gained a bad page from SQLite, and a fault of
    the disk is still caught by the first check of each day.

    A damaged file is marked (writes are refused from then on) and said as a warning
    with the way back; it is not backed up."""
    if database.is_postgres:  # a server checks and backs up its own pages
        if checked is not None:
            checked()
        return None
    path = Path(database.path)
    try:
        day = today or _today()
        seen = _fingerprint(path, day)
        if seen is None or seen != _last_checked(path):
            check_pages(path)
            _note_checked(path, seen)
    except DatabaseError as exc:
        database.damaged = database.damaged or isinstance(exc, DamagedDatabase)
        line = f"salesdesk: warning: {exc.message}"
        if warn is not None:
            warn(line)
        else:
            import sys

            print(line, file=sys.stderr)
        return None
    finally:
        if checked is not None:
            checked()
    _lowest_priority()
    return daily_backup(database, day, warn)


def _today() -> date:
    from salesdesk.config import system_clock

    try:
        return system_clock().date()
    except InputError:
        return date.today()


def _checked_note(db_path: Path) -> Path:
    return backups_folder(db_path) / f".{db_path.name}.checked"


def _fingerprint(db_path: Path, day: date) -> str | None:
    """The file as it is now (inode, size, modification time, of it and its WAL) and the
    day; None if it cannot be told."""
    try:
        main = db_path.stat()
        parts = [day.isoformat(), str(main.st_ino), str(main.st_size), str(main.st_mtime_ns)]
        wal = db_path.with_name(db_path.name + "-wal")
        side = wal.stat() if wal.exists() else None
        if side is not None and side.st_size:  # (an empty one, made by opening: no pages)
            parts += [str(side.st_size), str(side.st_mtime_ns)]
    except OSError:
        return None
    return " ".join(parts)


def _last_checked(db_path: Path) -> str | None:
    try:
        return _checked_note(db_path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None


def _note_checked(db_path: Path, fingerprint: str | None) -> None:
    """Remember the file passed the check as it was before it (kept beside the daily
    backups, so a database without them gets no new folder or file)."""
    note = _checked_note(db_path)
    if fingerprint is None or not note.parent.is_dir():
        return
    try:
        temp = note.with_name(note.name + ".tmp")
        temp.write_text(fingerprint + "\n", encoding="ascii")
        os.chmod(temp, 0o600)
        os.replace(temp, note)
    except OSError:
        pass  # checked again next time


def _lowest_priority() -> None:
    """The daily copy reads the whole file: on this thread alone (Linux gives each
    thread its own nice value), so it only takes CPU time the board leaves."""
    with contextlib.suppress(AttributeError, OSError):  # (not on every system)
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


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
            # A damaged page cannot be copied into a backup: moved aside whole instead.
            return str(conn.execute("PRAGMA quick_check(1)").fetchone()[0]) == "ok"
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return False


def restore_database(db_path: Path, source: Path, now: datetime | None = None) -> RestoreResult:
    """Replace the database at ``db_path`` with the SalesDesk database ``source``.

    The current database is backed up first (or, if it is damaged or not even readable,
    moved aside whole as ``NAME.damaged-STAMP``).
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
            kept = db_path.with_name(f"{db_path.name}.damaged-{stamp}")
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
    from salesdesk.data.undo_next import mark_restore  # (a restore only, not a start)

    try:  # the first undo after this says the restore cannot be undone (kept is the way)
        conn = open_connection(db_path, wal=False, busy_ms=COPY_BUSY_MS)
        try:
            conn.execute("BEGIN IMMEDIATE")
            mark_restore(conn, str(kept) if kept else "")
            conn.execute("COMMIT")
        finally:
            conn.close()
    except sqlite3.Error:
        pass  # restored all the same; only the undo notice is missing
    return RestoreResult(info, kept)
