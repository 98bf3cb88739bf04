"""A check-out for the road: the rep's own book copied from the server into an SQLite file,
worked on offline as any file, and checked in later.

The file remembers where it came from (``sd_checkout``) and each row's ``updated_at`` as
it was checked out (``sd_checkout_base``, by UUID). Check-in sends each card, activity and
visit changed or added since, matched by UUID: a row the server still has as it was is
updated (or a new one added, its parent found by UUID, the server giving the id); a row
changed on both sides is a conflict: neither side is overwritten, both versions are kept
in ``sd_conflict`` (``salesdesk conflicts``) for the rep to choose. Each row sent becomes
the new base, so running check-in again sends nothing. Contact points, which have no UUID,
go both ways by card, kind and value (:mod:`salesdesk.data.checkout_points`).

A row removed here since the check-out (an undone add, a card's entries going with it) is
removed on the server too, children first, when the server still has it as it was and
nothing of the server's own hangs on it; otherwise it is a conflict (``mine`` empty: gone
here), settled like the others (``--keep theirs`` puts the server's row back in the file).
The undo journal stays local.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from salesdesk.data.book_copy import columns, copy_book
from salesdesk.data.checkout_points import PointsResult, base_rows, sync_points
from salesdesk.data.db import Database, open_database
from salesdesk.data.sql import sql_timestamp
from salesdesk.errors import InputError, NotFound

#: What a check-in sends, parents first.
SYNCED = ("prospect", "complaint", "visit", "activity")
#: Columns that name a parent row by id (mapped through UUIDs between the two databases).
PARENTS = {"prospect_id": "prospect", "visit_id": "visit", "previous_id": "prospect"}
_LOCAL = (
    "CREATE TABLE IF NOT EXISTS sd_checkout (url TEXT NOT NULL, at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sd_checkout_base (table_name TEXT NOT NULL, uuid TEXT NOT "
    "NULL, updated_at TEXT NOT NULL, PRIMARY KEY (table_name, uuid))",
    "CREATE TABLE IF NOT EXISTS sd_conflict (id INTEGER PRIMARY KEY, table_name TEXT NOT "
    "NULL, uuid TEXT NOT NULL, mine TEXT NOT NULL, theirs TEXT NOT NULL, at TEXT NOT NULL, "
    "UNIQUE (table_name, uuid))",
)


@dataclass
class CheckinResult:
    sent: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SYNCED, 0))
    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SYNCED, 0))
    deleted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SYNCED, 0))
    conflicts: int = 0
    #: The cards' further phones and emails (matched by card, kind and value).
    points: PointsResult = field(default_factory=PointsResult)


@dataclass(frozen=True)
class Conflict:
    id: int
    table: str
    uuid: str
    mine: dict[str, Any]
    theirs: dict[str, Any]
    at: str


def checkout(server: Database, target: Database, url: str, now: datetime,
             progress: Callable[[int, int], None] | None = None) -> int:
    """Copy what ``server`` shows this rep into the empty file ``target``; returns rows."""
    copied = copy_book(server, target, progress)
    with target.bulk() as conn:
        for statement in _LOCAL:
            conn.execute(statement)
        conn.execute("DELETE FROM sd_checkout")
        conn.execute("INSERT INTO sd_checkout VALUES (?, ?)", (url, sql_timestamp(now)))
        for table in SYNCED:
            conn.execute(
                "INSERT OR REPLACE INTO sd_checkout_base "
                f"SELECT '{table}', uuid, updated_at FROM {table}"
            )
        conn.executemany("INSERT OR REPLACE INTO sd_checkout_base VALUES (?, ?, ?)",
                         base_rows(conn))
    return copied


def checked_out_from(local: Database) -> str:
    """The server URL this file was checked out from; InputError if it was not."""
    with local.connect() as conn:
        found = conn.execute(
            "SELECT name FROM sqlite_master WHERE name = 'sd_checkout'").fetchone()
        row = conn.execute("SELECT url FROM sd_checkout").fetchone() if found else None
    if row is None:
        raise InputError(f"{local.describe()} is not a check-out: make one with salesdesk "
                         "checkout URL --to FILE")
    return str(row[0])


def checkout_source(local: Database) -> str:
    """The server URL this file was checked out from, '' when it is not a check-out (a
    plain file, or a server itself)."""
    if local.is_postgres:
        return ""
    try:
        return checked_out_from(local)
    except InputError:
        return ""


def _rows(conn: Any, table: str, cols: list[str], where: str = "",
          params: tuple[Any, ...] = ()) -> dict[str, dict[str, Any]]:
    cursor = conn.execute(f"SELECT {', '.join(cols)} FROM {table} {where}", params)
    return {str(r[cols.index("uuid")]): dict(zip(cols, r, strict=True)) for r in cursor}


def checkin(local: Database, now: datetime) -> CheckinResult:
    """Send what changed in ``local`` since its check-out to its server (see the module)."""
    url = checked_out_from(local)
    server = open_database(url)
    result = CheckinResult()
    try:
        with local.bulk() as mine, server.begin() as theirs:
            base = {(t, u): at for t, u, at in mine.execute(
                "SELECT table_name, uuid, updated_at FROM sd_checkout_base").fetchall()}
            ids: dict[tuple[str, int], int] = {}  # (table, local id) -> server id
            for table in SYNCED:
                _send_table(mine, theirs, table, base, ids, result, now)
            result.points = sync_points(mine, theirs, base)  # before cards go
            for table in reversed(SYNCED):  # children before their parents
                _send_deletions(mine, theirs, table, base, result, now)
    finally:
        server.close()
    return result


def _server_id(theirs: Any, mine: Any, table: str, local_id: int | None,
               ids: dict[tuple[str, int], int]) -> int | None:
    if local_id is None:
        return None
    if (table, local_id) in ids:
        return ids[(table, local_id)]
    row = mine.execute(f"SELECT uuid FROM {table} WHERE id = ?", (local_id,)).fetchone()
    found = theirs.execute(f"SELECT id FROM {table} WHERE uuid = ?", (row[0],)).fetchone() \
        if row else None
    if found is None:
        return None
    ids[(table, local_id)] = int(found[0])
    return int(found[0])


def _send_table(mine: Any, theirs: Any, table: str, base: dict[tuple[str, str], str],
                ids: dict[tuple[str, int], int], result: CheckinResult, now: datetime) -> None:
    shared = [c for c in columns(mine, table) if c in set(columns(theirs, table))]
    local = _rows(mine, table, shared)
    changed = {u: r for u, r in local.items() if base.get((table, u)) != r["updated_at"]}
    if not changed:
        return
    marks = ", ".join("?" for _ in changed)
    remote = _rows(theirs, table, shared, f"WHERE uuid IN ({marks})", tuple(changed))
    values_cols = [c for c in shared if c != "id"]
    for uuid, row in changed.items():
        values = {c: row[c] for c in values_cols}
        for col, parent in PARENTS.items():
            if col in values and values[col] is not None:
                values[col] = _server_id(theirs, mine, parent, values[col], ids)
        there = remote.get(uuid)
        if there is None and (table, uuid) not in base:  # new here: add it there
            names = ", ".join(f'"{c}"' for c in values)
            theirs.execute(f"INSERT INTO {table} ({names}) VALUES "
                           f"({', '.join('?' for _ in values)})", tuple(values.values()))
            new_id = theirs.execute(f"SELECT id FROM {table} WHERE uuid = ?",
                                    (uuid,)).fetchone()[0]
            ids[(table, int(row["id"]))] = int(new_id)
            result.added[table] += 1
        elif there is not None and there["updated_at"] == base.get((table, uuid)):
            sets = ", ".join(f'"{c}" = ?' for c in values)
            theirs.execute(f"UPDATE {table} SET {sets} WHERE uuid = ?",
                           (*values.values(), uuid))
            result.sent[table] += 1
        else:  # changed on both sides (or gone there): keep both, overwrite neither
            _keep_conflict(mine, table, uuid, row, there or {}, now)
            result.conflicts += 1
            continue
        mine.execute("INSERT OR REPLACE INTO sd_checkout_base VALUES (?, ?, ?)",
                     (table, uuid, row["updated_at"]))


#: The rows that name a row of each table as their parent: (table, column).
_CHILDREN = {
    "prospect": (("activity", "prospect_id"), ("visit", "prospect_id"),
                 ("complaint", "prospect_id"), ("contact_point", "prospect_id"),
                 ("prospect", "previous_id")),
    "visit": (("activity", "visit_id"),),
}


def _keep_conflict(mine: Any, table: str, uuid: str, row: dict[str, Any],
                   there: dict[str, Any], now: datetime) -> None:
    mine.execute(
        "INSERT INTO sd_conflict (table_name, uuid, mine, theirs, at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (table_name, uuid) DO UPDATE SET "
        "mine = excluded.mine, theirs = excluded.theirs",
        (table, uuid, json.dumps(row, ensure_ascii=False, default=str),
         json.dumps(there, ensure_ascii=False, default=str), sql_timestamp(now)))


def _send_deletions(mine: Any, theirs: Any, table: str, base: dict[tuple[str, str], str],
                    result: CheckinResult, now: datetime) -> None:
    """Remove on the server what was removed here (see the module)."""
    here = {str(r[0]) for r in mine.execute(f"SELECT uuid FROM {table}")}
    gone = [u for (t, u) in base if t == table and u not in here]
    if not gone:
        return
    shared = [c for c in columns(theirs, table) if c in set(columns(mine, table))]
    for uuid in gone:
        there = _rows(theirs, table, shared, "WHERE uuid = ?", (uuid,)).get(uuid)
        if there is not None and there["updated_at"] == base[(table, uuid)] \
                and not _has_children(theirs, table, int(there["id"])):
            theirs.execute(f"DELETE FROM {table} WHERE uuid = ?", (uuid,))
            result.deleted[table] += 1
        elif there is not None:  # changed there since, or the server's rows hang on it
            there["_parents"] = {col: _uuid_of(theirs, PARENTS[col], there[col])
                                 for col in PARENTS if there.get(col) is not None}
            _keep_conflict(mine, table, uuid, {}, there, now)
            result.conflicts += 1
            continue
        mine.execute("DELETE FROM sd_checkout_base WHERE table_name = ? AND uuid = ?",
                     (table, uuid))


def _has_children(theirs: Any, table: str, row_id: int) -> bool:
    return any(
        theirs.execute(f"SELECT 1 FROM {child} WHERE {column} = ? LIMIT 1",
                       (row_id,)).fetchone() is not None
        for child, column in _CHILDREN.get(table, ()))


def _uuid_of(conn: Any, table: str, row_id: int) -> str | None:
    found = conn.execute(f"SELECT uuid FROM {table} WHERE id = ?", (row_id,)).fetchone()
    return str(found[0]) if found else None


def _put_back(conn: Any, conflict: Conflict) -> None:
    """``--keep theirs`` on a row gone here: the server's row again, its parents found by
    UUID (a parent gone here too is put back first: its own conflict)."""
    theirs = conflict.theirs
    values = {c: theirs[c] for c in columns(conn, conflict.table)
              if c in theirs and c != "id"}
    for col, parent_uuid in theirs.get("_parents", {}).items():
        found = conn.execute(f"SELECT id FROM {PARENTS[col]} WHERE uuid = ?",
                             (parent_uuid,)).fetchone()
        if found is None:
            raise InputError(f"conflict {conflict.id}: its {PARENTS[col]} is not in this file "
                             "either; keep theirs for that one first (salesdesk conflicts)")
        values[col] = int(found[0])
    names = ", ".join(f'"{c}"' for c in values)
    conn.execute(f"INSERT INTO {conflict.table} ({names}) VALUES "
                 f"({', '.join('?' for _ in values)})", tuple(values.values()))


def conflicts(local: Database) -> list[Conflict]:
    """The rows changed on both sides, both versions, oldest first."""
    checked_out_from(local)
    with local.connect() as conn:
        rows = conn.execute("SELECT id, table_name, uuid, mine, theirs, at FROM sd_conflict "
                            "ORDER BY id").fetchall()
    return [Conflict(int(i), t, u, json.loads(m), json.loads(th), a)
            for i, t, u, m, th, a in rows]


def resolve(local: Database, conflict_id: int, keep: str, now: datetime) -> Conflict:
    """Settle one conflict: ``mine`` (the next check-in sends this file's version over
    the server's) or ``theirs`` (this file takes the server's version)."""
    if keep not in ("mine", "theirs"):
        raise InputError(f"invalid choice {keep!r}: use mine or theirs")
    found = [c for c in conflicts(local) if c.id == conflict_id]
    if not found:
        raise NotFound(f"no conflict {conflict_id}: salesdesk conflicts lists them")
    conflict = found[0]
    theirs = conflict.theirs
    with local.bulk() as conn:
        if keep == "mine" and theirs:
            # The server's version becomes the base: the next check-in sends this one.
            conn.execute("INSERT OR REPLACE INTO sd_checkout_base VALUES (?, ?, ?)",
                         (conflict.table, conflict.uuid, theirs["updated_at"]))
            conn.execute(f"UPDATE {conflict.table} SET updated_at = ? WHERE uuid = ?",
                         (sql_timestamp(now), conflict.uuid))
        elif keep == "theirs" and theirs and not conflict.mine:
            _put_back(conn, conflict)
            conn.execute("INSERT OR REPLACE INTO sd_checkout_base VALUES (?, ?, ?)",
                         (conflict.table, conflict.uuid, theirs["updated_at"]))
        elif keep == "theirs" and theirs:
            cols = [c for c in theirs if c in set(columns(conn, conflict.table))
                    and c not in ("id", *PARENTS)]
            sets = ", ".join(f'"{c}" = ?' for c in cols)
            conn.execute(f"UPDATE {conflict.table} SET {sets} WHERE uuid = ?",
                         (*[theirs[c] for c in cols], conflict.uuid))
            conn.execute("INSERT OR REPLACE INTO sd_checkout_base VALUES (?, ?, ?)",
                         (conflict.table, conflict.uuid, theirs["updated_at"]))
        conn.execute("DELETE FROM sd_conflict WHERE id = ?", (conflict_id,))
    return conflict
