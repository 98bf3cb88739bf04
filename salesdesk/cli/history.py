"""Undo and redo from the command line: the one journal the board's ``u`` and ``U`` use."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from salesdesk.cli.common import (
    DbOption,
    app,
    cli_now,
    fail,
    handles_errors,
    open_db,
    out_console,
)
from salesdesk.data import store
from salesdesk.text import one_line


@app.command()
@handles_errors
def undo(
    ctx: typer.Context,
    list_: Annotated[
        bool,
        typer.Option("--list", help="Show what the next undos would reverse; change nothing."),
    ] = False,
    count: Annotated[
        int, typer.Option("--count", min=1, max=100, help="With --list: how many changes.")
    ] = 5,
    db: DbOption = None,
) -> None:
    """Undo the last change (regrade, log, edit, drop...), from the CLI or the board."""
    with open_db(ctx, db) as database:
        if list_:
            show_history(database, count)
            return
        result = store.undo(database, now=cli_now())
    if result is None:
        raise fail("nothing to undo", 1)
    typer.echo(f"undone: {one_line(result.label)} (salesdesk redo puts it back)")


@app.command()
@handles_errors
def redo(ctx: typer.Context, db: DbOption = None) -> None:
    """Put back what the last undo reversed (until another change is made)."""
    with open_db(ctx, db) as database:
        result = store.redo(database, now=cli_now())
    if result is None:
        raise fail("nothing to redo: only what undo reversed, before any other change", 1)
    typer.echo(f"redone: {one_line(result.label)}")


def show_history(database: store.Database, count: int) -> None:
    """The next ``count`` changes undo would reverse, newest first, a few lines each; and
    what redo would put back, if anything."""
    console = out_console()
    again = store.next_redo(database)
    if again is not None:
        line = Text("redo would put back: ", style="dim")
        line.append_text(Text(one_line(again)))
        console.print(line)
    entries = store.undo_history(database, count)
    if not entries:
        console.print(Text("nothing to undo"))
        return
    for index, entry in enumerate(entries, 1):
        head = Text(f"{index}. {entry.at:%a %d %b %H:%M}  ", style="bold")
        head.append_text(Text(one_line(entry.label)))
        console.print(head)
        for said in entry.lines:
            console.print(Text(f"     {one_line(said)}", style="dim"))
