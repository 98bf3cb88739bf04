"""Moving books: ``salesdesk db copy SRC DST`` (a file and a server, either way), and the
check-out for the road: ``checkout URL [--to FILE]``, ``checkin``, ``conflicts``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from salesdesk.cli.common import (
    DbOption,
    app,
    cli_now,
    db_path,
    err_console,
    fail,
    handles_errors,
    open_db,
    root_db,
    wants_demo,
)
from salesdesk.config import db_target, expand_path, is_server_url
from salesdesk.data.db import Database, open_database
from salesdesk.errors import DatabaseError, InputError
from salesdesk.text import one_line

db_app = typer.Typer(help="Whole databases: copy a book between a file and a server.",
                     no_args_is_help=True, rich_markup_mode=None)
app.add_typer(db_app, name="db")


def default_checkout() -> Path:
    """Where a check-out goes unless --to says: beside the usual database file."""
    from platformdirs import user_data_path

    return user_data_path("salesdesk", appauthor=False) / "checkout.db"


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a terminal (nothing when piped)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(console=err_console(), transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _open_existing(target: str) -> Database:
    where = db_target(target)
    if isinstance(where, Path) and not where.exists():
        raise DatabaseError(f"no database at {where}: check the path")
    return open_database(where)


@db_app.command("copy")
@handles_errors
def copy_command(
    src: Annotated[str, typer.Argument(metavar="SRC", help="A database file or URL.")],
    dst: Annotated[str, typer.Argument(metavar="DST", help="An empty (or new) one.")],
) -> None:
    """Copy a whole book, ids and history included, into an empty database."""
    from salesdesk.data.book_copy import copy_book

    if db_target(src) == db_target(dst):
        raise InputError("SRC and DST are the same database")
    source = _open_existing(src)
    try:
        target = open_database(db_target(dst))
        try:
            with _progress("copying") as progress:
                rows = copy_book(source, target, progress)
        finally:
            target.close()
    finally:
        source.close()
    typer.echo(f"copied {rows:,} rows from {source.describe()} to {target.describe()}")


@app.command("checkout")
@handles_errors
def checkout_command(
    url: Annotated[str, typer.Argument(metavar="URL", help="Your server database.")],
    to: Annotated[Path | None, typer.Option("--to", metavar="FILE", show_default=False,
                  help="The file to work in (default: checkout.db in your data folder).")
                  ] = None,
) -> None:
    """Copy your own book from the server into a file, to work offline."""
    from salesdesk.data.checkout import checkout

    if not is_server_url(url):
        raise InputError(f"{url!r} is not a postgresql:// URL: check out from a server")
    target_path = (to or default_checkout()).expanduser()
    if target_path.exists() and target_path.stat().st_size:
        raise InputError(f"{target_path} already exists: check it in first, or choose "
                         "another file with --to")
    server = open_database(url)
    try:
        target = open_database(target_path)
        try:
            with _progress("checking out") as progress:
                rows = checkout(server, target, url, cli_now(), progress)
        finally:
            target.close()
    finally:
        server.close()
    typer.echo(f"checked out {rows:,} rows into {target_path}; work offline with: "
               f"salesdesk --db {target_path}; then: salesdesk checkin --db {target_path}")


def _local(ctx: typer.Context, db: str | None) -> Database:
    """The check-out file: ``--db`` after the command or before it (``salesdesk --db FILE
    checkin``), ``--demo``'s file, else checkout.db in the data folder."""
    named = root_db(ctx, db)
    if named is None and wants_demo(ctx):
        named = str(db_path(ctx, None))
    return _open_existing(named if named is not None else str(default_checkout()))


@app.command("checkin")
@handles_errors
def checkin_command(ctx: typer.Context, db: DbOption = None) -> None:
    """Send what you changed offline back to the server; both-sided changes are kept."""
    from salesdesk.data.checkout import checkin

    local = _local(ctx, db)
    try:
        result = checkin(local, cli_now())
    finally:
        local.close()
    parts = [f"{result.sent[t] + result.added[t]:,} {t}s ({result.added[t]:,} new"
             + (f", {result.deleted[t]:,} removed)" if result.deleted[t] else ")")
             for t in result.sent]
    typer.echo("checked in: " + ", ".join(parts))
    points = result.points
    if points.added + points.sent + points.removed + points.taken:
        typer.echo(f"further phones and emails: {points.added:,} new, {points.sent:,} changed, "
                   f"{points.removed:,} removed on the server; {points.taken:,} taken into "
                   "this file")
    if result.conflicts:
        typer.echo(f"{result.conflicts} changed on both sides, nothing overwritten: see "
                   "salesdesk conflicts")


@app.command("conflicts")
@handles_errors
def conflicts_command(
    ctx: typer.Context,
    keep: Annotated[str | None, typer.Option("--keep", metavar="mine|theirs",
                    help="Settle conflict ID: keep this file's version or the server's.",
                    show_default=False)] = None,
    conflict: Annotated[int | None, typer.Argument(metavar="[ID]")] = None,
    db: DbOption = None,
) -> None:
    """Rows changed both offline and on the server: both versions, for you to choose."""
    from salesdesk.data.checkout import conflicts, resolve

    local = _local(ctx, db)
    try:
        if keep is not None or conflict is not None:
            if keep is None or conflict is None:
                raise InputError("give both: salesdesk conflicts ID --keep mine|theirs")
            done = resolve(local, conflict, keep, cli_now())
            typer.echo(f"conflict {done.id} settled: kept {keep}"
                       + ("; send it with salesdesk checkin" if keep == "mine" else ""))
            return
        found = conflicts(local)
    finally:
        local.close()
    if not found:
        typer.echo("no conflicts")
        return
    from salesdesk.cli.common import out_console
    from salesdesk.render.conflicts import conflict_title, difference_lines

    console = out_console()
    for item in found:
        console.print(conflict_title(item.id, item.table, item.mine, item.theirs))
        for line in difference_lines(item.mine, item.theirs):
            console.print(line)
    typer.echo("settle one with: salesdesk conflicts ID --keep mine|theirs")


def server_backup(ctx: typer.Context, db: str | None, out: str | None) -> None:
    """``salesdesk backup`` of a server database (pg_dump; cli.io's backup calls it)."""
    from salesdesk.data.pg_backup import default_name, dump

    with open_db(ctx, db, read_only=True) as database:  # a SalesDesk database, reachable
        from salesdesk.data.cards import count_prospects

        url = str(getattr(database, "url", ""))
        count = count_prospects(database)
    where = expand_path(out) if out is not None else Path.cwd()
    if where.is_dir():
        where = default_name(url, cli_now(), where)
    target = dump(url, where)
    typer.echo(f"backup: {target} ({count:,} prospects, pg_dump)")


def server_restore(ctx: typer.Context, db: str | None, file: Path, yes: bool,
                   interactive: bool) -> None:
    """``salesdesk restore`` into a server database (pg_restore; cli.io's restore calls
    it)."""
    from salesdesk.data.pg_backup import check_dump
    from salesdesk.data.pg_backup import restore as restore_dump

    source = expand_path(file)
    check_dump(source)
    with open_db(ctx, db, read_only=True) as database:
        url = str(getattr(database, "url", ""))
        where = database.describe()
    if not yes:
        if not interactive:
            raise InputError(
                "restore replaces your database: run it in a terminal to confirm, or add --yes"
            )
        if not typer.confirm(one_line(f"Replace the book on {where} with {source}? It is "
                                      "dumped first"), default=False):
            raise fail("restore cancelled: nothing changed", 1)
    kept = restore_dump(url, source, cli_now())
    typer.echo(f"restored {where} from {source}")
    typer.echo(f"the previous database is kept in {kept}")
