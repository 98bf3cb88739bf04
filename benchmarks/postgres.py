"""PostgreSQL against SQLite, in the same run: the board's data coming up (open, every live
card read, scored and sorted, the header's counts) and a regrade, at each size.

Starts a throwaway PostgreSQL cluster (tests/pg_cluster.py: unprivileged, unix socket),
fills an SQLite file with demo cards, copies it to PostgreSQL (salesdesk db copy's
routine), then times both the same way, by turns (median of --repeats, at least 31 for a
regrade, after one warm-up).

    python benchmarks/postgres.py [--sizes 10000,100000] [--repeats 5]

Prints ms per operation for each database and PostgreSQL / SQLite; the target is <= 1.5x.
``regrade*`` is the same regrade with write transactions not pipelined (one round trip per
statement, as before), and the round trips of one regrade are counted both ways from
libpq's protocol trace.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from salesdesk.data import store  # noqa: E402
from salesdesk.data.book_copy import copy_book  # noqa: E402
from salesdesk.data.db import Database, open_database  # noqa: E402
from salesdesk.data.demo import fill_demo  # noqa: E402
from salesdesk.data.pg import PgDatabase  # noqa: E402
from tests import pg_cluster  # noqa: E402

NOW = datetime(2026, 11, 18, 9, 0)
TARGET = 1.5


def median_ms(lite: Callable[[], object], pg: Callable[[], object],
              repeats: int) -> tuple[float, float]:
    """The median ms of each, timed by turns (SQLite, PostgreSQL, SQLite...): on a machine
    others share, a busy spell slows both alike instead of only the one timed then."""
    lite()  # warm-up (caches, prepared statements)
    pg()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for action, kept in ((lite, times[0]), (pg, times[1])):
            start = time.perf_counter()
            action()
            kept.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def board_up(target: Path | str) -> Callable[[], object]:
    def run() -> object:
        database = open_database(target)
        try:
            cards = store.list_cards(database, NOW.date())
            return store.summarise(cards, store.pool_target(database),
                                   store.closed_counts(database))
        finally:
            database.close()
    return run


def regrade(database: Database) -> Callable[[], object]:
    card = store.list_cards(database, NOW.date(), grade="B")[0].id
    grades = iter(["A", "B"] * 1000)
    return lambda: store.regrade(database, NOW, card, next(grades))


def round_trips(database: Database, action: Callable[[], object]) -> int:
    """How many times ``action`` waits for the server: libpq's protocol trace of the pool's
    connection, counting each turn from what the client sent to what the server answered."""
    import psycopg

    with database.connect() as conn:  # the connection the action will take from the pool
        raw = conn.raw
    with tempfile.TemporaryFile("w+") as log:
        raw.pgconn.trace(log.fileno())
        raw.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            action()
        finally:
            raw.pgconn.untrace()
        log.seek(0)
        sides = [line[:1] for line in log if line[:1] in ("F", "B")]
    return sum(1 for a, b in zip(sides, sides[1:], strict=False) if a == "F" and b == "B")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    os.environ["SALESDESK_NOW"] = NOW.isoformat()
    folder, base_url = pg_cluster.start()
    work = Path(tempfile.mkdtemp(prefix="salesdesk-bench-"))
    try:
        print(f"{'cards':>8} {'operation':<10} {'SQLite ms':>10} {'PostgreSQL ms':>14} "
              f"{'ratio':>6}")
        for size in (int(s) for s in args.sizes.split(",")):
            path = work / f"{size}.db"
            local = open_database(path)
            fill_demo(local, NOW.date(), prospects=size, visits=False)
            parts = urlsplit(base_url)
            url = urlunsplit((parts.scheme, parts.netloc, f"/b{size}", parts.query, ""))
            import psycopg

            with psycopg.connect(base_url, autocommit=True) as admin:
                admin.execute(f"CREATE DATABASE b{size}")  # type: ignore[arg-type]
            server = open_database(url)
            copy_book(local, server)
            plain = PgDatabase(url)  # write transactions not pipelined: the old way
            plain.pipelined = False
            for name, sqlite_op, pg_op in (
                ("board up", board_up(path), board_up(url)),
                ("regrade", regrade(local), regrade(server)),
                ("regrade*", regrade(local), regrade(plain)),
            ):
                repeats = args.repeats if name == "board up" else max(args.repeats, 31)
                lite, pg = median_ms(sqlite_op, pg_op, repeats)
                verdict = "" if pg / lite <= TARGET else f"  (over {TARGET}x)"
                print(f"{size:>8} {name:<10} {lite:>10.1f} {pg:>14.1f} {pg / lite:>5.2f}x"
                      f"{verdict}", flush=True)
            trips = {db: round_trips(db, regrade(db)) for db in (server, plain)}
            print(f"{size:>8} round trips per regrade: {trips[server]} pipelined, "
                  f"{trips[plain]} without (regrade*)", flush=True)
            plain.close()
            local.close()
            server.close()
    finally:
        pg_cluster.stop(folder)


if __name__ == "__main__":
    main()
