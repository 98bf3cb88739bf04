"""``duplicates`` (likely and possible pairs across the whole book) and ``merge``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from salesdesk.cli.common import DbOption, app, cli_now, handles_errors, open_db, out_console
from salesdesk.data.db import Database
from salesdesk.render import palette
from salesdesk.render.literal import literal_line


def warn_duplicates(
    database: Database, name: str, phone: str, email: str, company: str, new_id: int
) -> None:
    """After ``add``: say on stderr which cards the new one likely duplicates."""
    from salesdesk.cli.common import err_console
    from salesdesk.data.merge import likely_duplicates
    from salesdesk.data.settings import get_setting

    region = get_setting(database, "phone_region")
    found = likely_duplicates(database, region, name, phone, email, company, exclude=new_id)
    for pid, other, reason in found[:5]:
        line = Text(f"warning: likely a duplicate of #{pid} ", style=palette.CLI_WARNING)
        line.append_text(literal_line(other))
        line.append(f" ({reason}): salesdesk merge {pid} {new_id} folds them into one")
        err_console().print(line)


@app.command()
@handles_errors
def duplicates(
    ctx: typer.Context,
    likely_only: Annotated[
        bool, typer.Option("--likely", help="Only likely duplicates (not possible ones).")
    ] = False,
    db: DbOption = None,
) -> None:
    """List cards that are likely (or possibly) the same contact."""
    from salesdesk.data.merge import find_duplicates
    from salesdesk.data.settings import get_setting

    with open_db(ctx, db) as database:
        pairs = find_duplicates(database, get_setting(database, "phone_region"))
    pairs = [p for p in pairs if p.verdict == "likely" or not likely_only]
    console = out_console()
    if not pairs:
        console.print("No duplicates found.")
        return
    for pair in pairs:
        line = Text(f"{pair.verdict:<8} #{pair.first} ", style="bold" if pair.verdict ==
                    "likely" else "")
        line.append_text(literal_line(pair.first_name))
        line.append(f"  ·  #{pair.second} ")
        line.append_text(literal_line(pair.second_name))
        line.append(f"  ({pair.reason})", style="dim")
        console.print(line)
    likely = sum(1 for p in pairs if p.verdict == "likely")
    console.print(Text(f"{likely:,} likely, {len(pairs) - likely:,} possible. Merge a pair "
                       "with: salesdesk merge KEEP OTHER (undo: salesdesk undo)", style="dim"))


@app.command()
@handles_errors
def merge(
    ctx: typer.Context,
    keep: Annotated[int, typer.Argument(metavar="KEEP", help="The card that stays.")],
    other: Annotated[int, typer.Argument(metavar="OTHER", help="The card folded into it.")],
    db: DbOption = None,
) -> None:
    """Merge card OTHER into card KEEP: every activity, visit, phone and email is kept."""
    from salesdesk.data.merge import merge as merge_cards

    with open_db(ctx, db) as database:
        result = merge_cards(database, cli_now(), keep, other)
    filled = f"; filled {', '.join(result.filled)}" if result.filled else ""
    typer.echo(
        f"merged #{result.removed} into #{result.kept}: moved {result.moved} activities, "
        f"visits and contacts{filled} (undo: salesdesk undo)"
    )
