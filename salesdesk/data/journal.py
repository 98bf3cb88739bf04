"""The undo journal: every command stores what it changed, so ``u`` on the board and
``salesdesk undo`` share one history that survives restarts.

One ``journal`` row per change (a command, an import) and one ``journal_row`` per row it
touched: the table, the row's id, the card it belongs to, and the row's before-image (only
the columns the change wrote; all of them for a deleted row; NULL for a row it added). The
rows are indexed by change and by card, so undo reads only its own change and the review's
"what changed" only the card's rows. A command uses one :class:`Change` inside its
transaction; :func:`salesdesk.data.journal_undo.undo` reverses the most recent change,
whichever shell wrote it.
Changes older than the ``journal_keep_days`` setting are pruned after a write, at most once
a day (:func:`prune`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime, time, timedelta
from sqlite3 import Connection
from typing import Any

from salesdesk.data.sql import fetch_row, sql_timestamp, sql_value
from salesdesk.errors import NotFound
from salesdesk.rules.pinyin import PINYIN_SOURCES, pinyin_key
from salesdesk.rules.settings import SETTINGS

#: Tables the undo journal may touch, children first (deletion order).
JOURNAL_TABLES = ("contact_point", "activity", "complaint", "visit", "prospect")
#: Columns a change never puts in a before-image: undo writes them anew.
STAMP = "updated_at"
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
        row = {**values, STAMP: self.now}
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
        self._remember(table, row_id, current, [c for c in values if c != STAMP])
        stored = {k: sql_value(v) for k, v in values.items()}
        stored[STAMP] = sql_value(self.now)
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
        self._remember(table, row_id, current, [c for c in current if c not in ("id", STAMP)])
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
