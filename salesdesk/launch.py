"""The ``salesdesk`` entry point, and opening the board.

Bare ``salesdesk`` (optionally ``--db PATH`` or ``--demo``) is what the rep runs every
morning, so it opens the board without loading the command-line machinery (Typer and the
command modules); so does ``salesdesk list`` (:mod:`salesdesk.cli.list_fast`). Anything
else goes to :mod:`salesdesk.cli.main`.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from salesdesk.config import (
    DbTarget,
    Settings,
    db_target,
    default_db_path,
    demo_db_path,
    system_clock,
)

if TYPE_CHECKING:
    from concurrent.futures import Future


def may_create(path: DbTarget, named: bool, create: bool) -> bool:
    """Whether the board may make a new database at ``path``. The default location: yes.
    A path the rep named (``--db``, ``$SALESDESK_DB``) that does not exist is likely
    mistyped: the board asks first (in a terminal), and refuses without a terminal unless
    ``--create`` was given, so no stray database or folders appear."""
    if create or not named or not isinstance(path, Path) or path.exists():
        return True
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return False
    try:
        answer = input(f"No database at {path}. Create a new one there? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def open_board(db: DbTarget | None, demo: bool, create: bool = False) -> None:
    """Open the database (migrating, daily backup, demo data if asked) and run the board.
    The cycle collector is off until the board's first frame is up (see
    :mod:`salesdesk.widgets.rest_gc`), and on again when it returns whatever happened."""
    from salesdesk.widgets.rest_gc import hold_through_start

    hold_through_start()
    try:
        _open_board(db, demo, create)
    finally:
        gc.enable()


def _open_board(db: DbTarget | None, demo: bool, create: bool) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from salesdesk.config import DB_ENV
    from salesdesk.data import store
    from salesdesk.data.backup import BackupJob, check_then_back_up
    from salesdesk.data.board_view import prefetch
    from salesdesk.data.db import CREATE_FLAG, open_database
    from salesdesk.errors import DatabaseError

    path = db if db is not None else (demo_db_path() if demo else default_db_path())
    named = db is not None or (not demo and bool(os.environ.get(DB_ENV)))
    if not may_create(path, named and not demo, create):
        raise DatabaseError(
            f"no database at {path}: check the path, or add {CREATE_FLAG} to make one there"
        )
    # The page check and the daily backup run in a thread once the board's first frame is
    # up (BackupJob.start), so they never compete with it; a change waits for the check.
    database = open_database(path, create_empty=create, check=False)
    try:
        if demo and store.count_prospects(database) == 0:
            from salesdesk.data.demo import fill_demo

            fill_demo(database, system_clock().date())
        # The pool waits for the job (a first start of the day makes a copy) before the
        # app's process ends.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="daily-backup") as pool:
            job = BackupJob(submit=lambda job: pool.submit(
                check_then_back_up, database, warn=job.warnings.append,
                checked=job.checked.set))
            database.check_before_writes(job.wait_checked)
            # The cards are read before Textual is imported, so the board's first frame has
            # them. (Reading them in a thread during the import measured slower: both
            # halves are Python work that takes turns on the GIL.)
            now = system_clock()
            today = now.date()
            first_cards = prefetch(database, now, say=_scoring)
            # Escape (close, cancel) arrives after $ESCDELAY ms: 10 unless the rep set it
            # (salesdesk.widgets.escape_driver; tmux 3.5's escape-time is 10 ms too); read
            # when Textual is imported, next line.
            os.environ.setdefault("ESCDELAY", "10")
            from salesdesk.app import run_app

            run_app(Settings(db_path=path, clock=system_clock), database,
                    prefetched=None if first_cards is None else (today, first_cards),
                    backup=job)
            future = job.start()  # (the board closed before its first frame)
            if future is not None:
                _say_if_slow(future)
        if not job.shown:  # the board closed before it could say so
            for line in job.warnings:
                print(line, file=sys.stderr)
    finally:
        database.close()


def _say_if_slow(future: Future[Path | None]) -> None:
    """A first start of the day closed at once still waits for the day's copy: said, so
    the terminal does not look stuck."""
    from concurrent.futures import TimeoutError as Waiting

    try:
        future.exception(timeout=0.5)
    except Waiting:
        print("Finishing today's backup…", file=sys.stderr, flush=True)


def _scoring(cards: int) -> None:
    """Said before the first start of a day rescores a large book (a few seconds)."""
    print(f"Scoring {cards:,} cards for today…", file=sys.stderr, flush=True)


def board_args(argv: list[str]) -> tuple[str | None, bool, bool] | None:
    """(db, demo, create) when ``argv`` only asks for the board, else None."""
    db: str | None = None
    demo = create = False
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--demo":
            demo = True
        elif arg == "--create":
            create = True
        elif arg == "--db" and args:
            db = args.pop(0)
        elif arg.startswith("--db="):
            db = arg.removeprefix("--db=")
        else:
            return None
    return db, demo, create


def main() -> None:
    """Console-script entry point."""
    board = board_args(sys.argv[1:])
    if board is None:
        from salesdesk.cli.list_fast import list_request

        listing = list_request(sys.argv[1:])
        if listing is not None:  # `list` without Typer's command tree (same output)
            from salesdesk.cli.list_fast import run_list

            run_list(listing)
            return
        from salesdesk.cli.main import main as cli_main

        cli_main()
        return
    from salesdesk.errors import SalesDeskError

    try:
        db, demo, create = board
        open_board(db_target(db) if db is not None else None, demo, create)
    except SalesDeskError as exc:
        from salesdesk.text import one_line

        print(f"salesdesk: {one_line(exc.message)}", file=sys.stderr)
        raise SystemExit(exc.exit_code) from None
