"""``salesdesk today``: everything due today and overdue, in the Today screen's order."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from salesdesk.cli.common import (
    DbOption,
    app,
    cli_now,
    cli_today,
    handles_errors,
    open_db,
    out_console,
)


@app.command("today")
@handles_errors
def today_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Today's list: complaints to answer, new leads, calls, visits with times, messages,
    birthdays, thank-yous, regrades."""
    from salesdesk.data.today import today_list
    from salesdesk.render.today_lines import empty_text, item_json, item_line

    today = cli_today()
    with open_db(ctx, db) as database:
        items = today_list(database, cli_now())
    if as_json:
        sys.stdout.write(json.dumps([item_json(i) for i in items], ensure_ascii=False,
                                    indent=1) + "\n")
        return
    console = out_console()
    if not items:
        console.print(empty_text(today))
        return
    console.print(f"Today, {today:%a %d %b}: {len(items)} to do", style="bold")
    for number, item in enumerate(items, 1):
        card = f"   #{item.prospect_id}"
        line = item_line(item, max(20, console.width - 5 - len(card)))  # one line each
        line.append(card, style="dim")
        console.print(f"{number:>3}. ", end="")
        console.print(line)
