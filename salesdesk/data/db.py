"""The SQLite file: safe creation, one connection setup, the schema version and running the
migrations (steps in :mod:`salesdesk.data.migrations`), and the one backup routine (here so
migrations and :mod:`salesdesk.data.backup` share it). ``SCHEMA_VERSION`` and ``MIGRATIONS``
are re-exported: callers read ``db.SCHEMA_VERSION``, and the migrations run from here."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from salesdesk.config import expand_path
from salesdesk.data.migrations import MIGRATIONS as MIGRATIONS
from salesdesk.data.migrations import SCHEMA_VERSION as SCHEMA_VERSION
from salesdesk.errors import DatabaseError, InputError

SQLITE_HEADER = b"SQLite format 3\x00"
#: How long a write waits for another program's write lock before giving up.
BUSY_TIMEOUT_MS = 5000
#: A copy waits longer than a command for another program's write to finish.
COPY_BUSY_MS = 10_000


def read_only_uri(path: Path | str) -> str:
    """An SQLite URI that opens ``path`` read-only, whatever characters it holds (#, ?, %)."""
    return Path(path).resolve().as_uri() + "?mode=ro"


def open_connection(
    path: Path | str,
    *,
    read_only: bool = False,
    foreign_keys: bool = True,
    wal: bool = True,
    busy_ms: int = BUSY_TIMEOUT_MS,
    shared: bool = False,
) -> sqlite3.Connection:
    """Open a connection to ``path`` set up the one way SalesDesk uses every connection.

    Autocommit (the caller writes ``BEGIN``), and a wait of ``busy_ms`` for another
    program's lock. Writing connections also get foreign keys (off only where a caller
    deletes children itself: a migration, undo-import), a WAL journal and
    ``synchronous=FULL``. ``read_only`` opens the file with ``mode=ro`` (checks, exports,
    the source of a backup). ``wal=False`` leaves the journal mode alone: restore copies
    a file's pages into the target and must not turn it into WAL first. ``shared`` lets
    the connection move between threads (one at a time: a pool or a worker).
    """
    target = read_only_uri(path) if read_only else path
    conn = sqlite3.connect(
        target,
        uri=read_only,
        isolation_level=None,
        timeout=busy_ms / 1000,
        check_same_thread=not shared,
    )
    try:
        conn.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        if not read_only:
            conn.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            if wal:
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
    except BaseException:
        conn.close()
        raise
    return conn


class Database:
    """An open SalesDesk database: a small pool of plain ``sqlite3`` connections.

    Every statement is SQL over the standard library driver, so opening the board loads
    no ORM; the SQLModel tables in :mod:`salesdesk.models` are only imported to create
    a new file. Connections are in autocommit mode: :meth:`connect` is for reads,
    :meth:`begin` wraps writes in one ``BEGIN IMMEDIATE`` transaction.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._watcher: sqlite3.Connection | None = None

    def __repr__(self) -> str:
        return f"Database({str(self.path)!r})"

    def _open_connection(self) -> sqlite3.Connection:
        # A connection may serve another thread later (the board reads its first cards in
        # one), but only ever one thread at a time: the pool hands it out exclusively.
        return open_connection(self.path, shared=True)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection from the pool (autocommit), returned to it when the block ends."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self._open_connection()
        try:
            yield conn
        finally:
            if conn.in_transaction:  # never hand on a half-finished transaction
                conn.rollback()
            with self._lock:
                self._idle.append(conn)

    @contextmanager
    def begin(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed on success, rolled back on any error."""
        with self.connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    def data_version(self) -> int:
        """A number that changes whenever the database is committed to by any connection
        but the watching one: another program (a command, a restore) or this program's
        own pool. The board compares it with the value after its own last refresh."""
        if self._watcher is None:
            self._watcher = open_connection(self.path, shared=True)
        return int(self._watcher.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        """Close the idle connections (a later :meth:`connect` opens new ones)."""
        with self._lock:
            idle, self._idle = self._idle, []
            watcher, self._watcher = self._watcher, None
        for conn in idle:
            conn.close()
        if watcher is not None:
            watcher.close()


def _prepare_location(path: Path) -> bool:
    """Create the folder (0700) and an empty file (0600) if needed. Return True if new."""
    folder = path.parent
    try:
        if not folder.exists():
            folder.mkdir(parents=True, mode=0o700)
        if path.exists():
            if path.is_dir():
                raise DatabaseError(f"{path} is a folder, not a database file")
            if not os.access(path, os.R_OK | os.W_OK):
                raise DatabaseError(f"cannot read and write {path}: check its permissions")
            if not os.access(folder, os.W_OK):
                raise DatabaseError(f"cannot write in {folder}: SQLite needs it for its journal")
            return path.stat().st_size == 0
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        os.chmod(path, 0o600)
        return True
    except DatabaseError:
        raise
    except OSError as exc:
        raise DatabaseError(f"cannot create the database at {path}: {exc.strerror}") from None


def read_schema_version(path: Path) -> int:
    """The file's ``user_version``; DatabaseError if it is not a SQLite database."""
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:
        raise DatabaseError(f"{path} is not a SalesDesk database (not an SQLite file)")
    try:
        conn = open_connection(path, read_only=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} is not a usable SQLite database: {exc}") from None
    return int(version)


# --------------------------------------------------------------------------- backup


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
    except sqlite3.Error as exc:
        temp.unlink(missing_ok=True)
        raise DatabaseError(f"could not back up {db_path}: {exc}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target


@contextmanager
def raw_transaction(path: Path, *, foreign_keys: bool = True) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection in one write transaction (BEGIN IMMEDIATE), for bulk work
    and migrations: committed when the block ends, rolled back on any error (even Ctrl+C)."""
    conn = open_connection(path, foreign_keys=foreign_keys)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.close()


def _migrate(path: Path, from_version: int) -> None:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    backup_database(path, path.with_name(f"{path.name}.v{from_version}-{stamp}.bak"))
    with raw_transaction(path, foreign_keys=False) as conn:
        for version in range(from_version, SCHEMA_VERSION):
            MIGRATIONS[version](conn)
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def open_database(path: Path) -> Database:
    """Open (creating or migrating as needed) the database at ``path``.

    Raises :class:`DatabaseError` with one clear line when the file cannot be used; in
    that case the file is left untouched.
    """
    path = expand_path(path)
    is_new = _prepare_location(path)
    version = 0 if is_new else read_schema_version(path)
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"{path} was written by a newer SalesDesk (schema {version}, this one knows "
            f"{SCHEMA_VERSION}): upgrade SalesDesk"
        )
    if version == 0 and not is_new:
        conn = open_connection(path, read_only=True)
        try:
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            conn.close()
        if tables:
            raise DatabaseError(f"{path} is an SQLite file but not a SalesDesk database")
        is_new = True
    if 0 < version < SCHEMA_VERSION:
        try:
            _migrate(path, version)
        except sqlite3.Error as exc:
            raise DatabaseError(f"could not upgrade {path}: {exc} (a backup was kept)") from None
    if is_new:
        _create_schema(path)
        os.chmod(path, 0o600)
    return Database(path)


def _create_schema(path: Path) -> None:
    """Create the tables of a new database from the SQLModel classes (loaded only here)."""
    from sqlalchemy import URL, create_engine
    from sqlmodel import SQLModel

    from salesdesk import models  # noqa: F401  (registers the tables)

    # A URL object, not a string: a path with "?" or "#" must not be read as a query.
    engine = create_engine(URL.create("sqlite", database=str(path)))
    try:
        with engine.begin() as conn:
            SQLModel.metadata.create_all(conn)
    finally:
        engine.dispose()
    from salesdesk.data import dialect

    with raw_transaction(path) as raw:  # triggers and the search index: SQLite's own SQL
        dialect.install(raw)
        raw.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def busy_message(exc: BaseException) -> str | None:
    """One line for a locked or busy database (another program is writing), else None."""
    inner = getattr(exc, "orig", None) or exc
    if isinstance(inner, sqlite3.OperationalError) and (
        "locked" in str(inner) or "busy" in str(inner)
    ):
        return "the database is busy: another program is writing to it; try again in a moment"
    return None
