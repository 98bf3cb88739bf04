"""What undo would do next, for a shell to say before it does (:func:`next_undo`), and the
mark a restore leaves: the restored book's newest undo-journal entry and where the book
before it is kept, so the first undo after a restore says that a restore cannot be undone
(and names the way back) instead of reversing a change inside the restored book. The mark
is two ``setting`` rows, written by :func:`salesdesk.data.backup.restore_database`."""

from __future__ import annotations

from dataclasses import dataclass
from sqlite3 import Connection

from salesdesk.data.db import Database

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


@dataclass(frozen=True)
class NextUndo:
    """What ``undo`` would reverse next, for the board to say before it does."""

    journal_id: int
    label: str
    import_batch: str | None
    cards: int  # how many cards it touches
    ours: bool  # made by this program (this Database's pool)
    restore: bool  # the newest change is the restore itself: undo says so, and stops

    @property
    def large(self) -> bool:
        """An import or a change of more than one card: the board asks first."""
        return bool(self.import_batch) or self.cards > 1


def next_undo(db: Database) -> NextUndo | None:
    """The change ``undo`` would reverse next (None: nothing to undo)."""
    with db.connect() as conn:
        row = conn.execute(
            "SELECT id, label, import_batch FROM journal ORDER BY id DESC LIMIT 1"
        ).fetchone()
        mark = restore_mark(conn)
        if row is None:
            if mark is not None:
                return NextUndo(0, "restore", None, 0, False, True)
            return None
        journal_id, label, batch = int(row[0]), str(row[1]), row[2]
        cards = int(conn.execute(
            "SELECT count(DISTINCT prospect_id) FROM journal_row WHERE journal_id = ?",
            (journal_id,),
        ).fetchone()[0])
    restore = mark is not None and journal_id <= mark[0]
    return NextUndo(journal_id, label, batch, cards, journal_id in db.recorded, restore)
