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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

from salesdesk.data.db import BUSY_TIMEOUT_MS, Database
from salesdesk.data.pg_conn import PgConnection, PgCursor, read_waiting

__all__ = ["PgConnection", "PgCursor", "PgDatabase", "open_pg_database", "raw_connect"]
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
    #: Write transactions in pipeline mode (one round trip per answer read, not per
    #: statement); False only to measure the difference (benchmarks/postgres.py).
    pipelined = True

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
        #: The sending processes of notifications received and not yet counted.
        self._heard: list[int] = []

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
        if conn is None or conn.gone():
            if conn is not None:
                self._forget_lost(conn)
            conn = PgConnection(self._raw(), self._count_own_write,
                                pipelined=self.pipelined)
            with self._pg_lock:
                self._own_pids.add(conn.pid)
        conn.recorded = self.recorded
        try:
            yield conn
        finally:
            if conn.broken:
                self._forget_lost(conn)
            else:
                try:
                    conn.rollback()
                except psycopg.Error:
                    self._forget(conn)
                else:
                    with self._pg_lock:
                        self._pg_idle.append(conn)

    def _forget_lost(self, conn: PgConnection) -> None:
        """The server ended ``conn``: the idle ones are gone with it, and the watcher too
        (what it missed counts as "changed": the board reads again)."""
        self._forget(conn)
        with self._pg_lock:
            stale, self._pg_idle = self._pg_idle, []
            watcher, self._pg_watcher = self._pg_watcher, None
        for other in stale:
            self._forget(other)
        self.lost_connections += 1
        if watcher is not None:
            watcher.close()
            self._count_own_write()

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

    def data_version(self, *, exact: bool = False) -> int:
        """A number that changes whenever a write is committed, by anyone: as SQLite's
        ``PRAGMA data_version``, without asking the server anything unless ``exact``.

        A watcher connection LISTENs on :data:`CHANNEL`, where the schema's triggers
        NOTIFY once per writing transaction, at its commit; each call only drains what has
        arrived on that socket (no round trip), so a board asking every couple of seconds
        costs an idle server nothing. This pool's own writes are counted as they commit
        (their notifications, told by the sending process, are skipped), so the number
        has moved by the time the write's caller reads again, as on SQLite; another
        program's write is seen once its notification arrives, within milliseconds.

        ``exact`` (a key about to change a card) first makes one ``SELECT 1`` round trip
        on the watcher: the server sends the notifications of every transaction committed
        before it ahead of its answer, so no write made before the key is missed."""
        with self._watch_lock:
            try:
                if self._pg_watcher is None or self._pg_watcher.closed:
                    watcher = self._raw()
                    watcher.add_notify_handler(lambda note: self._heard.append(note.pid))
                    watcher.execute(f"LISTEN {CHANNEL}")
                    self._pg_watcher = watcher
                pgconn = self._pg_watcher.pgconn
                if exact:  # what arrives with the answer goes to the handler (_heard)
                    self._pg_watcher.execute("SELECT 1")
                read_waiting(pgconn)
                while (note := pgconn.notifies()) is not None:
                    self._heard.append(note.be_pid)
                with self._pg_lock:
                    own = set(self._own_pids)
                self._version += sum(1 for pid in self._heard if pid not in own)
                self._heard.clear()
            except (psycopg.Error, DatabaseError):
                # The server went away: say "changed", so the board reads again (and
                # shows the connection's trouble inline) instead of trusting old cards.
                if self._pg_watcher is not None:
                    self._pg_watcher.close()
                    self.lost_connections += 1
                self._pg_watcher = None
                self._heard.clear()
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
