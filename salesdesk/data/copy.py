"""The one backup routine: migrations, the daily backup, ``salesdesk backup``, ``demo
--force`` and restore all copy the database through :func:`backup_database`, so every copy
is whole, checked and private, or not made at all."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from salesdesk.data.db import COPY_BUSY_MS, open_connection
from salesdesk.data.faults import disk_full, fault_error
from salesdesk.errors import DatabaseError, InputError


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the system allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def backup_database(db_path: Path, target: Path) -> Path:
    """Copy the database at ``db_path`` to ``target`` safely; returns ``target``.

    The one backup routine (migrations, the daily backup, ``salesdesk backup``, ``demo
    --force``, restore): ``VACUUM INTO`` a temporary file beside the target from one read
    transaction (consistent even while another connection writes), ``PRAGMA
    integrity_check`` on the copy, mode 0600, fsync, an atomic rename over ``target``,
    fsync of the folder. DatabaseError (one line) if the copy cannot be made or does not
    pass the check; a failed copy never replaces an existing file.
    """
    db_path, target = Path(db_path), Path(target)
    if target.resolve() == db_path.resolve():
        raise InputError("the backup cannot overwrite the database itself")
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise disk_full(target) from None
        raise DatabaseError(f"cannot write a backup in {target.parent}: {exc.strerror}") from None
    try:
        src = open_connection(db_path, read_only=True, busy_ms=COPY_BUSY_MS)
        try:
            src.execute("VACUUM INTO ?", (str(temp),))
        finally:
            src.close()
        check = open_connection(temp, read_only=True)
        try:
            verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            check.close()
        if verdict != "ok":
            raise DatabaseError(f"the backup of {db_path} failed its check: {verdict}")
        os.chmod(temp, 0o600)
        with temp.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
        _fsync_dir(target.parent)
    except (sqlite3.Error, OSError) as exc:
        temp.unlink(missing_ok=True)
        error = fault_error(exc, target)
        if error is not None and error.__class__ is not DatabaseError:
            raise error from None  # a full disk: say so
        raise DatabaseError(f"could not back up {db_path}: {exc}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target
