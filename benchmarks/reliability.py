"""Reliability figures: kill -9 during writes and imports, concurrent writers, bad files.

The fuller run of what ``tests/test_reliability.py`` checks in a few seconds (the harness is
``tests/reliability.py``): every run is a real process on a real file, checked afterwards
with ``PRAGMA integrity_check``, every acknowledged write looked up, every import all there
or not at all; every bad file refused with exit 2, one line, the file untouched.

    python benchmarks/reliability.py [--kills 100] [--seconds 120] [--bad-rounds 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.reliability import bad_files, concurrent_writers, kill_loop  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--import-rows", type=int, default=5000)
    parser.add_argument("--each", type=int, default=100, help="cards per concurrent writer")
    parser.add_argument("--bad-rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as where:
        folder = Path(where)
        start = time.monotonic()
        (folder / "kills").mkdir()
        figures = kill_loop(folder / "kills", kills=args.kills, seconds=args.seconds,
                            import_rows=args.import_rows)
        took = time.monotonic() - start
        print(f"kill -9 during writes, CLI adds and {args.import_rows:,}-row imports: "
              f"{figures.kills} kills in {took:.0f} s; integrity failures "
              f"{figures.integrity_failures}, lost acknowledged writes {figures.lost_writes} "
              f"(of {figures.acknowledged:,}), partial imports {figures.partial_imports}, "
              f"tracebacks {figures.tracebacks}")
        for note in figures.notes[:5]:
            print(f"  {note}")
        for writers in (2, 4):
            sub = folder / f"writers{writers}"
            sub.mkdir()
            expected, found, verdict = concurrent_writers(sub, writers, args.each)
            print(f"{writers} concurrent writers x {args.each} cards: {found:,} of "
                  f"{expected:,} cards found, integrity {verdict}")
        sub = folder / "bad"
        sub.mkdir()
        runs, clean, failures = bad_files(sub, rounds=args.bad_rounds)
        print(f"bad files (not a database, empty, newer schema, another program's SQLite, "
              f"missing folder, a folder) x list/add/export: {clean} of {runs} refused with "
              "one line, exit 2, file untouched")
        for failure in failures[:5]:
            print(f"  {failure}")


if __name__ == "__main__":
    main()
