"""The ``salesdesk`` entry point, and opening the board.

Bare ``salesdesk`` (optionally ``--db PATH`` or ``--demo``) is what the rep runs every
morning, so it opens the board without loading the command-line machinery (Typer and the
command modules); anything else goes to :mod:`salesdesk.cli.main`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from salesdesk.config import Settings, default_db_path, demo_db_path, expand_path, system_clock


def open_board(db: Path | None, demo: bool) -> None:
    """Open the database (migrating, daily backup, demo data if asked) and run the board."""
    from concurrent.futures import ThreadPoolExecutor

    from salesdesk.data import store
    from salesdesk.data.backup import BackupJob, daily_backup
    from salesdesk.data.board_keys import ensure_keys
    from salesdesk.data.db import open_database

    path = db if db is not None else (demo_db_path() if demo else default_db_path())
    database = open_database(path)
    try:
        if demo and store.count_prospects(database) == 0:
            from salesdesk.data.demo import fill_demo

            fill_demo(database, system_clock().date())
        # The first start of each day keeps a copy. SQLite makes it (VACUUM INTO) without
        # holding Python's lock, so it runs beside the board's start instead of before it;
        # the pool waits for it before the app's process ends.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="daily-backup") as pool:
            job = BackupJob()
            job.future = pool.submit(daily_backup, database, warn=job.warnings.append)
            # The board's keys are made fresh for today before Textual is imported (on the
            # first start of a day that rescores every card; after, nothing), so the first
            # frame only reads the windows it shows.
            ensure_keys(database, system_clock().date())
            from salesdesk.app import run_app

            run_app(Settings(db_path=path, clock=system_clock), database, backup=job)
        if not job.shown:  # the board closed before it could say so
            for line in job.warnings:
                print(line, file=sys.stderr)
    finally:
        database.close()


def board_args(argv: list[str]) -> tuple[Path | None, bool] | None:
    """(db, demo) when ``argv`` only asks for the board, else None."""
    db: Path | None = None
    demo = False
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--demo":
            demo = True
        elif arg == "--db" and args:
            db = Path(args.pop(0))
        elif arg.startswith("--db="):
            db = Path(arg.removeprefix("--db="))
        else:
            return None
    return db, demo


def main() -> None:
    """Console-script entry point."""
    board = board_args(sys.argv[1:])
    if board is None:
        from salesdesk.cli.main import main as cli_main

        cli_main()
        return
    from salesdesk.errors import SalesDeskError

    try:
        db, demo = board
        open_board(expand_path(db) if db is not None else None, demo)
    except SalesDeskError as exc:
        from salesdesk.text import one_line

        print(f"salesdesk: {one_line(exc.message)}", file=sys.stderr)
        raise SystemExit(exc.exit_code) from None
