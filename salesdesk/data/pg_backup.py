"""``salesdesk backup`` / ``restore`` for a book on a PostgreSQL server: PostgreSQL's own
``pg_dump`` (custom format: compressed, every table, index, policy and the schema version)
and ``pg_restore``, from Debian's packages (``postgresql-client``). Refused with one line
when they are not installed; the server's own backups stay the administrator's business,
this is the rep's or lead's "a copy of the book now".

A restore replaces SalesDesk's tables in the database (``--clean``, in one transaction: a
failed restore leaves it as it was), after a dump of what is there now beside the file.
"""

from __future__ import annotations

import glob
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from salesdesk.data.pg import safe_url
from salesdesk.errors import DatabaseError, InputError

#: What a dump of a SalesDesk database lists (the table with the schema version).
MARK = "TABLE public sd_schema"


def tool(name: str) -> str:
    """``pg_dump`` or ``pg_restore``: on PATH, else Debian's newest versioned folder; one
    line saying how to get it when there is none."""
    found = shutil.which(name)
    if found is None:
        versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                          key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit()
                          else 0)
        found = versions[-1] if versions else None
    if found is None:
        raise InputError(
            f"backing up a server database needs {name}, which is not installed (Debian: "
            "apt-get install postgresql-client); or copy the book into a file: "
            "salesdesk db copy URL FILE"
        )
    return found


def _run(command: list[str], what: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        said = lines[0] if lines else f"exit code {done.returncode}"
        raise DatabaseError(f"{what} failed: {said.removeprefix('pg_dump: ')}"[:300])
    return done.stdout


def dump(url: str, target: Path) -> Path:
    """Write the whole database at ``url`` to ``target`` (pg_dump's custom format)."""
    if target.is_dir():
        raise InputError(f"{target} is a folder: give a file name")
    if not target.parent.is_dir():
        raise InputError(f"no folder {target.parent}")
    _run([tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
          f"--file={target}", f"--dbname={url}"], f"pg_dump of {safe_url(url)}")
    return target


def default_name(url: str, now: datetime, folder: Path) -> Path:
    """``salesdesk-20261118-090000.dump`` (the database's name) in ``folder``."""
    name = url.rsplit("/", 1)[-1].split("?")[0] or "salesdesk"
    return folder / f"{name}-{now:%Y%m%d-%H%M%S}.dump"


def check_dump(source: Path) -> None:
    """InputError unless ``source`` is a pg_dump archive of a SalesDesk database."""
    if not source.is_file():
        raise InputError(f"no file {source}")
    try:
        listing = _run([tool("pg_restore"), "--list", str(source)], f"reading {source}")
    except DatabaseError:
        raise InputError(f"{source} is not a server backup (pg_dump's custom format): "
                         "a file's backup restores into a file") from None
    if MARK not in listing:
        raise InputError(f"{source} is a pg_dump archive but not of a SalesDesk database")


def restore(url: str, source: Path, now: datetime) -> Path:
    """Replace the database at ``url`` with the dump ``source``; returns where the database
    as it was is kept (a dump beside ``source``)."""
    check_dump(source)
    kept = dump(url, source.parent / f"before-restore-{now:%Y%m%d-%H%M%S}.dump")
    _run([tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", f"--dbname={url}", str(source)],
         f"restoring {source} into {safe_url(url)}")
    return kept
