"""Redo, and what the next undos would reverse.

:func:`salesdesk.data.journal_undo.undo` keeps what it reversed in ``redo`` / ``redo_row``
(the rows as undo found them); :func:`redo` writes them back as a new change, so the redo
itself can be undone again. Any other change empties the redo list. :func:`undo_history`
reads the journal newest first for ``salesdesk undo --list``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from salesdesk.config import system_clock
from salesdesk.data.db import Database
from salesdesk.data.journal import JOURNAL_TABLES, Change
from salesdesk.data.journal_undo import UndoResult

_STAMP = "updated_at"


def next_redo(db: Database) -> str | None:
    """The label of what :func:`redo` would put back (None: nothing to redo)."""
    with db.connect() as conn:
        row = conn.execute("SELECT label FROM redo ORDER BY id DESC LIMIT 1").fetchone()
    return str(row[0]) if row is not None else None


def redo(db: Database, now: datetime | None = None) -> UndoResult | None:
    """Put back what the last undo reversed, as a new change (undo reverses it again).
    None if there is nothing to redo."""
    moment = now or system_clock()
    with db.begin() as conn:
        entry = conn.execute(
            "SELECT id, label, import_batch FROM redo ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if entry is None:
            return None
        redo_id, label, batch = entry
        rows = [
            (table, int(row_id), owner, json.loads(after) if after is not None else None)
            for table, row_id, owner, after in conn.execute(
                'SELECT table_name, row_id, prospect_id, "after" FROM redo_row '
                "WHERE redo_id = ? ORDER BY id",
                (redo_id,),
            )
        ]
        change = Change(conn, moment, label)
        for table in JOURNAL_TABLES:  # children first: deletions
            for name, row_id, _owner, after in rows:
                if name == table and after is None:
                    change.delete_row(table, row_id)
        for table in reversed(JOURNAL_TABLES):  # parents first: rows back, then edits
            for name, row_id, _owner, after in rows:
                if name != table or after is None:
                    continue
                values: dict[str, Any] = {k: v for k, v in after.items() if k != _STAMP}
                if change.raw(table, row_id) is None:
                    change.insert(table, values)
                else:
                    values.pop("id", None)
                    change.update_row(table, row_id, values)
        journal_id = change.record(keep_redo=True)
        if batch:  # a redone import: its batch again, so undo-import finds it
            kept = json.loads(batch)
            conn.execute(
                "INSERT OR IGNORE INTO importbatch (id, at, source, created, updated) "
                "VALUES (?, ?, ?, ?, ?)",
                (kept["id"], kept["at"], kept["source"], kept["created"], kept["updated"]),
            )
            conn.execute(
                "UPDATE journal SET import_batch = ? WHERE id = ?", (kept["id"], journal_id)
            )
        conn.execute("DELETE FROM redo_row WHERE redo_id = ?", (redo_id,))
        conn.execute("DELETE FROM redo WHERE id = ?", (redo_id,))
    cards = dict.fromkeys(owner for _t, _r, owner, _a in rows if owner is not None)
    return UndoResult(str(label), tuple(cards))


@dataclass(frozen=True)
class HistoryEntry:
    """One change the undos would reverse: when, what, and a few lines on what it did."""

    at: datetime
    label: str
    lines: tuple[str, ...]


#: Cards named per change in ``undo --list`` (the rest are counted).
NAMED_CARDS = 3


def undo_history(db: Database, limit: int = 5) -> list[HistoryEntry]:
    """The next ``limit`` changes undo would reverse, newest first, each with a few lines:
    the cards it added or changed (and which fields), and its timeline entries and visits."""
    entries = []
    with db.connect() as conn:
        for journal_id, at, label in conn.execute(
            "SELECT id, at, label FROM journal ORDER BY id DESC LIMIT ?", (max(1, limit),)
        ).fetchall():
            lines: list[str] = []
            cards = conn.execute(
                'SELECT r.row_id, p.name, r."before" FROM journal_row r '
                "LEFT JOIN prospect p ON p.id = r.row_id "
                "WHERE r.journal_id = ? AND r.table_name = 'prospect' ORDER BY r.id LIMIT ?",
                (journal_id, NAMED_CARDS + 1),
            ).fetchall()
            for row_id, name, before in cards[:NAMED_CARDS]:
                who = f"{name or '(removed)'} (#{row_id})"
                if before is None:
                    lines.append(f"adds {who}")
                else:
                    fields = [c.replace("_", " ") for c in json.loads(before)
                              if c not in (_STAMP, "pinyin_key")]
                    lines.append(f"changes {who}: {', '.join(fields) or 'nothing'}")
            counts = dict(
                ((table, added), count)
                for table, added, count in conn.execute(
                    'SELECT table_name, "before" IS NULL, count(*) FROM journal_row '
                    "WHERE journal_id = ? GROUP BY 1, 2",
                    (journal_id,),
                )
            )
            more = sum(n for (t, _a), n in counts.items() if t == "prospect") - NAMED_CARDS
            if more > 0:
                lines.append(f"… and {more:,} more card{'s' if more != 1 else ''}")
            extra = []
            for table, word in (("activity", "timeline entr"), ("visit", "visit")):
                total = counts.get((table, 1), 0) + counts.get((table, 0), 0)
                if total:
                    plural = ("y", "ies") if table == "activity" else ("", "s")
                    extra.append(f"{total:,} {word}{plural[total != 1]}")
            if extra:
                lines.append("with " + ", ".join(extra))
            entries.append(HistoryEntry(datetime.fromisoformat(at), str(label), tuple(lines)))
    return entries
