"""Checks made before a database file is opened: where it goes (folders 0700, an empty
file 0600, an empty file refused unless asked for), its permissions (tightened to 0600,
said once) and what a killed backup, restore or migration left beside it. No SQLite here:
:func:`salesdesk.data.db.open_database` runs these, then opens the file."""

from __future__ import annotations

import os
from pathlib import Path

from salesdesk.data.faults import fault_error
from salesdesk.errors import DatabaseError
from salesdesk.files import make_folders

#: What a database file may be called when it is not one yet: ``salesdesk --db PATH
#: --create`` (or the board's question) makes a new database at a missing or empty path.
CREATE_FLAG = "--create"
_SIDE_FILES = ("-wal", "-shm")


def prepare_location(path: Path, *, create: bool, create_empty: bool) -> bool:
    """Create the folders (0700) and an empty file (0600) if allowed. True if new.

    An existing empty (0-byte) file is a failed copy or a sync conflict, not a new
    database: refused unless ``create_empty`` (the user asked to create one there)."""
    folder = path.parent
    try:
        if path.exists():
            if path.is_dir():
                raise DatabaseError(f"{path} is a folder, not a database file")
            if not os.access(path, os.R_OK | os.W_OK):
                raise DatabaseError(f"cannot read and write {path}: check its permissions")
            if not os.access(folder, os.W_OK):
                raise DatabaseError(f"cannot write in {folder}: SQLite needs it for its journal")
            if path.stat().st_size == 0:
                if not create_empty:
                    raise DatabaseError(
                        f"{path} is an empty file (0 bytes), not a database: a failed copy "
                        f"or a sync conflict? Restore a backup, or add {CREATE_FLAG} to make "
                        "a new database there"
                    )
                return True
            return False
        if not create:
            raise DatabaseError(
                f"no database at {path}: check the path, or add {CREATE_FLAG} to make one there"
            )
        make_folders(folder)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        os.chmod(path, 0o600)
        return True
    except DatabaseError:
        raise
    except OSError as exc:
        error = fault_error(exc, path)
        if error is not None and error.__class__ is not DatabaseError:
            raise error from None
        raise DatabaseError(f"cannot create the database at {path}: {exc.strerror}") from None


def tighten_permissions(path: Path) -> str | None:
    """Make the database and its ``-wal``/``-shm`` files private (0600) if they are not:
    they hold customer names and revenue. Returns the line saying so (None if nothing to
    do), so it is said once: the next open finds them 0600."""
    loose = []
    for file in (path, *(path.with_name(path.name + s) for s in _SIDE_FILES)):
        try:
            mode = file.stat().st_mode & 0o777
            if mode & 0o077:
                os.chmod(file, 0o600)
                loose.append(f"{file.name} {mode:o}")
        except OSError:
            continue
    if not loose:
        return None
    return f"made {', '.join(loose)} private (0600): others could read your prospects"


def clean_stale_temp_files(path: Path) -> list[Path]:
    """Remove what an interrupted backup, restore or migration left beside the database or
    in its backups folder: hidden ``.<name>.<pid>.tmp`` copies whose program is gone, and
    empty ``.bak`` files that would look like real backups. Returns what was removed."""
    removed = []
    for folder in (path.parent, path.parent / "backups"):
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            stale = False
            if name.startswith((f".{path.name}.", f".{path.stem}-")) and name.endswith(".tmp"):
                pid = name[:-4].rsplit(".", 1)[-1]
                stale = pid.isdigit() and not _alive(int(pid))
            elif name.startswith(path.name) and name.endswith(".bak"):
                try:
                    stale = entry.stat().st_size == 0
                except OSError:
                    stale = False
            if stale:
                try:
                    entry.unlink()
                    removed.append(entry)
                except OSError:
                    pass
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True
