"""Undo-journal size of an updating import: how much the journal grows when a file updates
every card of a database (``salesdesk import FILE --on-duplicate update``).

Imports a CSV of N cards (the rows of ``import_csv.py``) into a fresh database, then a
second file with the same contacts where every card has a new title, a third a new grade
and some a new amount (a CRM's export read again), and prints the journal's size (its
tables and indexes, from SQLite's ``dbstat``), the database file's growth and the update's
wall-clock time.

    python benchmarks/journal_size.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from import_csv import build_csv  # noqa: E402

TITLES = ("Head of purchasing", "采购总监", "Managing director", "总经理助理")


def build_update(source: Path, target: Path) -> None:
    """The same contacts with a new title, every third one regraded, every fifth with a
    new amount."""
    with source.open(encoding="utf-8-sig", newline="") as inp, target.open(
        "w", encoding="utf-8-sig", newline=""
    ) as out:
        reader, writer = csv.reader(inp), csv.writer(out)
        writer.writerow(next(reader))
        for i, row in enumerate(reader):
            row[2] = TITLES[i % len(TITLES)]
            if i % 3 == 0:
                row[6] = {"A": "B", "B": "C", "C": "A"}[row[6]]
            if i % 5 == 0:
                row[7] = str(1000 + i)
            writer.writerow(row)


def salesdesk(*args: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "salesdesk", *args], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"salesdesk {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started


def journal_bytes(db_path: Path) -> tuple[int, int]:
    """(bytes of the journal's tables and indexes, entries)."""
    conn = sqlite3.connect(db_path)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE tbl_name LIKE 'journal%'"
            )
        ]
        marks = ", ".join("?" for _ in names)
        size = conn.execute(
            f"SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN ({marks})", names
        ).fetchone()[0]
        entries = conn.execute("SELECT count(*) FROM journal").fetchone()[0]
    finally:
        conn.close()
    return int(size), int(entries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        first, second, db_path = root / "contacts.csv", root / "update.csv", root / "sd.db"
        build_csv(first, args.rows)
        build_update(first, second)
        salesdesk("--db", str(db_path), "import", str(first))
        before_file = db_path.stat().st_size
        before_journal, _ = journal_bytes(db_path)
        elapsed = salesdesk(
            "--db", str(db_path), "import", str(second), "--on-duplicate", "update"
        )
        subprocess.run(
            [sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
             "c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()", str(db_path)],
            check=True,
        )
        after_journal, entries = journal_bytes(db_path)
        growth = db_path.stat().st_size - before_file
    mb = 1024 * 1024
    print(f"rows updated:       {args.rows:,}")
    print(f"journal:            {(after_journal - before_journal) / mb:.1f} MB added "
          f"({entries} entries in all)")
    print(f"database file:      {growth / mb:+.1f} MB")
    print(f"updating import:    {elapsed:.2f} s")


if __name__ == "__main__":
    main()
