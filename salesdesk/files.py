"""Write files the safe way: private (0600), whole or not at all."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from salesdesk.config import expand_path
from salesdesk.errors import InputError


def write_private(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (a temporary file, fsync, rename) with mode
    0600: reports, calendars and exports hold customer names and revenue. A problem is one
    InputError line; a half-written file is never left behind."""
    path = expand_path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InputError(f"{path} is a folder: give a file name")
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: the folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:  # mkstemp creates it 0600
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise write_error(path, exc) from None
    return path


def write_error(path: Path, exc: OSError) -> InputError:
    """The one line for a file that could not be written; a full disk names disk space."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return InputError(f"not enough disk space to write {path}: free some space and try "
                          "again")
    return InputError(f"cannot write {path}: {exc.strerror or exc}")


def make_folders(folder: Path) -> None:
    """Create ``folder`` and any missing parents with mode 0700 whatever the umask
    (``mkdir(parents=True)`` gives the parents the umask's mode: 0777 under umask 000)."""
    missing: list[Path] = []
    at = Path(folder)
    while not at.exists():
        missing.append(at)
        if at.parent == at:
            break
        at = at.parent
    for part in reversed(missing):
        try:
            part.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(part, 0o700)
