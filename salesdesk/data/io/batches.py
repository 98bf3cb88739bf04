"""Import batches: listing them and undoing one (``salesdesk undo-import BATCH``)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from salesdesk.data.cards import prospect_row
from salesdesk.data.db import Database, open_connection
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
    """Drop undo-journal entries about the cards being removed (logged touches, visits
    planned or changed...): undoing them later would bring a removed card back, fail on a
    missing parent, or undo nothing. Runs before the cards' rows are deleted."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS gone (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM gone")
    conn.execute(f"INSERT INTO gone {ids_query}", (batch,))
    conn.execute(
        """DELETE FROM journal WHERE id IN (
            SELECT j.id FROM journal j, json_each(j.data, '$.rows.prospect') e
            WHERE json_valid(j.data) AND CAST(e.key AS INTEGER) IN (SELECT id FROM gone)
            UNION
            SELECT j.id FROM journal j, json_each(j.data, '$.rows.activity') e
            WHERE json_valid(j.data)
              AND json_extract(e.value, '$.prospect_id') IN (SELECT id FROM gone)
            UNION
            SELECT j.id FROM journal j, json_each(j.data, '$.rows.visit') e
            WHERE json_valid(j.data)
              AND json_extract(e.value, '$.prospect_id') IN (SELECT id FROM gone)
            UNION
            SELECT j.id FROM journal j, json_each(j.data, '$.rows.activity') e
            WHERE json_valid(j.data) AND e.type = 'null' AND CAST(e.key AS INTEGER) IN (
                SELECT id FROM activity WHERE prospect_id IN (SELECT id FROM gone))
            UNION
            SELECT j.id FROM journal j, json_each(j.data, '$.rows.visit') e
            WHERE json_valid(j.data) AND e.type = 'null' AND CAST(e.key AS INTEGER) IN (
                SELECT id FROM visit WHERE prospect_id IN (SELECT id FROM gone)))"""
    )
    conn.execute("DELETE FROM gone")


def undo_import(db: Database, batch: str) -> UndoImportResult:
    """Remove the cards an import created (with their activities and visits), put back the
    fields it changed on existing cards and remove the grade, status and stage changes it
    logged on them. ``batch`` may be ``last``.

    Children are deleted explicitly, so foreign-key checks are off for this connection:
    with them, each deleted card would scan the whole table for ``previous_id`` links."""
    conn = open_connection(db.path, foreign_keys=False, shared=True)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            batch = _find_batch(conn, batch)
            journal = conn.execute(
                "SELECT id, data FROM journal WHERE json_valid(data) "
                "AND json_extract(data, '$.import_batch') = ?",
                (batch,),
            ).fetchone()
            restored = kept = 0
            if journal is not None:
                restored, kept = _put_back_updates(conn, int(journal[0]), journal[1])
            removed = _remove_created(conn, batch)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    finally:
        conn.close()
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


def _put_back_updates(conn: sqlite3.Connection, journal_id: int, data_text: str) -> tuple[int, int]:
    """Put back the fields the import changed on existing cards, except those edited again
    since, and drop the timeline entries it logged and its undo entry. Returns (fields
    restored, fields kept as edited later)."""
    data = json.loads(data_text)
    befores = data.get("rows", {}).get("prospect", {})
    fields = data.get("import_fields", {})
    after = _states_after(conn, journal_id, set(fields))
    restored = kept = 0
    for key, columns in fields.items():
        before = befores.get(key)
        columns = [c for c in columns if before and c in before]
        if key in after:  # edited again since: those later edits stay
            current = prospect_row(conn, int(key)) or {}
            later = [c for c in columns if current.get(c) != after[key].get(c)]
            kept += sum(1 for c in later if c in FIELD_BY_NAME)  # (not stamps)
            columns = [c for c in columns if c not in later]
        if not columns:
            continue
        sets = ", ".join(f"{c} = ?" for c in columns)
        cursor = conn.execute(
            f"UPDATE prospect SET {sets} WHERE id = ?",
            (*(before[c] for c in columns), int(key)),
        )
        restored += cursor.rowcount
    # The grade, status and stage changes it logged on existing cards go too.
    conn.execute(
        "DELETE FROM activity WHERE id IN (SELECT CAST(key AS INTEGER) "
        "FROM json_each(?, '$.rows.activity'))",
        (data_text,),
    )
    conn.execute("DELETE FROM journal WHERE id = ?", (journal_id,))
    return restored, kept


def _remove_created(conn: sqlite3.Connection, batch: str) -> int:
    """Delete the cards the import created, their children and links, and the batch."""
    ids = "SELECT id FROM prospect WHERE import_batch = ?"
    _forget_changes_to(conn, ids, batch)
    conn.execute(f"DELETE FROM activity WHERE prospect_id IN ({ids})", (batch,))
    conn.execute(
        f"UPDATE activity SET visit_id = NULL WHERE visit_id IN "
        f"(SELECT id FROM visit WHERE prospect_id IN ({ids}))",
        (batch,),
    )
    conn.execute(f"DELETE FROM visit WHERE prospect_id IN ({ids})", (batch,))
    conn.execute(
        f"UPDATE prospect SET previous_id = NULL WHERE previous_id IN ({ids})", (batch,)
    )
    removed = int(conn.execute("DELETE FROM prospect WHERE import_batch = ?", (batch,)).rowcount)
    conn.execute("DELETE FROM importbatch WHERE id = ?", (batch,))
    return removed


def _states_after(
    conn: sqlite3.Connection, journal_id: int, keys: set[str]
) -> dict[str, dict[str, Any]]:
    """For each card (by id text) changed again after the import, the card as the import
    left it: the before-image of the first later change to it."""
    found: dict[str, dict[str, Any]] = {}
    later = conn.execute("SELECT data FROM journal WHERE id > ? ORDER BY id", (journal_id,))
    for (data,) in later:
        for key, before in json.loads(data).get("rows", {}).get("prospect", {}).items():
            if before is not None and key in keys and key not in found:
                found[key] = before
    return found

