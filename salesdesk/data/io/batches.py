"""Import batches: listing them and undoing one (``salesdesk undo-import BATCH``)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from salesdesk.config import system_clock
from salesdesk.data.cards import prospect_row
from salesdesk.data.db import Database, own_connection
from salesdesk.data.journal import forget_redo
from salesdesk.data.sql import sql_timestamp
from salesdesk.errors import NotFound
from salesdesk.rules.fields import FIELD_BY_NAME


@dataclass(frozen=True)
class BatchInfo:
    id: str
    at: datetime
    source: str
    created: int
    updated: int
    remaining: int  # created prospects still in the database


@dataclass(frozen=True)
class UndoImportResult:
    batch: str
    removed: int
    restored: int
    kept: int = 0  # fields edited again after the import, left as they are now


def list_batches(db: Database) -> list[BatchInfo]:
    """Import batches, newest first, with how many of their cards are still there."""
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT b.id, b.at, b.source, b.created, b.updated, "
            "(SELECT count(*) FROM prospect p WHERE p.import_batch = b.id) "
            "FROM importbatch b ORDER BY b.at DESC, b.id DESC"
        ).fetchall()
    return [
        BatchInfo(r[0], datetime.fromisoformat(str(r[1])), r[2], r[3], r[4], r[5]) for r in rows
    ]


def _forget_changes_to(conn: sqlite3.Connection, ids_query: str, batch: str) -> None:
    """Drop undo-journal changes about the cards being removed (logged touches, visits
    planned or changed...): undoing them later would bring a removed card back, fail on a
    missing parent, or undo nothing. Every journal row names its card, so this is one
    indexed look per card. Runs before the cards' rows are deleted."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS gone (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM gone")
    conn.execute(
        "INSERT INTO gone SELECT DISTINCT journal_id FROM journal_row "
        f"WHERE prospect_id IN ({ids_query})",
        (batch,),
    )
    conn.execute("DELETE FROM journal_row WHERE journal_id IN (SELECT id FROM gone)")
    conn.execute("DELETE FROM journal WHERE id IN (SELECT id FROM gone)")
    conn.execute("DELETE FROM gone")


def undo_import(db: Database, batch: str, now: datetime | None = None) -> UndoImportResult:
    """Remove the cards an import created (with their activities and visits), put back the
    fields it changed on existing cards and remove the grade, status and stage changes it
    logged on them. ``batch`` may be ``last``. Fields are put back while the import's
    undo-journal change is kept (the ``journal_keep_days`` setting).

    Children are deleted explicitly, so foreign-key checks are off for this connection:
    with them, each deleted card would scan the whole table for ``previous_id`` links."""
    stamp = sql_timestamp(now or system_clock())
    with own_connection(db, foreign_keys=False) as conn:
        return _undo_import(conn, batch, stamp)


def _undo_import(conn: sqlite3.Connection, batch: str, stamp: str) -> UndoImportResult:
    conn.execute("BEGIN IMMEDIATE")
    try:
        batch = _find_batch(conn, batch)
        journal = conn.execute(
            "SELECT id FROM journal WHERE import_batch = ?", (batch,)
        ).fetchone()
        restored = kept = 0
        if journal is not None:
            restored, kept = _put_back_updates(conn, int(journal[0]), stamp)
        removed = _remove_created(conn, batch, stamp)
        forget_redo(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return UndoImportResult(batch, removed, restored, kept)


def _find_batch(conn: sqlite3.Connection, batch: str) -> str:
    """The batch's id (``last``: the newest); NotFound if there is none."""
    if batch == "last":
        found = conn.execute(
            "SELECT id FROM importbatch ORDER BY at DESC, id DESC LIMIT 1"
        ).fetchone()
        if found is None:
            raise NotFound("no import to undo")
        batch = found[0]
    if not conn.execute("SELECT 1 FROM importbatch WHERE id = ?", (batch,)).fetchone():
        raise NotFound(f"no import batch {batch!r}: run salesdesk undo-import to list them")
    return batch


def _put_back_updates(conn: sqlite3.Connection, journal_id: int, stamp: str) -> tuple[int, int]:
    """Put back the fields the import changed on existing cards, except those edited again
    since, and drop the timeline entries it logged and its undo-journal change. Returns
    (cards restored, fields kept as edited later)."""
    later = _values_after(conn, journal_id)
    restored = kept = 0
    for card, before_text in conn.execute(
        'SELECT row_id, "before" FROM journal_row WHERE journal_id = ? '
        "AND table_name = 'prospect' AND \"before\" IS NOT NULL",
        (journal_id,),
    ).fetchall():
        before = {k: v for k, v in json.loads(before_text).items() if k != "updated_at"}
        edited = later.get(card, {})
        if edited:  # edited again since: those later edits stay
            current = prospect_row(conn, card) or {}
            again = [c for c in before if c in edited and current.get(c) != edited[c]]
            kept += sum(1 for c in again if c in FIELD_BY_NAME)  # (not stamps)
            before = {c: v for c, v in before.items() if c not in again}
        if not before:
            continue
        sets = ", ".join(f"{c} = ?" for c in before)
        cursor = conn.execute(
            f"UPDATE prospect SET {sets}, updated_at = ? WHERE id = ?",
            (*before.values(), stamp, card),
        )
        restored += cursor.rowcount
    # The grade, status and stage changes it logged on existing cards go too.
    conn.execute(
        "DELETE FROM activity WHERE id IN (SELECT row_id FROM journal_row "
        "WHERE journal_id = ? AND table_name = 'activity' AND \"before\" IS NULL)",
        (journal_id,),
    )
    conn.execute(  # the further phones and emails it gave cards that were there before
        "DELETE FROM contact_point WHERE id IN (SELECT row_id FROM journal_row "
        "WHERE journal_id = ? AND table_name = 'contact_point' AND \"before\" IS NULL)",
        (journal_id,),
    )
    conn.execute("DELETE FROM journal_row WHERE journal_id = ?", (journal_id,))
    conn.execute("DELETE FROM journal WHERE id = ?", (journal_id,))
    return restored, kept


def _remove_created(conn: sqlite3.Connection, batch: str, stamp: str) -> int:
    """Delete the cards the import created, their children and links, and the batch."""
    ids = "SELECT id FROM prospect WHERE import_batch = ?"
    _forget_changes_to(conn, ids, batch)
    conn.execute(f"DELETE FROM activity WHERE prospect_id IN ({ids})", (batch,))
    conn.execute(
        f"UPDATE activity SET visit_id = NULL, updated_at = ? WHERE visit_id IN "
        f"(SELECT id FROM visit WHERE prospect_id IN ({ids}))",
        (stamp, batch),
    )
    conn.execute(f"DELETE FROM visit WHERE prospect_id IN ({ids})", (batch,))
    conn.execute(f"DELETE FROM contact_point WHERE prospect_id IN ({ids})", (batch,))
    conn.execute(f"DELETE FROM complaint WHERE prospect_id IN ({ids})", (batch,))
    conn.execute(
        f"UPDATE prospect SET previous_id = NULL, updated_at = ? WHERE previous_id IN ({ids})",
        (stamp, batch),
    )
    removed = int(conn.execute("DELETE FROM prospect WHERE import_batch = ?", (batch,)).rowcount)
    conn.execute("DELETE FROM importbatch WHERE id = ?", (batch,))
    return removed


def _values_after(conn: sqlite3.Connection, journal_id: int) -> dict[int, dict[str, Any]]:
    """For each card the import changed and a later change changed again: the value each
    column had as the import left it (the first later before-image holding the column)."""
    found: dict[int, dict[str, Any]] = {}
    for card, before in conn.execute(
        'SELECT r.row_id, r."before" FROM journal_row r WHERE r.journal_id > ? '
        "AND r.table_name = 'prospect' AND r.\"before\" IS NOT NULL AND r.row_id IN ("
        "SELECT row_id FROM journal_row WHERE journal_id = ? AND table_name = 'prospect' "
        "AND \"before\" IS NOT NULL) ORDER BY r.journal_id",
        (journal_id, journal_id),
    ):
        values = found.setdefault(int(card), {})
        for column, value in json.loads(before).items():
            values.setdefault(column, value)
    return found


def record_batch(
    conn: sqlite3.Connection,
    batch: str,
    now: datetime,
    source: Path,
    created: int,
    updated: int,
    first_activity: int | None,
    first_point: int,
    first_new_id: int,
) -> None:
    """An import's batch and its one undo entry, built by SQLite from the rows themselves:
    one row per card it created (undo deletes them) or updated (undo puts back the columns
    it changed), per timeline entry it logged (``first_activity`` on) and per contact
    point it gave a card that was there before; no list of ids is ever held in Python."""
    from salesdesk.data.journal import forget_redo, prune

    stamp = sql_timestamp(now)
    conn.execute(
        "INSERT INTO importbatch (id, at, source, created, updated) VALUES (?, ?, ?, ?, ?)",
        (batch, stamp, str(source), created, updated),
    )
    cursor = conn.execute(
        "INSERT INTO journal (at, label, import_batch) VALUES (?, ?, ?)",
        (stamp, f"import {source.name} (batch {batch})", batch),
    )
    journal = int(cursor.lastrowid or 0)
    recorded = getattr(conn, "recorded", None)
    if recorded is not None:  # the board's own import: its undo and redo know it
        recorded.add(journal)
    conn.execute(
        """INSERT INTO journal_row (journal_id, table_name, row_id, prospect_id, "before")
        SELECT ?, 'prospect', id, id, NULL FROM prospect WHERE import_batch = ?
        UNION ALL SELECT ?, 'prospect', id, id, before FROM temp.sd_import_before""",
        (journal, batch, journal),
    )
    conn.execute(
        'INSERT INTO journal_row (journal_id, table_name, row_id, prospect_id, "before")'
        " SELECT ?, 'contact_point', id, prospect_id, NULL FROM contact_point"
        " WHERE id >= ? AND prospect_id < ?",
        (journal, first_point, first_new_id),
    )
    if first_activity is not None:
        conn.execute(
            'INSERT INTO journal_row (journal_id, table_name, row_id, prospect_id, "before")'
            " SELECT ?, 'activity', id, prospect_id, NULL FROM activity WHERE id >= ?",
            (journal, first_activity),
        )
    prune(conn, now)
    forget_redo(conn)
