"""The SQLite file: one connection setup, the pool, opening (the location checks are in
:mod:`salesdesk.data.location`, the page check and the read-only fallback here), the
schema version and running the migrations (steps in :mod:`salesdesk.data.migrations`,
after a copy by :mod:`salesdesk.data.copy`). ``SCHEMA_VERSION`` and ``MIGRATIONS`` are
re-exported: callers read ``db.SCHEMA_VERSION``, and the migrations run from here."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from salesdesk.config import expand_path, is_server_url
from salesdesk.data.faults import damaged, fault_error
from salesdesk.data.location import CREATE_FLAG as CREATE_FLAG
from salesdesk.data.location import (
    clean_stale_temp_files,
    prepare_location,
    tighten_permissions,
)
from salesdesk.data.migrations import MIGRATIONS as MIGRATIONS
from salesdesk.data.migrations import SCHEMA_VERSION as SCHEMA_VERSION
from salesdesk.errors import DamagedDatabase, DatabaseError

SQLITE_HEADER = b"SQLite format 3\x00"
#: How long a write waits for another program's write lock before giving up.
BUSY_TIMEOUT_MS = 5000
#: A copy waits longer than a command for another program's write to finish.
COPY_BUSY_MS = 10_000


def read_only_uri(path: Path | str, *, immutable: bool = False) -> str:
    """An SQLite URI that opens ``path`` read-only, whatever characters it holds (#, ?, %).
    ``immutable`` is for a file on a read-only medium: SQLite can then read a WAL database
    without creating its ``-shm`` file."""
    return Path(path).resolve().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")


class JournalConnection(sqlite3.Connection):
    """A connection that notes the undo-journal entries it records (``recorded``): the
    board's pool shares one set, so its undo can tell its own changes from another
    program's."""

    recorded: set[int] | None = None


def open_connection(
    path: Path | str,
    *,
    read_only: bool = False,
    foreign_keys: bool = True,
    wal: bool = True,
    busy_ms: int = BUSY_TIMEOUT_MS,
    shared: bool = False,
    immutable: bool = False,
) -> sqlite3.Connection:
    """Open a connection to ``path`` set up the one way SalesDesk uses every connection.

    Autocommit (the caller writes ``BEGIN``), and a wait of ``busy_ms`` for another
    program's lock. Writing connections also get foreign keys (off only where a caller
    deletes children itself: a migration, undo-import), a WAL journal and
    ``synchronous=FULL``. ``read_only`` opens the file with ``mode=ro`` (checks, exports,
    the source of a backup). ``wal=False`` leaves the journal mode alone: restore copies
    a file's pages into the target and must not turn it into WAL first. ``shared`` lets
    the connection move between threads (one at a time: a pool or a worker). ``immutable``
    (read-only only) reads a file on a read-only medium.
    """
    if read_only and not immutable:
        # A read-only medium: SQLite could not create the -shm of a WAL file there, and
        # no one can write the file meanwhile, so it is read as immutable.
        immutable = not os.access(Path(path).resolve().parent, os.W_OK)
    target = read_only_uri(path, immutable=immutable) if read_only else path
    conn = sqlite3.connect(
        target,
        uri=read_only,
        isolation_level=None,
        timeout=busy_ms / 1000,
        check_same_thread=not shared,
        factory=JournalConnection,
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
    no ORM; a new file is created from stored SQL text (:mod:`~salesdesk.data.schema_sql`).
    Connections are in autocommit mode: :meth:`connect` is for reads,
    :meth:`begin` wraps writes in one ``BEGIN IMMEDIATE`` transaction.

    ``read_only`` (a read-only medium or file) opens every connection ``mode=ro``.
    ``damaged`` is set by the first "malformed" error any connection meets (or by the
    check at open): from then on :meth:`begin` refuses, so nothing more is written into
    a damaged file. ``recorded`` holds the undo-journal ids this program wrote;
    ``notices`` what the opening did that the user should hear once (permissions).
    """

    #: True for :class:`~salesdesk.data.pg.PgDatabase` (file-only work: backups, import).
    is_postgres = False
    #: How many times the connection to a server was found lost (a file never loses it):
    #: a board that sees this move since it read says "the connection came back", not
    #: "another program changed the database".
    lost_connections = 0

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self.damaged = False
        self.recorded: set[int] = set()
        self.notices: list[str] = []
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._watcher: sqlite3.Connection | None = None
        #: Waits until the page check of this start has run (see :meth:`check_before_writes`).
        self._checked: Callable[[], None] | None = None

    def __repr__(self) -> str:
        return f"Database({str(self.path)!r})"

    def _open_connection(self) -> sqlite3.Connection:
        # A connection may serve another thread later (the board reads its first cards in
        # one), but only ever one thread at a time: the pool hands it out exclusively.
        if self.read_only:
            conn = _open_read_only(self.path, shared=True)
        else:
            conn = open_connection(self.path, shared=True)
        if isinstance(conn, JournalConnection):
            conn.recorded = self.recorded
        return conn

    def _fault(self, exc: BaseException) -> BaseException:
        """The one-line error for ``exc`` (noting a damaged file), or ``exc`` itself."""
        error = fault_error(exc, self.path)
        if error is None:
            return exc
        if isinstance(error, DamagedDatabase):
            self.damaged = True
        return error

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection from the pool (autocommit), returned to it when the block ends.
        A fault of the disk or the file leaves as its one-line SalesDeskError."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        try:
            if conn is None:
                conn = self._open_connection()
            yield conn
        except (sqlite3.Error, OSError) as exc:
            error = self._fault(exc)
            if error is exc:
                raise
            raise error from None
        finally:
            if conn is not None:
                try:
                    if conn.in_transaction:  # never hand on a half-finished transaction
                        conn.rollback()
                except sqlite3.Error:
                    conn.close()
                    conn = None
            if conn is not None:
                with self._lock:
                    self._idle.append(conn)

    def check_before_writes(self, wait: Callable[[], None] | None) -> None:
        """Make every change wait for ``wait`` (the page check running beside the board's
        start, :func:`salesdesk.data.backup.check_then_back_up`), so nothing the rep does is
        written into a file before it passed ``quick_check``; None: no check pending."""
        self._checked = wait

    def refuse_writes(self, *, derived: bool = False) -> None:
        """Raise the one line saying why nothing may be written (damaged, read-only),
        after the page check of this start has run. ``derived``: the board's own keys
        (:mod:`salesdesk.data.board_keys`), rebuilt from the cards at any time, do not
        wait for it (the first frame needs them before the check has run)."""
        wait = self._checked
        if wait is not None and not derived:
            wait()
        if self.damaged:
            raise damaged(self.path)
        if self.read_only:
            raise DatabaseError(
                f"{self.path} is read-only here: list, show, export and backup work, "
                "changes do not"
            )

    @contextmanager
    def begin(self, *, derived: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed on success, rolled back on any error
        (``derived``: see :meth:`refuse_writes`)."""
        self.refuse_writes(derived=derived)
        with self.connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    @contextmanager
    def bulk(self, *, foreign_keys: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction on a connection of its own, for bulk work (demo data)."""
        with raw_transaction(self.path, foreign_keys=foreign_keys) as conn:
            yield conn

    def describe(self) -> str:
        """Where the data is, for messages: the file's path (a server's URL, no password)."""
        return str(self.path)

    def data_version(self, *, exact: bool = False) -> int:
        """A number that changes whenever the database is committed to by any connection
        but the watching one: another program (a command, a restore) or this program's
        own pool. The board compares it with the value after its own last refresh.
        (``exact`` is for a server, which must be asked; SQLite's answer always is.)"""
        try:
            if self._watcher is None:
                self._watcher = self._open_connection()
            return int(self._watcher.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error as exc:
            error = self._fault(exc)
            if error is exc:
                raise
            raise error from None

    def close(self) -> None:
        """Close the idle connections (a later :meth:`connect` opens new ones)."""
        with self._lock:
            idle, self._idle = self._idle, []
            watcher, self._watcher = self._watcher, None
        for conn in idle:
            conn.close()
        if watcher is not None:
            watcher.close()


@contextmanager
def own_connection(
    db: Database | Path, *, read_only: bool = False, foreign_keys: bool = True
) -> Iterator[sqlite3.Connection]:
    """A connection for one long piece of work (an import, an export, undo-import): on
    SQLite a connection of its own, closed afterwards; on a server one from the pool
    (returned rolled back if the work left a transaction open)."""
    if isinstance(db, Database) and db.is_postgres:
        with db.connect() as conn:
            yield conn
        return
    path = db.path if isinstance(db, Database) else Path(db)
    conn = open_connection(path, read_only=read_only, foreign_keys=foreign_keys, shared=True)
    try:
        yield conn
    finally:
        conn.close()


def _open_read_only(path: Path, *, shared: bool = False) -> sqlite3.Connection:
    """A read-only connection (immutable on a read-only medium: see open_connection)."""
    return open_connection(path, read_only=True, shared=shared)


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def read_schema_version(path: Path, *, immutable: bool = False) -> int:
    """The file's ``user_version``; DatabaseError if it is not a SQLite database."""
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:
        raise DatabaseError(f"{path} is not a SalesDesk database (not an SQLite file)")
    try:
        conn = open_connection(path, read_only=True, immutable=immutable)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        error = fault_error(exc, path)
        if error is not None and error.__class__ is not DatabaseError:
            raise error from None  # a full disk, a damaged file: say that
        raise DatabaseError(f"{path} is not a usable SQLite database: {exc}") from None
    return int(version)


def check_pages(path: Path) -> None:
    """``PRAGMA quick_check`` (a few ms for a few MB): DamagedDatabase if a page is bad."""
    try:
        conn = open_connection(path, read_only=True)
        try:
            verdict = str(conn.execute("PRAGMA quick_check(1)").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        error = fault_error(exc, path)
        raise (error or damaged(path, str(exc))) from None
    if verdict != "ok":
        raise damaged(path, verdict)


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


def backup_database(db_path: Path, target: Path) -> Path:
    """The one backup routine, :func:`salesdesk.data.copy.backup_database` (named here too:
    migrations copy first, and the copy opens its connections from this module)."""
    from salesdesk.data.copy import backup_database as copy

    return copy(db_path, target)


def _migrate(path: Path, from_version: int) -> None:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    backup_database(path, path.with_name(f"{path.name}.v{from_version}-{stamp}.bak"))
    with raw_transaction(path, foreign_keys=False) as conn:
        for version in range(from_version, SCHEMA_VERSION):
            MIGRATIONS[version](conn)
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def open_database(
    path: Path | str,
    *,
    create: bool = True,
    create_empty: bool = False,
    read_only: bool = False,
    check: bool = True,
) -> Database:
    """Open (creating or migrating as needed) the database at ``path``: an SQLite file, or
    a ``postgresql://`` URL (then psycopg is imported, and only then).

    ``create``: a missing file may be made (else DatabaseError: a mistyped path).
    ``create_empty``: an existing empty file may become a new database (the user asked).
    ``read_only``: a reader (list, show, export, backup): a file or folder that cannot be
    written (a read-only medium) is opened read-only instead of refused, and a damaged
    file is opened to read what can be read. ``check``: a writer checks the pages
    (``quick_check``) and refuses a damaged file. The database and its side files are
    made 0600 (said once, in ``notices``); stale temp files are removed.

    Raises :class:`DatabaseError` with one clear line when the file cannot be used; in
    that case the file is left untouched.
    """
    if is_server_url(path):
        return _open_server(str(path))
    path = expand_path(path)
    if read_only and path.is_file() and path.stat().st_size > 0 and not _writable(path):
        return _open_reader(path)
    is_new = prepare_location(path, create=create, create_empty=create_empty)
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
    # The file is ours (or becomes ours): only now is anything beside it touched.
    clean_stale_temp_files(path)
    notice = tighten_permissions(path)
    damaged_file = False
    if not is_new and (check or version < SCHEMA_VERSION):
        try:
            check_pages(path)
        except DamagedDatabase:
            if not read_only:
                raise
            damaged_file = True
    if 0 < version < SCHEMA_VERSION and not damaged_file:
        try:
            _migrate(path, version)
        except sqlite3.Error as exc:
            error = fault_error(exc, path)
            if error is not None and error.__class__ is not DatabaseError:
                raise error from None
            raise DatabaseError(f"could not upgrade {path}: {exc} (a backup was kept)") from None
    if is_new:
        try:
            _create_schema(path)
        except Exception as exc:
            error = fault_error(exc, path)
            if error is None:
                raise
            raise error from None
        os.chmod(path, 0o600)
    database = Database(path)
    database.damaged = damaged_file
    if notice:
        database.notices.append(notice)
    return database


def _open_reader(path: Path) -> Database:
    """A database on a read-only medium (or a file this user may not write): read-only."""
    if not os.access(path, os.R_OK):
        raise DatabaseError(f"cannot read {path}: check its permissions")
    version = read_schema_version(path)
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"{path} was written by a newer SalesDesk (schema {version}, this one knows "
            f"{SCHEMA_VERSION}): upgrade SalesDesk"
        )
    if version < SCHEMA_VERSION:
        raise DatabaseError(
            f"{path} is read-only here and needs an upgrade (schema {version} to "
            f"{SCHEMA_VERSION}): copy it somewhere writable first"
        )
    return Database(path, read_only=True)


def _open_server(url: str) -> Database:
    try:
        from salesdesk.data.pg import open_pg_database
    except ImportError:
        raise DatabaseError(
            "PostgreSQL needs psycopg: pip install 'psycopg[binary]'"
        ) from None
    return open_pg_database(url)


def _create_schema(path: Path) -> None:
    """Create the tables of a new database from their stored SQL text
    (:mod:`~salesdesk.data.schema_sql`, checked by a test to be what the SQLModel classes
    create), in one transaction: no ORM is loaded and the file is synced once."""
    from salesdesk.data.schema_sql import SCHEMA

    with raw_transaction(path) as conn:
        for statement in SCHEMA:
            conn.execute(statement)
        from salesdesk.data.board_keys import install

        install(conn)  # the board's order in SQL: derived, not a model table
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def busy_message(exc: BaseException) -> str | None:
    """One line for a fault of the disk or the file (busy, full, damaged, read-only), or a
    server connection lost mid-session, else None: the shells show it instead of a
    traceback, and what was typed stays."""
    if type(exc).__module__.startswith("psycopg"):
        from salesdesk.data.pg import problem_message

        return problem_message(exc)
    error = fault_error(exc)
    return error.message if error is not None else None
