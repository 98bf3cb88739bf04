"""The import's duplicate check: the keys (:func:`~salesdesk.data.io.matching.card_keys`)
of every card already there and of every row taken so far, in temporary SQLite tables on
the import's connection, so memory grows neither with the file nor with the database.
Each key leads to its card, and the card to its folded name and whether it has a phone or
email, which is what :func:`~salesdesk.data.io.matching.judge` needs."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from salesdesk.data.io.matching import Who, card_keys, name_fold

#: A key's card: its id, the file's row when this import made it (None: there before),
#: and what the rule needs.
Hit = tuple[int, int | None, Who]
#: The bits of the filter that tells most new keys from known ones without a query (2 MB,
#: whatever the file: a key is looked up when its bit is set).
FILTER_BITS = 1 << 24


class DuplicateKeys:
    """The key tables of one import run (gone when its connection closes).

    Keys are stored as their 64-bit hash (this process's ``hash()``: the tables live only
    for this run): an integer key is several times faster to insert and look up. The card
    a key leads to is stored once (``sd_import_cards``, in id order: appended), not with
    each of its keys. A bit per hash (a one-hash Bloom filter) says which keys may be
    known: the others, nearly all the keys of a file of new contacts, are not looked up.
    """

    def __init__(self, conn: sqlite3.Connection, region: str = "CN") -> None:
        self.conn = conn
        self.region = region
        self.pending_keys: list[tuple[int, int]] = []
        self.pending_cards: list[tuple[int, int | None, str, int]] = []
        self.known = bytearray(FILTER_BITS >> 3)

    def _mark(self, hashes: Iterable[int]) -> None:
        known, mask = self.known, FILTER_BITS - 1
        for h in hashes:
            known[(h & mask) >> 3] |= 1 << (h & 7)

    def load(self) -> None:
        """Create the tables and fill them with the keys of every card in the database."""
        conn, region = self.conn, self.region
        conn.execute(
            "CREATE TEMP TABLE sd_import_keys (key INTEGER PRIMARY KEY, prospect_id INTEGER "
            "NOT NULL)"
        )
        conn.execute(
            "CREATE TEMP TABLE sd_import_cards (prospect_id INTEGER PRIMARY KEY, row INTEGER, "
            "name TEXT NOT NULL, contact INTEGER NOT NULL)"
        )
        cursor = conn.execute(
            "SELECT id, phone, email, name, company, (phone != '' OR email != '') "
            "FROM prospect ORDER BY id"
        )
        while rows := cursor.fetchmany(5_000):
            folded = [name_fold(r[3]) for r in rows]
            conn.executemany(
                "INSERT INTO temp.sd_import_cards VALUES (?, NULL, ?, ?)",
                [(r[0], name, r[5]) for r, name in zip(rows, folded, strict=True)],
            )
            keys = [
                (hash(k), r[0])
                for r, name in zip(rows, folded, strict=True)
                for k in card_keys(r[3], r[4], (r[1],), (r[2],), region, name)
            ]
            self._mark(h for h, _pid in keys)
            self._write_keys(keys)
        cursor = conn.execute("SELECT prospect_id, kind, value FROM contact_point")
        while points := cursor.fetchmany(5_000):
            keys = [
                (hash(k), r[0])
                for r in points
                for k in card_keys(
                    None, None, (r[2],) if r[1] == "phone" else (),
                    (r[2],) if r[1] == "email" else (), region,
                )
            ]
            self._mark(h for h, _pid in keys)
            self._write_keys(keys)

    def _write_keys(self, keys: list[tuple[int, int]]) -> None:
        """Write keys (in order: the B-tree's pages are then visited once each)."""
        if keys:
            keys.sort()
            self.conn.executemany(
                "INSERT OR IGNORE INTO temp.sd_import_keys VALUES (?, ?)", keys
            )

    def lookup(self, keys: Iterable[str]) -> dict[str, Hit]:
        """The card each known key belongs to."""
        known, mask = self.known, FILTER_BITS - 1
        by_hash = {}
        for key in keys:
            h = hash(key)
            if known[(h & mask) >> 3] & (1 << (h & 7)):
                by_hash[h] = key
        hashes = list(by_hash)
        found: dict[str, Hit] = {}
        for start in range(0, len(hashes), 900):
            part = hashes[start : start + 900]
            marks = ", ".join("?" * len(part))
            for key, pid, row, name, contact in self.conn.execute(
                "SELECT k.key, c.prospect_id, c.row, c.name, c.contact "
                "FROM temp.sd_import_keys k JOIN temp.sd_import_cards c "
                f"ON c.prospect_id = k.prospect_id WHERE k.key IN ({marks})",
                part,
            ):
                found[by_hash[key]] = (pid, row, Who(name, bool(contact)))
        return found

    def add(self, prospect_id: int, row: int, who: Who, keys: Iterable[str]) -> None:
        """Remember a card this import creates and its keys (written by :meth:`flush`)."""
        self.pending_cards.append((prospect_id, row, who.name, int(who.contact)))
        known, mask, pending = self.known, FILTER_BITS - 1, self.pending_keys
        for key in keys:
            h = hash(key)
            pending.append((h, prospect_id))
            known[(h & mask) >> 3] |= 1 << (h & 7)

    def flush(self) -> None:
        if self.pending_cards:
            self.conn.executemany(
                "INSERT OR IGNORE INTO temp.sd_import_cards VALUES (?, ?, ?, ?)",
                self.pending_cards,
            )
            self.pending_cards.clear()
        self._write_keys(self.pending_keys)
        self.pending_keys.clear()
