"""Import, undo-import, export, backup and restore commands.

Heavy modules (csv, vobject, the importer) are imported inside the commands: this module is
imported at every start of ``salesdesk``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer
from rich.text import Text

from salesdesk.cli.common import (
    DbOption,
    app,
    cli_now,
    cli_today,
    db_path,
    err_console,
    fail,
    handles_errors,
    open_db,
    out_console,
)
from salesdesk.config import expand_path
from salesdesk.data import store
from salesdesk.enums import Status
from salesdesk.errors import InputError
from salesdesk.render import palette
from salesdesk.render.literal import literal_line
from salesdesk.text import one_line

if TYPE_CHECKING:
    from rich.console import Console

    from salesdesk.data.io.importer import ImportOptions, ImportResult

PROGRESS_FROM_BYTES = 512 * 1024  # about five thousand rows


def _interactive() -> bool:
    """Whether a person can answer a question (tests replace this)."""
    return sys.stdin.isatty()


# --------------------------------------------------------------------------- import


def _run(database_path: store.Database, file: Path, options: ImportOptions) -> ImportResult:
    from salesdesk.data.io.importer import run_import

    size = file.stat().st_size if file.is_file() else 0
    if size < PROGRESS_FROM_BYTES or not sys.stderr.isatty():
        return run_import(database_path, file, cli_now(), options)
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("importing"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
               TimeRemainingColumn())
    with Progress(*columns, console=err_console(), transient=True) as bar:
        task = bar.add_task("import", total=size)
        return run_import(
            database_path,
            file,
            cli_now(),
            options,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )


def _line(*parts: str | Text, style: str = "") -> Text:
    text = Text(style=style)
    for part in parts:
        text.append_text(part if isinstance(part, Text) else Text(part))
    return text


def _print_report(console: Console, result: ImportResult) -> None:
    rows = result.records + result.error_rows
    unit = result.unit
    console.print(
        _line(literal_line(result.file, style="bold"), f": {result.description}, "
              f"{rows:,} {unit}{'s' if rows != 1 else ''}")
    )
    if result.mapping and unit == "row":
        line = Text("Columns: ", style="dim")
        for index, (column, field) in enumerate(result.mapping):
            if index:
                line.append(", ")
            line.append_text(literal_line(column))
            line.append(f" → {field}", style=palette.CLI_NOTE)
        console.print(line)
    if result.unmapped:
        kept = result.options.keep_extra
        line = Text("Kept in the notes: " if kept else "Not imported: ", style=palette.CLI_WARNING)
        line.append_text(literal_line(", ".join(result.unmapped)))
        if not kept:
            line.append("  (keep them in the notes with --keep-extra, or --map COLUMN=FIELD)",
                        style="dim")
        console.print(line)
    if result.options.dry_run and result.new_rows:
        console.print(Text("Would create:", style="bold"))
        for new in result.new_rows:
            details = " · ".join(x for x in (new.company, new.phone, new.email) if x)
            console.print(
                _line(f"  {unit} {new.row:<5} ", literal_line(new.name, style="bold"),
                      "  " if details else "", literal_line(details))
            )
        more = result.created - len(result.new_rows)
        if more > 0:
            console.print(Text(f"  … and {more:,} more", style="dim"))
    for title, listed, count in (
        ("Duplicates", result.duplicates, result.duplicate_count),
        ("Possible duplicates (imported; see salesdesk duplicates, salesdesk merge)",
         result.possible, result.possible_count),
    ):
        if not listed:
            continue
        console.print(Text(f"{title} ({count:,}):", style="bold"))
        for dup in listed:
            where = (
                f"{unit} {dup.existing_row}"
                if dup.existing_row is not None
                else f"#{dup.existing_id} {dup.existing_name}"
            )
            console.print(
                _line(f"  {unit} {dup.row:<5} ", literal_line(dup.name),
                      f": {dup.reason} as ", literal_line(where), Text(f" → {dup.action}",
                                                                       style="dim"))
            )
        _more(console, count - len(listed), "duplicates")
    for hint in result.hints:
        console.print(_line(Text("Note: ", style=palette.CLI_WARNING), literal_line(hint)))
    if result.errors:
        plural = "s" if result.error_rows != 1 else ""
        heading = f"Errors ({result.error_rows:,} {unit}{plural}):"
        console.print(Text(heading, style=palette.CLI_ALERT))
        for error in result.errors:
            console.print(
                _line(f"  {unit} {error.row}, ", literal_line(error.column, style="bold"), ": ",
                      literal_line(error.reason))
            )
        _more(console, result.error_rows - len({e.row for e in result.errors}), f"{unit}s")


def _more(console: Console, count: int, what: str) -> None:
    if count > 0:
        console.print(Text(f"  … and {count:,} more {what} (the first 1,000 are listed)",
                           style="dim"))


def _blocked_message(result: ImportResult) -> str:
    first = result.errors[0] if result.errors else None
    where = f": {result.unit} {first.row}, {first.column}: {first.reason}" if first else ""
    count = result.error_rows
    return (
        f"{count:,} {result.unit}{'s have' if count != 1 else ' has'} errors, nothing was "
        f"imported{where} (see them all with --dry-run; import the rest with --skip-errors)"
    )


@app.command("import")
@handles_errors
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="CSV or vCard (.vcf) file.")],
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", help="COLUMN=FIELD, e.g. 'Mobile=phone' or 'Fax=ignore' (repeat)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would happen; write nothing.")
    ] = False,
    on_duplicate: Annotated[
        str, typer.Option(help="skip (default), update (file wins) or new (create anyway).")
    ] = "skip",
    skip_errors: Annotated[
        bool, typer.Option("--skip-errors", help="Import the good rows; skip rows with errors.")
    ] = False,
    keep_extra: Annotated[
        bool, typer.Option("--keep-extra", help="Keep unmapped columns in the notes.")
    ] = False,
    source: Annotated[str, typer.Option(help="Source of the new cards.")] = "import",
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="csv, vcf, xlsx or json (default: from the file)."),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option("--encoding", help="The file's encoding, e.g. cp1252 (default: detected)."),
    ] = None,
    locale: Annotated[
        str | None,
        typer.Option(
            "--locale", help="Amounts as en (1,234.56) or eu (1.234,56); default: the setting."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Import prospects from a CSV, Excel, vCard or SalesDesk JSON file (all or nothing)."""
    from salesdesk.data.io.encoding import codec_name
    from salesdesk.data.io.importer import ImportOptions
    from salesdesk.data.io.mapping import parse_overrides
    from salesdesk.data.settings import get_setting
    from salesdesk.rules.settings import parse_setting

    if encoding:
        encoding = codec_name(encoding)
    if locale:
        locale = parse_setting("amount_locale", locale)
    with open_db(ctx, db, create=True) as database:
        options = ImportOptions(
            dry_run=dry_run,
            on_duplicate=on_duplicate.strip().lower(),
            skip_errors=skip_errors,
            keep_extra=keep_extra,
            mapping=parse_overrides(mapping or []),
            source=source,
            fmt=fmt,
            encoding=encoding,
            locale=locale or get_setting(database, "amount_locale"),
            region=get_setting(database, "phone_region"),
        )
        try:
            result = _run(database, expand_path(file), options)
        except KeyboardInterrupt:
            raise fail("import interrupted: nothing was imported", 130) from None
    if result.blocked and not dry_run:
        raise fail(_blocked_message(result), 2)
    console = out_console()
    _print_report(console, result)
    if dry_run:
        console.print(Text(f"Dry run: {result.summary()}. Nothing was written.", style="bold"))
        return
    if result.batch is None:
        console.print(Text(f"Nothing imported: {result.summary()}.", style="bold"))
        return
    line = Text(f"Imported: {result.summary()}. ", style="bold")
    line.append(f"Batch {result.batch} (undo: salesdesk undo-import {result.batch})", style="")
    console.print(line)


@app.command("undo-import")
@handles_errors
def undo_import(
    ctx: typer.Context,
    batch: Annotated[
        str | None,
        typer.Argument(metavar="BATCH", help="Batch id, or 'last'; none lists the imports."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Remove the prospects an import created (and restore the cards it updated)."""
    from salesdesk.data.backup import stamped_backup
    from salesdesk.data.io.batches import list_batches
    from salesdesk.data.io.batches import undo_import as remove_batch

    with open_db(ctx, db) as database:
        if batch is None:
            batches = list_batches(database)
            if not batches:
                typer.echo("No imports yet. Import a file with: salesdesk import FILE")
                return
            console = out_console()
            for info in batches:
                console.print(
                    _line(f"{info.id}  {info.at:%Y-%m-%d %H:%M}  ",
                          literal_line(Path(info.source).name),
                          f"  created {info.created:,}, updated {info.updated:,}, "
                          f"{info.remaining:,} still there")
                )
            return
        kept = (None if database.is_postgres  # (a server keeps its own backups)
                else stamped_backup(database.path, "before-undo-import", cli_now()))
        result = remove_batch(database, batch.strip())
    typer.echo(
        f"undone import {result.batch}: removed {result.removed:,} "
        f"prospect{'s' if result.removed != 1 else ''}"
        + (f", restored {result.restored:,} updated cards" if result.restored else "")
        + (f", kept {result.kept:,} fields edited since" if result.kept else "")
        + (f" (backup before: {kept})" if kept else "")
    )


# --------------------------------------------------------------------------- export


@app.command()
@handles_errors
def export(
    ctx: typer.Context,
    fmt: Annotated[
        str,
        typer.Option("--format", help="csv (default), json, vcf (3.0), vcf4 or vdir (a folder)."),
    ] = "csv",
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: standard output).")
    ] = None,
    grade: Annotated[str | None, typer.Option(help="Only this grade (A, B or C).")] = None,
    status: Annotated[
        str | None, typer.Option(help="all (default), live, customer, parked, dropped or lost.")
    ] = None,
    due: Annotated[
        bool, typer.Option("--due", help="Only cards due for review or overdue.")
    ] = False,
    search: Annotated[str | None, typer.Option(help="Text in name, company, notes...")] = None,
    db: DbOption = None,
) -> None:
    """Export prospects as CSV (spreadsheet-safe), JSON (with activities, visits) or vCard."""
    from salesdesk.data.io.export import FORMATS, export, export_to_file
    from salesdesk.rules.grading import parse_grade

    fmt = fmt.strip().lower()
    if fmt == "vdir":
        _export_vdir(ctx, out, db)
        return
    if fmt not in FORMATS:
        raise InputError(f"invalid format {fmt!r}: use csv, json, vcf, vcf4 or vdir")
    statuses = tuple(s.value for s in Status)
    if status and status.strip().lower() != "all":
        wanted = status.strip().lower()
        if wanted not in statuses:
            raise InputError(
                f"invalid status {status!r}: use all, live, customer, parked, dropped or lost"
            )
        statuses = (wanted,)
    grade_value = parse_grade(grade).value if grade else None
    filtered = bool(grade_value or due or (search and search.strip()) or len(statuses) == 1)
    with open_db(ctx, db, read_only=True) as database:
        ids = None
        if filtered:
            cards = store.list_cards(
                database, cli_today(), statuses=statuses, grade=grade_value, search=search,
                due_only=due,
            )
            ids = sorted(card.id for card in cards)
        if out is None:
            # A file or a pipe gets the exact text; a terminal gets it without control
            # characters, so a name holding escape sequences cannot drive the terminal.
            stream = sys.stdout if not sys.stdout.isatty() else _TerminalSafe(sys.stdout)
            export(database, fmt, stream, ids)  # type: ignore[arg-type]
            return
        count = export_to_file(database, fmt, out, ids)
    typer.echo(f"exported {count:,} prospects to {out}")


def _export_vdir(ctx: typer.Context, out: Path | None, db: str | None) -> None:
    """The whole book and every visit as a vdir folder (khard, khal, vdirsyncer)."""
    from salesdesk.data.io.vdir import export_vdir
    from salesdesk.data.settings import get_setting

    if out is None:
        raise InputError("--format vdir writes a folder: give it with --out FOLDER")
    with open_db(ctx, db) as database:
        alarm = int(get_setting(database, "visit_alarm_minutes"))
        result = export_vdir(database.path, out, cli_now(), alarm)
    typer.echo(
        f"vdir {result.folder}: {result.cards:,} cards in contacts/, {result.visits:,} visits "
        f"in calendar/ ({result.written:,} files written, {result.removed:,} removed)"
    )


class _TerminalSafe:
    """A text stream that drops control characters (but tab and newline) on the way."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, text: str) -> int:
        from salesdesk.text import clean

        self.out.write(clean(text))
        return len(text)


# --------------------------------------------------------------------------- backup


@app.command()
@handles_errors
def backup(
    ctx: typer.Context,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            help="File or folder; a trailing / means a folder, which must exist "
            "(default: the backups folder beside it).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Back up the database (a consistent copy, even while the app is open)."""
    from salesdesk.data.backup import backup_database, inspect_backup, stamped_backup

    if isinstance(db_path(ctx, db), str):  # a server: pg_dump (salesdesk.data.pg_backup)
        from salesdesk.cli.sync import server_backup

        server_backup(ctx, db, out)
        return
    path = _file_only(db_path(ctx, db), "backup")
    if not path.is_file():
        raise InputError(f"no database at {path} yet: nothing to back up")
    # checks it is a SalesDesk database (and migrates an old one where it can be written)
    with open_db(ctx, db, read_only=True):
        pass
    now = cli_now()
    if out is None:
        target = stamped_backup(path, "manual", now)
    else:
        folder_meant = out.endswith(("/", os.sep))  # (a Path would drop the slash)
        where = expand_path(out)
        if where.is_dir():
            where = where / f"{path.stem}-{now:%Y%m%d-%H%M%S}.db"
        elif folder_meant:  # e.g. ~/usb/ with the stick not mounted: not a file named usb
            raise InputError(f"no folder {where}")
        elif not where.parent.is_dir():
            raise InputError(f"no folder {where.parent}")
        target = backup_database(path, where)
    info = inspect_backup(target)
    typer.echo(f"backup: {target} ({info.prospects:,} prospects, checked)")


def _file_only(target: Path | str, command: str) -> Path:
    """The SQLite file ``command`` works on; a server database is refused with the way."""
    if isinstance(target, str):
        raise InputError(
            f"{command} works on a database file; a server keeps its own backups (pg_dump), "
            "or copy the book into a file: salesdesk db copy URL FILE"
        )
    return expand_path(target)


@app.command()
@handles_errors
def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A SalesDesk backup.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    db: DbOption = None,
) -> None:
    """Replace the database with a backup (the current one is backed up first)."""
    from salesdesk.data.backup import inspect_backup, restore_database
    from salesdesk.data.db import SCHEMA_VERSION, open_database

    if isinstance(db_path(ctx, db), str):  # a server: pg_restore
        from salesdesk.cli.sync import server_restore

        server_restore(ctx, db, file, yes, _interactive())
        return
    path = _file_only(db_path(ctx, db), "restore")
    info = inspect_backup(expand_path(file))
    if not yes:
        if not _interactive():
            raise InputError(
                "restore replaces your database: run it in a terminal to confirm, or add --yes"
            )
        question = (
            f"Replace {path} with {info.path} ({info.prospects:,} prospects)? "
            "The current database is backed up first"
        )
        if not typer.confirm(one_line(question), default=False):
            raise fail("restore cancelled: nothing changed", 1)
    result = restore_database(path, info.path, cli_now())
    database = open_database(path)  # an older schema is migrated here
    database.close()
    upgraded = (
        f", upgraded from schema {info.version}" if info.version < SCHEMA_VERSION else ""
    )
    typer.echo(f"restored {info.prospects:,} prospects from {info.path}{upgraded}")
    if result.kept is not None:
        typer.echo(f"the previous database is kept in {result.kept}")
