"""PostgreSQL: a :class:`~salesdesk.data.db.Database` whose connections speak SQLite's SQL.

Imported only for a ``postgresql://`` URL, so psycopg never slows the SQLite start. Each
pooled psycopg connection is wrapped in :class:`PgConnection`, which looks like the
``sqlite3`` connection the data modules use (``execute`` returning a cursor, ``?``
placeholders, ``lastrowid``, ``in_transaction``) and rewrites each statement once through
:func:`salesdesk.data.dialect.to_postgres`. The schema (:mod:`salesdesk.data.pg_schema`)
keeps SQLite's value shapes (ISO text dates, 0/1 flags), so rows read back alike.

Differences kept here: ``BEGIN IMMEDIATE`` becomes ``BEGIN`` plus a transaction-scoped
advisory lock (one writer at a time, as on SQLite); "changed by another program" is
LISTEN/NOTIFY instead of ``PRAGMA data_version`` (see :meth:`PgDatabase.data_version`);
a dropped connection is thrown away, not pooled, so the next command reconnects.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import pq

from salesdesk.data import dialect
from salesdesk.data.db import BUSY_TIMEOUT_MS, Database
from salesdesk.data.sql import sql_timestamp
from salesdesk.errors import DatabaseError

#: The channel the schema's triggers notify on every committed write.
CHANNEL = "salesdesk_changed"
#: How long a connection attempt waits for the server before saying it cannot reach it.
CONNECT_TIMEOUT_S = 5


def safe_url(url: str) -> str:
    """``url`` without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    user = parts.username or ""
    netloc = f"{user}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def connect_message(url: str, exc: BaseException) -> str:
    """One line for a connection that failed: unreachable, refused, wrong password, no
    such database or role, each said plainly."""
    text = " ".join(str(exc).split())
    where = safe_url(url)
    if "password authentication failed" in text or "no password supplied" in text:
        return f"PostgreSQL refused the password for {where}: check the user and password"
    if "does not exist" in text and "database" in text:
        return f"no such database on the server: {where} (create it, or check the name)"
    if "does not exist" in text and "role" in text:
        return f"no such user on the server: {where}"
    if "timeout" in text or "could not connect" in text or "Connection refused" in text \
            or "No such file" in text or "failed" in text:
        return f"cannot reach the PostgreSQL server at {where}: is it running? ({text[:160]})"
    return f"cannot open {where}: {text[:200]}"


def _param(value: Any) -> Any:
    """A Python value as the schema stores it (the shapes SQLite stores)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return sql_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _params(values: Sequence[Any] | Mapping[str, Any] | None) -> Any:
    if not values:
        return ()
    if isinstance(values, Mapping):  # named parameters (``:name``)
        return {k: _param(v) for k, v in values.items()}
    return tuple(_param(v) for v in values)


class PgCursor:
    """The part of ``sqlite3.Cursor`` the data modules use."""

    def __init__(self, conn: PgConnection) -> None:
        self._conn = conn
        self._cursor = conn.raw.cursor()
        self._inserted: int | None = None

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> PgCursor:
        self._inserted = self._conn.run(self._cursor, sql, params)
        return self

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> PgCursor:
        self._conn.run_many(self._cursor, sql, rows)
        return self

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._cursor.description is not None else None

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall() if self._cursor.description is not None else []

    def fetchmany(self, size: int = 100) -> list[Any]:
        return self._cursor.fetchmany(size) if self._cursor.description is not None else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    @property
    def lastrowid(self) -> int | None:
        """The id the last INSERT got (its RETURNING id, else ``lastval()``)."""
        if self._inserted is not None:
            return self._inserted
        try:
            row = self._conn.raw.execute("SELECT lastval()").fetchone()
        except psycopg.errors.ObjectNotInPrerequisiteState:
            return None
        return int(row[0]) if row else None

    def close(self) -> None:
        self._cursor.close()


class PgConnection:
    """A psycopg connection (autocommit; the caller writes ``BEGIN``) that runs SQLite's
    SQL, like the ``sqlite3`` connections of :class:`~salesdesk.data.db.Database`."""

    is_postgres = True
    #: The undo-journal ids this program wrote (see JournalConnection): its undo knows them.
    recorded: set[int] | None = None

    def __init__(self, raw: psycopg.Connection[Any],
                 on_write: Callable[[], None] | None = None) -> None:
        self.raw = raw
        #: Called when this connection committed a write (the database's own count of
        #: changes: see PgDatabase.data_version).
        self.on_write = on_write
        self._writing = False  # in a transaction begun with BEGIN IMMEDIATE
        #: Its server process (what a notification it sends names).
        self.pid = raw.info.backend_pid

    def run(self, cursor: psycopg.Cursor[Any], sql: str,
            params: Sequence[Any] | None) -> int | None:
        """Run one statement; the new row's id for a single-row INSERT (RETURNING id: no
        second round trip for ``lastrowid``)."""
        if dialect.is_begin(sql):
            if sql.strip().upper().startswith("BEGIN DEFERRED"):
                cursor.execute("BEGIN")
            else:  # one round trip: the transaction and the write lock
                cursor.execute(
                    f"BEGIN; SELECT pg_advisory_xact_lock({dialect.WRITE_LOCK_KEY})")
                self._writing = True
            return None
        translated, returning = dialect.to_postgres_returning(sql)
        cursor.execute(translated, _params(params))
        if not self.in_transaction and _writes(sql):  # a write on its own (autocommit)
            self._wrote()
        if returning:
            row = cursor.fetchone()
            return int(row[0]) if row else None
        return None

    def run_many(self, cursor: psycopg.Cursor[Any], sql: str,
                 rows: Iterable[Sequence[Any]]) -> None:
        cursor.executemany(dialect.to_postgres(sql),
                           (_params(r) for r in rows))
        table = dialect.explicit_id_table(sql)
        if table is not None:  # ids given by hand: move the table's counter past them
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"greatest((SELECT max(id) FROM {table}), 1))"
            )

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> PgCursor:
        return PgCursor(self).execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> PgCursor:
        return PgCursor(self).executemany(sql, rows)

    def cursor(self) -> PgCursor:
        return PgCursor(self)

    def create_function(self, *args: Any, **kwargs: Any) -> None:
        """The schema defines the functions SQLite gets from Python (``sd_fold``)."""

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != pq.TransactionStatus.IDLE

    @property
    def broken(self) -> bool:
        return self.raw.closed or self.raw.broken

    def _wrote(self) -> None:
        if self.on_write is not None:
            self.on_write()

    def commit(self) -> None:
        writing, self._writing = self._writing, False
        if self.in_transaction:
            self.raw.execute("COMMIT")
            if writing:
                self._wrote()

    def rollback(self) -> None:
        self._writing = False
        if self.broken:
            return
        if self.in_transaction:
            self.raw.execute("ROLLBACK")

    def close(self) -> None:
        self.raw.close()


def _writes(sql: str) -> bool:
    """Whether a statement run on its own (autocommit) may change rows."""
    head = sql.lstrip()[:7].upper()
    return head.startswith(("INSERT", "UPDATE", "DELETE", "REPLACE"))


def raw_connect(url: str, *, autocommit: bool = True) -> psycopg.Connection[Any]:
    """A psycopg connection to ``url``; DatabaseError with one line if it cannot be had."""
    try:
        conn = psycopg.connect(url, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT_S,
                               application_name="salesdesk")
        # As SQLite's busy timeout: a write waits this long for another's lock, then
        # says the database is busy (never hangs).
        conn.execute(f"SET lock_timeout = {BUSY_TIMEOUT_MS}")
        return conn
    except psycopg.Error as exc:
        raise DatabaseError(connect_message(url, exc)) from None


class PgDatabase(Database):
    """An open SalesDesk database on a PostgreSQL server: a small pool of wrapped psycopg
    connections, with the same ``connect``/``begin``/``data_version``/``close``."""

    is_postgres = True

    def __init__(self, url: str, *, role: str | None = None) -> None:
        super().__init__(Path(safe_url(url)))
        self.url = url
        #: Act as this role (``SET ROLE``): a lead reviewing one rep's book.
        self.role = role
        self._pg_idle: list[PgConnection] = []
        self._pg_watcher: psycopg.Connection[Any] | None = None
        self._version = 0
        self._pg_lock = threading.Lock()
        self._watch_lock = threading.Lock()
        #: The server processes of this pool's connections: their notifications are
        #: counted at their commit already (see data_version).
        self._own_pids: set[int] = set()

    def __repr__(self) -> str:
        return f"PgDatabase({safe_url(self.url)!r})"

    def describe(self) -> str:
        return safe_url(self.url)

    def _raw(self) -> psycopg.Connection[Any]:
        raw = raw_connect(self.url)
        if self.role is not None:
            from psycopg import sql

            try:
                raw.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(self.role)))
            except psycopg.Error as exc:
                raw.close()
                raise DatabaseError(f"cannot act as {self.role}: {exc}".split("\n")[0]) \
                    from None
        return raw

    @contextmanager
    def connect(self) -> Iterator[Any]:
        with self._pg_lock:
            conn = self._pg_idle.pop() if self._pg_idle else None
        if conn is None or conn.broken:
            if conn is not None:
                self._forget(conn)
            conn = PgConnection(self._raw(), self._count_own_write)
            with self._pg_lock:
                self._own_pids.add(conn.pid)
        conn.recorded = self.recorded
        try:
            yield conn
        finally:
            if conn.broken:  # the server went: the idle ones are gone with it,
                self._forget(conn)  # and the watcher too (what it missed: "changed")
                with self._pg_lock:
                    stale, self._pg_idle = self._pg_idle, []
                    watcher, self._pg_watcher = self._pg_watcher, None
                for other in stale:
                    self._forget(other)
                if watcher is not None:
                    watcher.close()
                    self._count_own_write()
            else:
                try:
                    conn.rollback()
                except psycopg.Error:
                    self._forget(conn)
                else:
                    with self._pg_lock:
                        self._pg_idle.append(conn)

    def _forget(self, conn: PgConnection) -> None:
        """Close a pooled connection for good (its server process is no longer ours)."""
        with self._pg_lock:
            self._own_pids.discard(conn.pid)
        conn.raw.close()

    def _count_own_write(self) -> None:
        with self._watch_lock:
            self._version += 1

    @contextmanager
    def bulk(self, *, foreign_keys: bool = True) -> Iterator[Any]:
        with self.begin() as conn:
            yield conn

    def data_version(self) -> int:
        """A number that changes whenever a write is committed, by anyone: as SQLite's
        ``PRAGMA data_version``, without asking the server anything.

        A watcher connection LISTENs on :data:`CHANNEL`, where the schema's triggers
        NOTIFY once per writing transaction, at its commit; each call only drains what has
        arrived on that socket (no round trip), so a board asking every couple of seconds
        costs an idle server nothing. This pool's own writes are counted as they commit
        (their notifications, told by the sending process, are skipped), so the number
        has moved by the time the write's caller reads again, as on SQLite; another
        program's write is seen once its notification arrives, within milliseconds."""
        with self._watch_lock:
            try:
                if self._pg_watcher is None or self._pg_watcher.closed:
                    watcher = self._raw()
                    watcher.execute(f"LISTEN {CHANNEL}")
                    self._pg_watcher = watcher
                with self._pg_lock:
                    own = set(self._own_pids)
                pgconn = self._pg_watcher.pgconn
                # Read what the socket holds, twice: a server that ended the connection
                # sent its last words and then closed, and only the second read says so.
                pgconn.consume_input()
                pgconn.consume_input()
                while (note := pgconn.notifies()) is not None:
                    if note.be_pid not in own:
                        self._version += 1
            except (psycopg.Error, DatabaseError):
                # The server went away: say "changed", so the board reads again (and
                # shows the connection's trouble inline) instead of trusting old cards.
                if self._pg_watcher is not None:
                    self._pg_watcher.close()
                self._pg_watcher = None
                self._version += 1
            return self._version

    def close(self) -> None:
        with self._pg_lock:
            idle, self._pg_idle = self._pg_idle, []
            watcher, self._pg_watcher = self._pg_watcher, None
        for conn in idle:
            self._forget(conn)
        if watcher is not None:
            watcher.close()


def open_pg_database(url: str) -> PgDatabase:
    """Open (creating the schema, or migrating it) the database at ``url``."""
    from salesdesk.data.pg_schema import prepare

    prepare(url)
    return PgDatabase(url)


def problem_message(exc: BaseException) -> str | None:
    """One line for a server that went away or refused mid-session, else None."""
    if isinstance(exc, psycopg.errors.LockNotAvailable):
        return "the database is busy: another program is writing to it; try again in a moment"
    if isinstance(exc, psycopg.OperationalError):
        text = " ".join(str(exc).split())[:160]
        return f"lost the connection to the PostgreSQL server ({text}): try again"
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return "not allowed: that row belongs to another rep"
    return None
