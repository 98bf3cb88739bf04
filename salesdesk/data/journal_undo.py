"""Undo: reverse the journal's most recent change (see :mod:`salesdesk.data.journal`,
which writes it), whichever shell made it, keeping what it reversed for redo."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Connection
from typing import Any

from salesdesk.config import system_clock
from salesdesk.data.db import Database
from salesdesk.data.journal import JOURNAL_TABLES, STAMP
from salesdesk.data.sql import fetch_row, refresh_pinyin, sql_timestamp
from salesdesk.data.undo_next import RESTORE_KEPT, RESTORE_MARK, restore_line, restore_mark
from salesdesk.errors import InputError
from salesdesk.rules.pinyin import PINYIN_SOURCES


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
        values = {c: current[c] for c in row.before if c in current and c != STAMP}
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
    values = {c: v for c, v in row.before.items() if c not in ("id", STAMP)}
    values[STAMP] = stamp
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
