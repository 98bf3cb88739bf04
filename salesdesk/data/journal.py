"""The undo journal: every command stores what it changed, so ``u`` on the board and
``salesdesk undo`` share one history that survives restarts.

One ``journal`` row per change (a command, an import) and one ``journal_row`` per row it
touched: the table, the row's id, the card it belongs to, and the row's before-image (only
the columns the change wrote; all of them for a deleted row; NULL for a row it added). The
rows are indexed by change and by card, so undo reads only its own change and the review's
"what changed" only the card's rows. A command uses one :class:`Change` inside its
transaction; :func:`undo` reverses the most recent change, whichever shell wrote it.
Changes older than the ``journal_keep_days`` setting are pruned after a write, at most once
a day (:func:`prune`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from sqlite3 import Connection
from typing import Any

from salesdesk.config import system_clock
from salesdesk.data.db import Database
from salesdesk.data.sql import fetch_row, refresh_pinyin, sql_timestamp, sql_value
from salesdesk.data.undo_next import RESTORE_KEPT, RESTORE_MARK, restore_line, restore_mark
from salesdesk.errors import InputError, NotFound
from salesdesk.rules.pinyin import PINYIN_SOURCES, pinyin_key
from salesdesk.rules.settings import SETTINGS

#: Tables the undo journal may touch, children first (deletion order).
JOURNAL_TABLES = ("contact_point", "activity", "complaint", "visit", "prospect")
#: Columns a change never puts in a before-image: undo writes them anew.
_STAMP = "updated_at"
_ADDED = object()  # a row the change added (its before-image is NULL)


#: What prune looks at: the oldest change and how long changes are kept.
_PRUNE_LOOK = ("SELECT (SELECT min(at) FROM journal), "
               "(SELECT value FROM setting WHERE key = 'journal_keep_days')")
#: The tables of the rows a change usually adds, whose first new id a server hands out
#: ahead: asked with the change's first read, so writing them waits for no answer (an id
#: taken and not used is only a gap).
_AHEAD_IDS = ("journal", "activity")
#: On a server, asked as a change starts (with the transaction's first read, in one round
#: trip): those ids, then what prune looks at.
_AHEAD = ("SELECT " + ", ".join(f"nextval(pg_get_serial_sequence('{t}', 'id'))"
                                for t in _AHEAD_IDS)
          + ", " + _PRUNE_LOOK.removeprefix("SELECT "))


class Change:
    """One undoable command at ``now``: collects the before-images of the rows it touches.

    Use it inside one transaction: read rows with ``snapshot``, write them with ``update``
    / ``update_row`` / ``insert`` / ``delete_row`` (each stamps ``updated_at`` with
    ``now``), then ``record``. Undo restores every before-image and deletes every row the
    change added.
    """

    def __init__(self, conn: Connection, now: datetime, label: str = "") -> None:
        self.conn = conn
        self.now = now
        self.label = label
        # (table, id) -> (the card it belongs to, before-image or _ADDED)
        self.rows: dict[tuple[str, int], tuple[int | None, Any]] = {}
        self._current: dict[tuple[str, int], dict[str, Any]] = {}
        # On a server: the ids this change will most likely need and what prune looks
        # at, asked now and answered with the transaction's first read (see _ahead).
        self._asked = conn.execute(_AHEAD) if getattr(conn, "is_postgres", False) else None
        self._answer: tuple[Any, ...] | None = None
        self._taken: set[str] = set()

    # generic rows ----------------------------------------------------------------
    def raw(self, table: str, row_id: int) -> dict[str, Any] | None:
        """The row as it is now (None if missing)."""
        assert table in JOURNAL_TABLES
        key = (table, row_id)
        if key not in self._current:
            found = fetch_row(self.conn, table, row_id)
            if found is None:
                return None
            self._current[key] = found
        return dict(self._current[key])

    def insert(self, table: str, values: Mapping[str, Any]) -> int:
        """Insert a row that undo will delete; returns its id."""
        assert table in JOURNAL_TABLES
        row = {**values, _STAMP: self.now}
        given = self._given_id(table) if "id" not in row else None
        if given is not None:
            row = {"id": given, **row}
        if table == "prospect":  # the search key, made as the card is written
            row["pinyin_key"] = pinyin_key(row.get(c) for c in PINYIN_SOURCES)
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cursor = self.conn.execute(
            f"INSERT INTO {table} ({cols}) VALUES ({marks})",
            tuple(sql_value(v) for v in row.values()),
        )
        row_id = int(cursor.lastrowid or 0)
        owner = row_id if table == "prospect" else values.get("prospect_id")
        self.rows[(table, row_id)] = (owner, _ADDED)
        return row_id

    def _ahead(self) -> tuple[Any, ...] | None:
        """The server's answer to :data:`_AHEAD` (None on SQLite, where asking is free)."""
        if self._answer is None and self._asked is not None:
            self._answer = tuple(self._asked.fetchone())
        return self._answer

    def _given_id(self, table: str) -> int | None:
        """The id taken ahead for the change's first new row of ``table`` (None: let the
        database hand one out as the row is written)."""
        if table not in _AHEAD_IDS or table in self._taken:
            return None
        answer = self._ahead()
        if answer is None:
            return None
        self._taken.add(table)
        return int(answer[_AHEAD_IDS.index(table)])

    def update_row(self, table: str, row_id: int, values: Mapping[str, Any]) -> None:
        """Write ``values`` to the row, remembering what those columns held before."""
        if not values:
            return
        current = self.raw(table, row_id)
        if current is None:
            raise NotFound(f"no {table} with id {row_id}")
        if table == "prospect" and any(c in values for c in PINYIN_SOURCES):
            merged = {**current, **values}
            values = {**values, "pinyin_key": pinyin_key(merged[c] for c in PINYIN_SOURCES)}
        self._remember(table, row_id, current, [c for c in values if c != _STAMP])
        stored = {k: sql_value(v) for k, v in values.items()}
        stored[_STAMP] = sql_value(self.now)
        cols = ", ".join(f"{name} = ?" for name in stored)
        self.conn.execute(
            f"UPDATE {table} SET {cols} WHERE id = ?", (*stored.values(), row_id)
        )
        self._current[(table, row_id)] = {**current, **stored}

    def delete_row(self, table: str, row_id: int) -> None:
        """Delete the row; undo puts all of it back (same id, same UUID)."""
        current = self.raw(table, row_id)
        if current is None:
            return
        self._remember(table, row_id, current, [c for c in current if c not in ("id", _STAMP)])
        self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
        self._current.pop((table, row_id), None)

    def _remember(
        self, table: str, row_id: int, current: Mapping[str, Any], columns: Iterable[str]
    ) -> None:
        """Keep the first value this change saw of each column (a row it added needs none)."""
        owner, before = self.rows.get((table, row_id), (None, None))
        if before is _ADDED:
            return
        before = dict(before or {})
        for column in columns:
            before.setdefault(column, current[column])
        owner = row_id if table == "prospect" else current.get("prospect_id")
        self.rows[(table, row_id)] = (owner, before)

    # prospects and activities ------------------------------------------------------
    def snapshot(self, prospect_id: int) -> dict[str, Any]:
        """The card as it is now (NotFound if there is none)."""
        raw = self.raw("prospect", prospect_id)
        if raw is None:
            raise NotFound(f"no prospect with id {prospect_id}")
        return raw

    def update(self, prospect_id: int, values: Mapping[str, Any]) -> None:
        self.update_row("prospect", prospect_id, values)

    def activity(
        self,
        prospect_id: int,
        kind: str,
        at: datetime,
        note: str = "",
        outcome: str = "",
        **facts: Any,
    ) -> int:
        """Add a timeline entry; ``facts`` are its typed columns (``from_grade``,
        ``to_grade``, ``from_status``, ``to_status``, ``amount``, ``from_stage``,
        ``to_stage``, ``visit_id``)."""
        values = {
            "prospect_id": prospect_id,
            "kind": str(kind),
            "at": at,
            "note": note,
            "outcome": outcome,
            **facts,
        }
        return self.insert("activity", values)

    def record(self, *, keep_redo: bool = False) -> int:
        """Write the journal entry (last, once the rows are changed), then prune; returns
        its id. A new change forgets what redo could put back (``keep_redo``: this change
        is a redo)."""
        given = self._given_id("journal")
        if given is None:
            cursor = self.conn.execute(
                "INSERT INTO journal (at, label) VALUES (?, ?)",
                (sql_timestamp(self.now), self.label),
            )
            journal_id = int(cursor.lastrowid or 0)
        else:
            journal_id = given
            self.conn.execute("INSERT INTO journal (id, at, label) VALUES (?, ?, ?)",
                              (journal_id, sql_timestamp(self.now), self.label))
        recorded = getattr(self.conn, "recorded", None)
        if recorded is not None:  # this program's pool: its undo knows the change is its own
            recorded.add(journal_id)
        self.conn.executemany(
            'INSERT INTO journal_row (journal_id, table_name, row_id, prospect_id, "before") '
            "VALUES (?, ?, ?, ?, ?)",
            [
                (journal_id, table, row_id, owner,
                 None if before is _ADDED else json.dumps(before, ensure_ascii=False))
                for (table, row_id), (owner, before) in self.rows.items()
            ],
        )
        answer = self._ahead()
        prune(self.conn, self.now, None if answer is None else answer[len(_AHEAD_IDS):])
        if not keep_redo:
            forget_redo(self.conn)
        return journal_id


def forget_redo(conn: Connection) -> None:
    """A new change was written: what the undos before it reversed can no longer be redone
    (two cheap statements; the tables hold at most the undos since the last change)."""
    conn.execute("DELETE FROM redo_row")
    conn.execute("DELETE FROM redo")


def prune(conn: Connection, now: datetime, seen: tuple[Any, ...] | None = None) -> int:
    """Forget changes made before the start of the day ``journal_keep_days`` ago (they can
    no longer be undone); returns how many. Called after every write: one indexed look at
    the oldest change (``seen``: its answer, asked earlier in the transaction), and real
    work at most once a day (the limit moves by whole days)."""
    oldest, stored = seen or conn.execute(_PRUNE_LOOK).fetchone()
    try:
        days = int(stored)
    except (TypeError, ValueError):  # not set (or not a number: written by hand)
        days = int(SETTINGS["journal_keep_days"].default)
    cutoff = sql_timestamp(datetime.combine(now.date() - timedelta(days=days), time()))
    if oldest is None or oldest >= cutoff:
        return 0
    old = "SELECT id FROM journal WHERE at < ?"
    conn.execute(f"DELETE FROM journal_row WHERE journal_id IN ({old})", (cutoff,))
    return int(conn.execute("DELETE FROM journal WHERE at < ?", (cutoff,)).rowcount)


@dataclass(frozen=True)
class _Row:
    table: str
    row_id: int
    prospect_id: int | None
    before: dict[str, Any] | None  # None: the change added the row


def _rows_of(conn: Connection, journal_id: int) -> list[_Row]:
    return [
        _Row(table, int(row_id), owner, json.loads(before) if before is not None else None)
        for table, row_id, owner, before in conn.execute(
            'SELECT table_name, row_id, prospect_id, "before" FROM journal_row '
            "WHERE journal_id = ? ORDER BY id",
            (journal_id,),
        )
    ]


def _check_only(rows: Iterable[_Row], prospect_id: int, label: str) -> None:
    """Refuse (InputError) unless the change only edited the card ``prospect_id``."""
    rows = list(rows)
    if any(r.table == "prospect" and r.row_id == prospect_id and r.before is None
           for r in rows):
        raise InputError(
            f"the last change added this card ({label}): undo it on the board if you mean "
            "to remove the card"
        )
    if any(r.prospect_id != prospect_id for r in rows):
        raise InputError(
            f"the last change was not to this card ({label}): undo it on the board"
        )


@dataclass(frozen=True)
class UndoResult:
    """What ``undo`` reversed, and the cards it touched (the board reselects them)."""

    label: str
    prospect_ids: tuple[int, ...]


def last_change(db: Database) -> str | None:
    """The label of the change ``undo`` would reverse next (None: nothing to undo)."""
    with db.connect() as conn:
        row = conn.execute("SELECT label FROM journal ORDER BY id DESC LIMIT 1").fetchone()
    return str(row[0]) if row is not None else None


def undo(
    db: Database,
    *,
    only_prospect: int | None = None,
    now: datetime | None = None,
    expect: int | None = None,
) -> UndoResult | None:
    """Reverse the most recent change (from the TUI or the CLI). None if nothing to undo.

    With ``only_prospect`` (undo inside a card's detail), the change must be an edit of that
    card alone: one that concerns other cards, or that created this card, is refused with
    an InputError saying so, and nothing changes. With ``expect`` (a journal id the board
    named when it asked), a newer change that came in meanwhile is refused, not undone.
    Rows put back get ``updated_at`` = ``now`` (undo is a write too). The first undo after
    a restore reverses nothing and says so (InputError): the restore is the newest change.
    """
    stamp = sql_timestamp(now or system_clock())
    restored: tuple[int, str] | None = None
    with db.begin() as conn:
        entry = conn.execute(
            "SELECT id, label, import_batch FROM journal ORDER BY id DESC LIMIT 1"
        ).fetchone()
        mark = restore_mark(conn)
        if mark is not None and (entry is None or entry[0] <= mark[0]):
            if only_prospect is None:  # said once: the next undo goes into the book
                conn.execute("DELETE FROM setting WHERE key IN (?, ?)",
                             (RESTORE_MARK, RESTORE_KEPT))
            restored = mark
            entry = None
        if entry is None and restored is None:
            return None
        if entry is not None:
            journal_id, label, batch = entry
            if expect is not None and journal_id != expect:
                raise InputError(
                    "another change came in meanwhile: nothing was undone; press undo again "
                    "to see what it would undo"
                )
            rows = _reverse(conn, journal_id, str(label), batch, only_prospect, stamp)
    if restored is not None:
        raise InputError(restore_line(restored[1]))
    cards = dict.fromkeys(r.prospect_id for r in rows if r.prospect_id is not None)
    return UndoResult(str(label), tuple(cards))


def _reverse(
    conn: Connection,
    journal_id: int,
    label: str,
    batch: str | None,
    only_prospect: int | None,
    stamp: str,
) -> list[_Row]:
    """Put back one change's rows (inside the caller's transaction), keeping them for
    redo; returns them."""
    rows = _rows_of(conn, journal_id)
    if only_prospect is not None:
        _check_only(rows, only_prospect, label)
    _keep_for_redo(conn, journal_id, label, batch, rows, stamp)
    if batch:  # undoing a whole import: forget the batch too
        conn.execute("DELETE FROM importbatch WHERE id = ?", (batch,))
    _delete_added(conn, journal_id)
    for table in reversed(JOURNAL_TABLES):  # parents first
        for row in rows:
            if row.table == table and row.before is not None:
                _put_back(conn, row, stamp)
    renamed = [r.row_id for r in rows if r.table == "prospect" and r.before is not None
               and any(c in r.before for c in PINYIN_SOURCES)]
    for start in range(0, len(renamed), 500):  # the search key follows the name back
        part = renamed[start:start + 500]
        refresh_pinyin(conn, f"id IN ({', '.join('?' for _ in part)})", tuple(part))
    conn.execute("DELETE FROM journal_row WHERE journal_id = ?", (journal_id,))
    conn.execute("DELETE FROM journal WHERE id = ?", (journal_id,))
    return rows


def _whole_row_json(conn: Connection, table: str) -> str:
    """SQL building a JSON object of every column of ``table`` (aliased ``t``). SQLite
    takes at most 127 arguments per function, fewer than a card's columns' names and
    values: the rest are added with ``json_insert`` (which keeps NULLs, unlike
    ``json_patch``), 60 columns per call."""
    names = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    pairs = [f"'{n}', t.\"{n}\"" for n in names[:60]]
    sql = "json_object(" + ", ".join(pairs) + ")"
    for start in range(60, len(names), 60):
        more = ", ".join(f"'$.{n}', t.\"{n}\"" for n in names[start:start + 60])
        sql = f"json_insert({sql}, {more})"
    return sql


def _keep_for_redo(
    conn: Connection, journal_id: int, label: str, batch: str | None, rows: list[_Row],
    stamp: str,
) -> None:
    """Before undo writes: what it is about to reverse, as redo must write it back. The
    rows the change added (and a removed card's children) whole, in SQL; of the rows it
    edited, the columns undo puts back; a row it deleted as NULL (redo deletes it again)."""
    kept = None
    if batch:
        found = conn.execute(
            "SELECT json_object('id', id, 'at', at, 'source', source, 'created', created, "
            "'updated', updated) FROM importbatch WHERE id = ?", (batch,)
        ).fetchone()
        kept = found[0] if found else None
    redo_id = int(conn.execute(
        "INSERT INTO redo (at, label, import_batch) VALUES (?, ?, ?)", (stamp, label, kept)
    ).lastrowid or 0)

    def added(table: str) -> str:
        return (
            "SELECT row_id FROM journal_row WHERE journal_id = :j "
            f"AND table_name = '{table}' AND \"before\" IS NULL"
        )

    for table in JOURNAL_TABLES:
        owner = "t.id" if table == "prospect" else "t.prospect_id"
        children = "" if table == "prospect" else f" OR t.prospect_id IN ({added('prospect')})"
        conn.execute(
            'INSERT INTO redo_row (redo_id, table_name, row_id, prospect_id, "after") '
            f"SELECT :r, '{table}', t.id, {owner}, {_whole_row_json(conn, table)} "
            f"FROM {table} t WHERE t.id IN ({added(table)}){children}",
            {"j": journal_id, "r": redo_id},
        )
    after: list[tuple[int, str, int, int | None, str | None]] = []
    for row in rows:
        if row.before is None:
            continue
        current = fetch_row(conn, row.table, row.row_id)
        if current is None:  # deleted by the change: undo puts it back, redo deletes it
            after.append((redo_id, row.table, row.row_id, row.prospect_id, None))
            continue
        values = {c: current[c] for c in row.before if c in current and c != _STAMP}
        after.append((redo_id, row.table, row.row_id, row.prospect_id,
                      json.dumps(values, ensure_ascii=False)))
    conn.executemany(
        'INSERT INTO redo_row (redo_id, table_name, row_id, prospect_id, "after") '
        "VALUES (?, ?, ?, ?, ?)", after,
    )


def _delete_added(conn: Connection, journal_id: int) -> None:
    """Delete the rows the change added, children first (a removed card's own activities,
    complaints and visits with it), in a few set-wide statements."""

    def added(table: str) -> str:
        return (
            "SELECT row_id FROM journal_row WHERE journal_id = ? "
            f"AND table_name = '{table}' AND \"before\" IS NULL"
        )

    cards = added("prospect")
    for statement in (
        f"DELETE FROM activity WHERE id IN ({added('activity')})",
        f"DELETE FROM activity WHERE prospect_id IN ({cards})",
        f"DELETE FROM complaint WHERE id IN ({added('complaint')})",
        f"DELETE FROM complaint WHERE prospect_id IN ({cards})",
        f"DELETE FROM visit WHERE id IN ({added('visit')})",
        f"DELETE FROM visit WHERE prospect_id IN ({cards})",
        f"DELETE FROM contact_point WHERE id IN ({added('contact_point')})",
        f"DELETE FROM contact_point WHERE prospect_id IN ({cards})",
        f"DELETE FROM prospect WHERE id IN ({cards})",
    ):
        conn.execute(statement, (journal_id,))


def _put_back(conn: Connection, row: _Row, stamp: str) -> None:
    """Restore a before-image: the columns it holds on the row, or the whole row again
    (same id) when it was deleted."""
    assert row.before is not None and row.table in JOURNAL_TABLES
    values = {c: v for c, v in row.before.items() if c not in ("id", _STAMP)}
    values[_STAMP] = stamp
    exists = conn.execute(f"SELECT 1 FROM {row.table} WHERE id = ?", (row.row_id,)).fetchone()
    if exists:
        sets = ", ".join(f"{c} = ?" for c in values)
        conn.execute(
            f"UPDATE {row.table} SET {sets} WHERE id = ?", (*values.values(), row.row_id)
        )
    elif _required(conn, row.table) <= set(values):  # a whole row: it was deleted
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        conn.execute(
            f"INSERT INTO {row.table} (id, {cols}) VALUES (?, {marks})",
            (row.row_id, *values.values()),
        )
    # else: an edited row removed since outside the journal: nothing to put it back into


def _required(conn: Connection, table: str) -> set[str]:
    """The columns a new row of ``table`` must be given (NOT NULL without a default)."""
    return {
        name
        for _cid, name, _type, notnull, default, pk in conn.execute(f"PRAGMA table_info({table})")
        if notnull and default is None and not pk
    }
