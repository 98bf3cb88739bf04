"""``salesdesk man ID``: set and read the MAN qualification of a card."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from salesdesk.cli.common import (
    CardArg,
    DbOption,
    app,
    card_id,
    cli_now,
    cli_today,
    handles_errors,
    open_db,
    out_console,
)
from salesdesk.data import store
from salesdesk.render.literal import literal_line
from salesdesk.render.palette import VERDICT_STYLE
from salesdesk.rules.man import PRIORITY_LABELS, Priority

Answer = Annotated[str | None, typer.Option(help="yes, no or unknown.", show_default=False)]


@app.command("man")
@handles_errors
def man_command(
    ctx: typer.Context,
    card: CardArg,
    money: Answer = None,
    authority: Answer = None,
    need: Answer = None,
    decider: Annotated[
        str | None, typer.Option(help="Who has the authority (when it is not this person).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Set Money / Authority / Need (yes, no, unknown) and print the verdict and advice."""
    with open_db(ctx, db) as database:
        prospect_id = card_id(database, card)
        if any(v is not None for v in (money, authority, need, decider)):
            store.set_man(database, cli_now(), prospect_id, money=money, authority=authority,
                          need=need, decider=decider)
        state = store.get_man(database, prospect_id, cli_today())
    result = state.result
    console = out_console()
    title = Text(f"#{state.id} ")
    title.append_text(literal_line(state.name, style="bold"))
    console.print(title)
    line = Text()
    line.append(result.case, style="bold")
    line.append("  ")
    line.append(result.verdict.label, style=VERDICT_STYLE[result.verdict])
    console.print(line)
    console.print(Text(result.advice))
    if result.next_question:
        console.print(Text(f"Ask next: {result.next_question}", style="bold"))
    if state.decider:
        console.print(Text("Decision-maker: ").append_text(literal_line(state.decider)))
    score = sum(state.potential.values())
    how = "set by hand" if state.priority_set else "suggested"
    console.print(Text(f"Potential {score}/7 · priority {state.priority} "
                       f"({PRIORITY_LABELS[Priority(state.priority)]}, {how})", style="dim"))
