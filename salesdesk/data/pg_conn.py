"""The connection side of :mod:`salesdesk.data.pg`: a psycopg connection that looks like
the ``sqlite3`` one the data modules use, running SQLite's SQL through
:func:`salesdesk.data.dialect.to_postgres`.

A write transaction (``BEGIN IMMEDIATE``) runs in psycopg's pipeline mode: statements are
sent as they come and the server's answers are read only when the caller needs one (a
row, a rowcount, a new id) and at the COMMIT, so a regrade's dozen statements cost a few
round trips, not one each. An error of a queued statement is raised at the next read,
inside the same transaction, which then rolls back as a whole: nothing in the data modules
catches a database error of one statement and carries on in the transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, suppress
from datetime import date, datetime
from typing import Any

import psycopg
from psycopg import pq

from salesdesk.data import dialect
from salesdesk.data.sql import sql_timestamp


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
        self._single = False  # its one statement's answer is all it waits for
        self._described: tuple[Any, Any] | None = None

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> PgCursor:
        self._inserted = self._conn.run(self._cursor, sql, params)
        self._single = not dialect.is_begin(sql)
        return self

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> PgCursor:
        self._conn.run_many(self._cursor, sql, rows)
        self._single = False
        return self

    def _settle(self) -> None:
        """Read the pipeline's answers, unless this statement's is in already (it came
        with an earlier read): a statement queued early is read later for nothing."""
        if not (self._single and self._cursor.pgresult is not None):
            self._conn.settle()

    def _has_rows(self) -> bool:
        """Whether the statement answered with rows (psycopg's test for a description,
        without making one: a card's sixty columns, on every read)."""
        self._settle()
        res = self._cursor.pgresult
        return res is not None and bool(res.nfields or res.status == pq.ExecStatus.TUPLES_OK)

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._has_rows() else None

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall() if self._has_rows() else []

    def fetchmany(self, size: int = 100) -> list[Any]:
        return self._cursor.fetchmany(size) if self._has_rows() else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())

    @property
    def description(self) -> Any:
        self._settle()
        res = self._cursor.pgresult
        if self._described is None or self._described[0] is not res:
            self._described = (res, self._cursor.description)  # made once per answer
        return self._described[1]

    @property
    def rowcount(self) -> int:
        self._settle()
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
                 on_write: Callable[[], None] | None = None, *,
                 pipelined: bool = False) -> None:
        self.raw = raw
        #: Called when this connection committed a write (the database's own count of
        #: changes: see PgDatabase.data_version).
        self.on_write = on_write
        self._writing = False  # in a transaction begun with BEGIN IMMEDIATE
        #: A write transaction's statements are pipelined (see :meth:`run`).
        self.pipelined = pipelined and psycopg.Pipeline.is_supported()
        self._pipe: psycopg.Pipeline | None = None
        self._pipe_exit = ExitStack()
        self._queued = False  # statements sent in the pipeline whose answers are not read
        #: Its server process (what a notification it sends names).
        self.pid = raw.info.backend_pid

    def run(self, cursor: psycopg.Cursor[Any], sql: str,
            params: Sequence[Any] | None) -> int | None:
        """Run one statement; the new row's id for a single-row INSERT (RETURNING id: no
        second round trip for ``lastrowid``; none at all when it names its id)."""
        if dialect.is_begin(sql):
            if sql.strip().upper().startswith("BEGIN DEFERRED"):
                cursor.execute("BEGIN")
            elif self.pipelined:  # sent with the first statement whose answer is read
                self._pipe = self._pipe_exit.enter_context(self.raw.pipeline())
                cursor.execute("BEGIN")
                cursor.execute(f"SELECT pg_advisory_xact_lock({dialect.WRITE_LOCK_KEY})")
                self._writing = self._queued = True
            else:  # one round trip: the transaction and the write lock
                cursor.execute(
                    f"BEGIN; SELECT pg_advisory_xact_lock({dialect.WRITE_LOCK_KEY})")
                self._writing = True
            return None
        translated, returning = dialect.to_postgres_returning(sql)
        given = None  # an INSERT naming its id: that id, known without asking
        if returning and params and not isinstance(params, Mapping) \
                and dialect.explicit_id_table(sql) is not None:
            translated, returning, given = dialect.to_postgres(sql), False, int(params[0])
        cursor.execute(translated, _params(params))
        self._queued = self._pipe is not None
        if not self.in_transaction and _writes(sql):  # a write on its own (autocommit)
            self._wrote()
        if returning:  # (in a pipeline, reading it reads every answer before it)
            row = cursor.fetchone()
            self._queued = False
            return int(row[0]) if row else None
        return given

    def run_many(self, cursor: psycopg.Cursor[Any], sql: str,
                 rows: Iterable[Sequence[Any]]) -> None:
        cursor.executemany(dialect.to_postgres(sql),
                           (_params(r) for r in rows))
        self._queued = self._pipe is not None
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
        return self._pipe is not None \
            or self.raw.info.transaction_status != pq.TransactionStatus.IDLE

    @property
    def broken(self) -> bool:
        return self.raw.closed or self.raw.broken

    def gone(self) -> bool:
        """Whether the server has ended this idle connection (restarted, or an
        administrator's terminate): what its socket holds is read without a round trip
        (twice: its last words, then the close), so a pooled connection the server closed
        is not handed to a change that would fail on it."""
        if self.broken:
            return True
        try:
            read_waiting(self.raw.pgconn)
        except psycopg.Error:
            return True
        return self.raw.pgconn.status != pq.ConnStatus.OK

    def settle(self) -> None:
        """In a pipelined write: send what is queued and read every answer (one round
        trip), so a cursor's rows, description and rowcount are there; an error of any
        queued statement is raised here, inside the transaction, which then rolls back."""
        if self._pipe is not None and self._queued:
            self._queued = False
            self._pipe.sync()

    def _end_pipe(self, *, failed: bool) -> None:
        """Leave pipeline mode: its last answers read (raising the first error, unless
        the transaction is being rolled back anyway)."""
        if self._pipe is None:
            return
        self._pipe = None
        if not failed:
            self._pipe_exit.close()
            return
        with suppress(psycopg.Error):
            self._pipe_exit.close()

    def _wrote(self) -> None:
        if self.on_write is not None:
            self.on_write()

    def commit(self) -> None:
        writing, self._writing = self._writing, False
        if self.in_transaction:
            self.raw.execute("COMMIT")
            self._end_pipe(failed=False)  # the queued statements and COMMIT: one trip
            if writing:
                self._wrote()

    def rollback(self) -> None:
        self._writing = False
        if self.broken:
            self._pipe = None
            return
        self._end_pipe(failed=True)
        if self.in_transaction:
            self.raw.execute("ROLLBACK")

    def close(self) -> None:
        self.raw.close()


def _writes(sql: str) -> bool:
    """Whether a statement run on its own (autocommit) may change rows."""
    head = sql.lstrip()[:7].upper()
    return head.startswith(("INSERT", "UPDATE", "DELETE", "REPLACE"))


def read_waiting(pgconn: pq.abc.PGconn) -> None:
    """Read what a connection's socket holds, without a round trip: notifications, or a
    server's last words. Twice: a server that ended the connection sent its last words
    and then closed, and only the second read says so (psycopg.OperationalError)."""
    pgconn.consume_input()
    pgconn.consume_input()
