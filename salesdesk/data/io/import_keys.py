"""The import's duplicate check: the keys (:func:`~salesdesk.data.io.matching.card_keys`)
of every card already there and of every row taken so far, in a temporary SQLite table on
the import's connection, so memory grows neither with the file nor with the database.
Each key remembers its card's folded name and whether it has a phone or email, which is
what :func:`~salesdesk.data.io.matching.judge` needs."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from salesdesk.data.io.matching import Who, card_keys, name_fold

#: A key's card: its id, the file's row when this import made it (None: there before),
#: and what the rule needs.
Hit = tuple[int, int | None, Who]


class DuplicateKeys:
    """The key table of one import run (gone when its connection closes).

    Keys are stored as their 64-bit hash (this process's ``hash()``: the table lives only
    for this run): an integer key is several times faster to insert and look up.
    """

    def __init__(self, conn: sqlite3.Connection, region: str = "CN") -> None:
        self.conn = conn
        self.region = region
        self.pending: list[tuple[int, int, int, str, int]] = []

    def load(self) -> None:
        """Create the table and fill it with the keys of every card in the database."""
        conn, region = self.conn, self.region
        conn.execute(
            "CREATE TEMP TABLE sd_import_keys (key INTEGER PRIMARY KEY, prospect_id INTEGER "
            "NOT NULL, row INTEGER, name TEXT NOT NULL, contact INTEGER NOT NULL)"
        )
        cursor = conn.execute(
            "SELECT id, phone, email, name, company, (phone != '' OR email != '') "
            "FROM prospect ORDER BY id"
        )
        while rows := cursor.fetchmany(5_000):
            conn.executemany(
                "INSERT OR IGNORE INTO temp.sd_import_keys VALUES (?, ?, NULL, ?, ?)",
                [
                    (hash(k), r[0], name_fold(r[3]), r[5])
                    for r in rows
                    for k in card_keys(r[3], r[4], (r[1],), (r[2],), region)
                ],
            )
        cursor = conn.execute(
            "SELECT c.prospect_id, c.kind, c.value, p.name, 1 FROM contact_point c "
            "JOIN prospect p ON p.id = c.prospect_id"
        )
        while points := cursor.fetchmany(5_000):
            conn.executemany(
                "INSERT OR IGNORE INTO temp.sd_import_keys VALUES (?, ?, NULL, ?, ?)",
                [
                    (hash(k), r[0], name_fold(r[3]), 1)
                    for r in points
                    for k in card_keys(
                        None, None, (r[2],) if r[1] == "phone" else (),
                        (r[2],) if r[1] == "email" else (), region,
                    )
                ],
            )

    def lookup(self, keys: Iterable[str]) -> dict[str, Hit]:
        """The card each known key belongs to."""
        by_hash = {hash(key): key for key in keys}
        hashes = list(by_hash)
        found: dict[str, Hit] = {}
        for start in range(0, len(hashes), 900):
            part = hashes[start : start + 900]
            marks = ", ".join("?" * len(part))
            for key, pid, row, name, contact in self.conn.execute(
                "SELECT key, prospect_id, row, name, contact FROM temp.sd_import_keys "
                f"WHERE key IN ({marks})",
                part,
            ):
                found[by_hash[key]] = (pid, row, Who(name, bool(contact)))
        return found

    def add(self, key: str, prospect_id: int, row: int, who: Who) -> None:
        """Remember a key of a card this import creates (written by :meth:`flush`)."""
        self.pending.append((hash(key), prospect_id, row, who.name, int(who.contact)))

    def flush(self) -> None:
        if self.pending:
            self.conn.executemany(
                "INSERT OR IGNORE INTO temp.sd_import_keys VALUES (?, ?, ?, ?, ?)", self.pending
            )
            self.pending.clear()
