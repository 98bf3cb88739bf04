"""Opening a command's database, its consoles and saying what went wrong, without Typer.

:mod:`salesdesk.cli.common` builds its ``open_db`` and ``fail`` on these, and the fast
``salesdesk list`` in :mod:`salesdesk.cli.list_fast` uses them directly, so both paths
refuse the same paths with the same lines. Rich is imported only to print a line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from salesdesk.config import DB_ENV, DbTarget, default_db_path, expand_path, system_clock
from salesdesk.data.db import CREATE_FLAG, Database, busy_message, open_database
from salesdesk.data.faults import fault_error
from salesdesk.errors import DatabaseError, SalesDeskError
from salesdesk.text import one_line

if TYPE_CHECKING:
    from rich.console import Console


def out_console() -> Console:
    """Standard output; when piped, wide enough that tables are not cut."""
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=False)
    if not console.is_terminal:
        console.width = max(console.width, 140)
    return console


def err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_error(message: str) -> None:
    """``salesdesk: MESSAGE`` on stderr, on one line, in the error colour on a terminal."""
    from rich.text import Text

    from salesdesk.render import palette

    err_console().print(Text(f"salesdesk: {one_line(message)}", style=palette.CLI_ERROR))


def print_note(message: str) -> None:
    from rich.text import Text

    err_console().print(Text(f"salesdesk: note: {one_line(message)}", style="dim"))


def error_of(exc: BaseException) -> SalesDeskError | None:
    """The one-line error a user can act on for ``exc`` (their mistake, a full disk, a
    damaged file, a busy database or a server gone), or None for a bug."""
    if isinstance(exc, SalesDeskError):
        return exc
    error = fault_error(exc) if isinstance(exc, Exception) else None
    if error is not None:
        return error
    problem = busy_message(exc)
    return None if problem is None else DatabaseError(problem)


@contextmanager
def open_command_db(
    path: DbTarget,
    *,
    demo: bool = False,
    asked: bool = False,
    create: bool = False,
    read_only: bool = False,
    fill_demo: bool = False,
) -> Iterator[Database]:
    """Open the database at ``path`` for a command.

    A path the rep named (``--db`` or ``$SALESDESK_DB``) must already exist unless the
    command adds data (``create``: add, demo, import, config) or ``--create`` was given
    (``asked``), so a mistyped path is an error rather than a new, empty database. The
    default location is created as needed. An empty (0-byte) file is refused unless
    ``--create``. A reader (``read_only``: list, show, export, backup, plan, review)
    works on a read-only medium and on a damaged file, as far as SQLite can read it.
    With ``fill_demo`` (``--demo``), an empty database gets the demo cards first.
    """
    named = path != default_db_path() or bool(os.environ.get(DB_ENV))
    is_file = isinstance(path, Path)
    if is_file and not (create or asked) and named and not demo and not expand_path(path).exists():
        raise DatabaseError(
            f"no database at {path}: check the path (add, demo or import creates one "
            f"there, or add {CREATE_FLAG})"
        )
    database = open_database(
        path, create=True, create_empty=asked, read_only=read_only, check=not read_only
    )
    for notice in database.notices:
        print_note(notice)
    try:
        if fill_demo and not database.read_only:
            _fill_if_empty(database)
        yield database
    finally:
        database.close()


def _fill_if_empty(database: Database) -> None:
    """``--demo`` on an empty database fills it first, as the board does."""
    from salesdesk.data.cards import count_prospects

    if count_prospects(database) == 0:
        from salesdesk.data.demo import fill_demo

        fill_demo(database, system_clock().date())


def reader_gone() -> NoReturn:
    """The reader stopped early (`salesdesk list | head`): end quietly, with the code a
    program ended by SIGPIPE gets (as `yes | head` does); nothing more is written."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(128 + 13)
