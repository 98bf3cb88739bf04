"""The import's duplicate check: the keys (phone, email, name and company) of every card
already there and of every row taken so far, in a temporary SQLite table on the import's
connection, so memory grows neither with the file nor with the database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from salesdesk.data.io.values import duplicate_keys


class DuplicateKeys:
    """The key table of one import run (gone when its connection closes).

    Keys are stored as their 64-bit hash (this process's ``hash()``: the table lives only
    for this run): an integer key is several times faster to insert and look up.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.pending: list[tuple[int, int, int]] = []

    def load(self) -> None:
        """Create the table and fill it with the keys of every card in the database."""
        conn = self.conn
        conn.execute(
            "CREATE TEMP TABLE sd_import_keys (key INTEGER PRIMARY KEY, prospect_id INTEGER NOT "
            "NULL, row INTEGER)"
        )
        cursor = conn.execute("SELECT id, phone, email, name, company FROM prospect ORDER BY id")
        while rows := cursor.fetchmany(5_000):
            conn.executemany(
                "INSERT OR IGNORE INTO temp.sd_import_keys VALUES (?, ?, NULL)",
                [(hash(k), r[0]) for r in rows for k in duplicate_keys(r[1], r[2], r[3], r[4])],
            )

    def lookup(self, keys: Iterable[str]) -> dict[str, tuple[int, int | None]]:
        """The card each known key belongs to: its id, and the file's row when this import
        made it (None: it was there before)."""
        by_hash = {hash(key): key for key in keys}
        hashes = list(by_hash)
        found: dict[str, tuple[int, int | None]] = {}
        for start in range(0, len(hashes), 900):
            part = hashes[start : start + 900]
            marks = ", ".join("?" * len(part))
            for key, pid, row in self.conn.execute(
                f"SELECT key, prospect_id, row FROM temp.sd_import_keys WHERE key IN ({marks})",
                part,
            ):
                found[by_hash[key]] = (pid, row)
        return found

    def add(self, key: str, prospect_id: int, row: int) -> None:
        """Remember a key of a card this import creates (written by :meth:`flush`)."""
        self.pending.append((hash(key), prospect_id, row))

    def flush(self) -> None:
        if self.pending:
            self.conn.executemany(
                "INSERT OR IGNORE INTO temp.sd_import_keys VALUES (?, ?, ?)", self.pending
            )
            self.pending.clear()
