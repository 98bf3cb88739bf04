"""What went wrong underneath, in one line: SQLite's and the system's errors turned into
the :class:`~salesdesk.errors.SalesDeskError` a user can act on.

Every shell asks :func:`fault_error` about an exception it did not expect (a command's
``handles_errors``, a screen's ``run_change``), so a full disk, a damaged file or a busy
database is one clear line everywhere, never a traceback. The decision is made on SQLite's
own error code (``sqlite_errorname``), not on the wording of the message.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from salesdesk.errors import DamagedDatabase, DatabaseError, DiskFull, SalesDeskError

#: Below this much free space an I/O error is taken for a full disk (SQLite grows its
#: ``-shm`` file 32 KiB at a time, and a write needs room for its pages and the WAL).
LOW_SPACE = 1 << 20

DISK_FULL = (
    "not enough disk space{where}: free some space and try again (nothing was changed)"
)


def disk_full(path: Path | str | None = None) -> DiskFull:
    where = f" for {path}" if path else ""
    return DiskFull(DISK_FULL.format(where=where))


def damaged(path: Path | str | None, detail: str = "") -> DamagedDatabase:
    """The one line for a damaged file: what is wrong, and the way back (a backup)."""
    what = str(path) if path else "the database"
    folder = Path(path).parent / "backups" if path else Path("backups")
    said = f" ({detail})" if detail and detail != "ok" else ""
    return DamagedDatabase(
        f"{what} is damaged{said}: nothing can be written to it; list, show, export and "
        f"backup still read what they can. Restore the newest daily backup: salesdesk "
        f"restore {folder}/<newest>.db (your damaged file is kept beside it)"
    )


def low_on_space(path: Path | str | None) -> bool:
    """True when the folder of ``path`` has less than :data:`LOW_SPACE` free."""
    folder = Path(path).parent if path else Path(".")
    try:
        stat = os.statvfs(folder)
    except OSError:
        return False
    return stat.f_bavail * stat.f_frsize < LOW_SPACE


def fault_error(exc: BaseException, path: Path | str | None = None) -> SalesDeskError | None:
    """The user's view of ``exc`` (an sqlite3 or OS error, or one wrapped by SQLAlchemy),
    or None when it is not a fault of the disk or the file (a bug: let it be raised)."""
    inner = getattr(exc, "orig", None) or exc
    if isinstance(inner, SalesDeskError):
        return inner
    if isinstance(inner, OSError):
        if inner.errno in (errno.ENOSPC, errno.EDQUOT):
            return disk_full(path)
        if inner.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            where = f" {inner.filename}" if inner.filename else ""
            return DatabaseError(f"cannot write{where}: {inner.strerror} (read-only?)")
        return None
    if not isinstance(inner, sqlite3.Error):
        return None
    name = getattr(inner, "sqlite_errorname", "") or ""
    text = str(inner)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text or (
        "busy" in text and not name
    ):
        return DatabaseError(
            "the database is busy: another program is writing to it; try again in a moment"
        )
    if name == "SQLITE_FULL" or "disk is full" in text:
        return disk_full(path)
    if name.startswith("SQLITE_IOERR"):
        if name == "SQLITE_IOERR_SHMSIZE" or low_on_space(path):
            return disk_full(path)
        return DatabaseError(f"the disk failed to read or write {path or 'the database'}: {text}")
    if name.startswith("SQLITE_CORRUPT") or "malformed" in text:
        return damaged(path)
    if name == "SQLITE_NOTADB":
        return DatabaseError(f"{path or 'the file'} is not a SalesDesk database (not SQLite)")
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return DatabaseError(
            f"cannot write {path or 'the database'}: it is read-only here (read-only "
            "commands such as list, show, export and backup still work)"
        )
    if name.startswith("SQLITE_CANTOPEN"):
        return DatabaseError(f"cannot open {path or 'the database'}: {text}")
    if name == "SQLITE_TOOBIG" or "too big" in text or "too large" in text:
        return DatabaseError(f"a value is too long for the database: {text}")
    return None
