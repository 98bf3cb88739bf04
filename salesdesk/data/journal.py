"""The undo journal (table ``journal``): every command stores the before-image of the rows
it changes and the ids of the rows it adds, so ``u`` on the board and ``salesdesk undo``
share one history that survives restarts.

A command uses one :class:`Change` inside its transaction; :func:`undo` reverses the most
recent entry, whichever shell wrote it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Connection
from typing import Any

from salesdesk.data.db import Database
from salesdesk.data.sql import fetch_row, sql_timestamp, sql_value
from salesdesk.errors import InputError, NotFound

#: Tables the undo journal may touch, children first (deletion order).
JOURNAL_TABLES = ("activity", "visit", "prospect")


class Change:
    """One undoable command: collects before-images of the rows it touches.

    Use it inside one transaction: ``snapshot``/``update`` rows, ``insert`` new ones, then
    ``record``. Undo restores every before-image and deletes every row the change added.
    """

    def __init__(self, conn: Connection, label: str = "") -> None:
        self.conn = conn
        self.label = label
        self.rows: dict[str, dict[str, dict[str, Any] | None]] = {}

    # generic rows ----------------------------------------------------------------
    def raw(self, table: str, row_id: int) -> dict[str, Any] | None:
        """The row as it is now, without remembering it (None if missing)."""
        assert table in JOURNAL_TABLES
        return fetch_row(self.conn, table, row_id)

    def snapshot_row(self, table: str, row_id: int) -> dict[str, Any] | None:
        """Remember the row as it is now (once per change); return it (None if missing)."""
        raw = self.raw(table, row_id)
        if raw is not None:
            self.rows.setdefault(table, {}).setdefault(str(row_id), dict(raw))
        return raw

    def insert(self, table: str, values: Mapping[str, Any]) -> int:
        """Insert a row that undo will delete; returns its id."""
        assert table in JOURNAL_TABLES
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.conn.execute(
            f"INSERT INTO {table} ({cols}) VALUES ({marks})",
            tuple(sql_value(v) for v in values.values()),
        )
        row_id = int(cursor.lastrowid or 0)
        self.rows.setdefault(table, {})[str(row_id)] = None
        return row_id

    def update_row(self, table: str, row_id: int, values: Mapping[str, Any]) -> None:
        assert table in JOURNAL_TABLES
        if not values:
            return
        self.snapshot_row(table, row_id)
        cols = ", ".join(f"{name} = ?" for name in values)
        params = tuple(sql_value(v) for v in values.values()) + (row_id,)
        self.conn.execute(f"UPDATE {table} SET {cols} WHERE id = ?", params)

    def delete_row(self, table: str, row_id: int) -> None:
        self.snapshot_row(table, row_id)
        self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))

    # prospects and activities ------------------------------------------------------
    def snapshot(self, prospect_id: int) -> dict[str, Any]:
        raw = self.snapshot_row("prospect", prospect_id)
        if raw is None:
            raise NotFound(f"no prospect with id {prospect_id}")
        return raw

    def created(self, prospect_id: int) -> None:
        self.rows.setdefault("prospect", {})[str(prospect_id)] = None

    def update(self, prospect_id: int, values: Mapping[str, Any]) -> None:
        self.update_row("prospect", prospect_id, values)

    def activity(
        self,
        prospect_id: int,
        kind: str,
        at: datetime,
        note: str = "",
        outcome: str = "",
        from_grade: str | None = None,
        to_grade: str | None = None,
        visit_id: int | None = None,
    ) -> int:
        return self.insert(
            "activity",
            {
                "prospect_id": prospect_id,
                "kind": str(kind),
                "at": at,
                "note": note,
                "outcome": outcome,
                "from_grade": from_grade,
                "to_grade": to_grade,
                "visit_id": visit_id,
            },
        )

    def record(self, now: datetime) -> None:
        """Write the journal entry (last, once the rows are changed)."""
        data = json.dumps({"rows": self.rows})
        self.conn.execute(
            "INSERT INTO journal (at, label, data) VALUES (?, ?, ?)",
            (sql_timestamp(now), self.label, data),
        )


def _check_only(
    conn: Connection,
    rows: Mapping[str, Mapping[str, Mapping[str, Any] | None]],
    prospect_id: int,
    label: str,
) -> None:
    """Refuse (InputError) unless the change only edited the card ``prospect_id``."""
    if rows.get("prospect", {}).get(str(prospect_id), {}) is None:
        raise InputError(
            f"the last change added this card ({label}): undo it on the board if you mean "
            "to remove the card"
        )
    cards = {int(key) for key in rows.get("prospect", {})}
    for table in ("activity", "visit"):
        for key, before in rows.get(table, {}).items():
            if before is not None:
                cards.add(int(before["prospect_id"]))
            else:
                found = conn.execute(
                    f"SELECT prospect_id FROM {table} WHERE id = ?", (int(key),)
                ).fetchone()
                if found is not None:
                    cards.add(int(found[0]))
    if cards - {prospect_id}:
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


def undo(db: Database, *, only_prospect: int | None = None) -> UndoResult | None:
    """Reverse the most recent change (from the TUI or the CLI). None if nothing to undo.

    With ``only_prospect`` (undo inside a card's detail), the change must be an edit of that
    card alone: one that concerns other cards, or that created this card, is refused with
    an InputError saying so, and nothing changes.
    """
    with db.begin() as conn:
        row = conn.execute(
            "SELECT id, label, data FROM journal ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        journal_id, label, data = row
        payload = json.loads(data)
        if "rows" not in payload:
            raise InputError(f"cannot undo {label!r}: its record is in an unknown format")
        rows: dict[str, dict[str, dict[str, Any] | None]] = payload["rows"]
        if only_prospect is not None:
            _check_only(conn, rows, only_prospect, label)
        if payload.get("import_batch"):  # undoing a whole import: forget the batch too
            conn.execute("DELETE FROM importbatch WHERE id = ?", (payload["import_batch"],))
        prospect_ids: list[int] = [int(k) for k in rows.get("prospect", {})]
        # Delete what the change added, children first.
        for table in JOURNAL_TABLES:
            for key, before in rows.get(table, {}).items():
                if before is not None:
                    continue
                if table == "prospect":
                    for child in ("activity", "visit"):
                        conn.execute(
                            f"DELETE FROM {child} WHERE prospect_id = ?", (int(key),)
                        )
                conn.execute(f"DELETE FROM {table} WHERE id = ?", (int(key),))
        # Put back what it changed or deleted, parents first.
        for table in reversed(JOURNAL_TABLES):
            for key, before in rows.get(table, {}).items():
                if before is None:
                    continue
                if "prospect_id" in before and before["prospect_id"] not in prospect_ids:
                    prospect_ids.append(int(before["prospect_id"]))
                cols = [c for c in before if c != "id"]
                exists = conn.execute(
                    f"SELECT 1 FROM {table} WHERE id = ?", (int(key),)
                ).fetchone()
                if exists:
                    conn.execute(
                        f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                        tuple(before[c] for c in cols) + (int(key),),
                    )
                else:
                    conn.execute(
                        f"INSERT INTO {table} (id, {', '.join(cols)}) "
                        f"VALUES (?, {', '.join('?' for _ in cols)})",
                        (int(key), *(before[c] for c in cols)),
                    )
        conn.execute("DELETE FROM journal WHERE id = ?", (journal_id,))
    return UndoResult(label, tuple(prospect_ids))
