"""The mark a restore leaves: the restored book's newest undo-journal entry and where the
book before it is kept, so the first undo after a restore says that a restore cannot be
undone (and names the way back) instead of reversing a change inside the restored book.
Two ``setting`` rows, written by :func:`salesdesk.data.backup.restore_database`."""

from __future__ import annotations

from sqlite3 import Connection

#: Set by a restore (two ``setting`` rows, replaced by the next restore): the
#: newest journal entry the restored book came with, and where the book before it is kept.
RESTORE_MARK = "restored_journal"
RESTORE_KEPT = "restored_kept"


def restore_mark(conn: Connection) -> tuple[int, str] | None:
    rows = dict(conn.execute(
        "SELECT key, value FROM setting WHERE key IN (?, ?)", (RESTORE_MARK, RESTORE_KEPT)
    ).fetchall())
    if RESTORE_MARK not in rows:
        return None
    try:
        return int(rows[RESTORE_MARK]), str(rows.get(RESTORE_KEPT) or "")
    except ValueError:
        return None


def mark_restore(conn: Connection, kept: str) -> None:
    """After a restore: the first undo says a restore cannot be undone (the book kept
    before it is the way back) instead of reversing a change inside the restored book."""
    newest = conn.execute("SELECT coalesce(max(id), 0) FROM journal").fetchone()[0]
    conn.executemany(
        "INSERT INTO setting (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [(RESTORE_MARK, str(int(newest))), (RESTORE_KEPT, kept)],
    )


def restore_line(kept: str) -> str:
    back = (
        f": to go back, restore the copy kept before it (salesdesk restore {kept})"
        if kept else ""
    )
    return (
        f"the last change was a restore, which undo cannot reverse{back}. Press undo again "
        "to undo changes inside the restored book"
    )
