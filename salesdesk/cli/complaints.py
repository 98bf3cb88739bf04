"""``salesdesk complaint ID ...`` (record one on card ID, or take its next step) and
``salesdesk complaints`` (the list: open by deadline, then recently resolved)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.text import Text

from salesdesk.cli.common import (
    DbOption,
    app,
    card_id,
    cli_now,
    handles_errors,
    open_db,
    out_console,
)
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.errors import InputError
from salesdesk.rules.complaints import STEP_LABELS, Step, answer_due, steps_missing
from salesdesk.rules.dates import parse_moment


def _target(database: Database, prospect_id: int, step: Step, chosen: int | None) -> int:
    """The complaint a step is for: ``--complaint N`` (it must be the card's), else the
    card's oldest complaint still missing that step (follow-up: a resolved one)."""
    rows = store.list_complaints(database, prospect_id=prospect_id)
    if chosen is not None:
        if not any(r.id == chosen for r in rows):
            raise InputError(f"complaint {chosen} is not one of card {prospect_id}'s")
        return chosen
    store.get_card(database, prospect_id, cli_now())  # NotFound for an unknown card
    for row in rows:
        if step == Step.ANSWERED and row.answered_at is None and row.is_open:
            return row.id
        if step == Step.CAUSE and row.cause_kind is None:
            return row.id
        if step == Step.RESOLVED and row.is_open:
            return row.id
        if step == Step.FOLLOWED_UP and not row.is_open and row.followed_up_at is None:
            return row.id
    if step == Step.LESSON and rows:
        return rows[-1].id
    if not rows:
        raise InputError(f"card {prospect_id} has no complaint: record one first "
                         f"(salesdesk complaint {prospect_id} \"what they said\")")
    raise InputError(f"no complaint of card {prospect_id} is waiting to be "
                     f"{STEP_LABELS[step]}")


@app.command()
@handles_errors
def complaint(
    ctx: typer.Context,
    card: Annotated[str, typer.Argument(metavar="CARD", help="The card: its id or name.")],
    said: Annotated[
        str | None, typer.Argument(metavar="SAID", help="What the customer said (records one).")
    ] = None,
    expected: Annotated[str, typer.Option(help="What they expected.")] = "",
    channel: Annotated[str, typer.Option(help="How it came in: phone, email, visit...")] = "",
    answer: Annotated[bool, typer.Option("--answer", help="Answered (stops the clock).")] = False,
    cause: Annotated[
        str | None,
        typer.Option(help="Cause found: expectation, quality, service or other."),
    ] = None,
    resolve: Annotated[
        str | None, typer.Option(help="Resolved: what was done.")
    ] = None,
    compensation: Annotated[str, typer.Option(help="With --resolve: compensation.")] = "",
    follow_up: Annotated[
        bool, typer.Option("--follow-up", help="Followed up after the resolution.")
    ] = False,
    lesson: Annotated[str | None, typer.Option(help="The lesson learnt.")] = None,
    note: Annotated[str, typer.Option(help="With a step: what was said or found.")] = "",
    at: Annotated[
        str | None, typer.Option(help="When: 14:30, yesterday 16:30, -2h (default now).")
    ] = None,
    which: Annotated[
        int | None, typer.Option("--complaint", help="The complaint's number, if several.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Record a complaint on CARD (SAID), or take a step of it (one of --answer, --cause,
    --resolve, --follow-up, --lesson). CARD is an id or a name."""
    now = cli_now()
    when = parse_moment(at, now) if at is not None else None
    steps = [
        (Step.ANSWERED, answer), (Step.CAUSE, cause is not None),
        (Step.RESOLVED, resolve is not None), (Step.FOLLOWED_UP, follow_up),
        (Step.LESSON, lesson is not None),
    ]
    chosen = [step for step, given in steps if given]
    if len(chosen) > 1:
        raise InputError(
            "one step at a time: --answer, --cause, --resolve, --follow-up or --lesson"
        )
    if chosen and said is not None:
        raise InputError("give either what the customer said (a new complaint) or a step")
    if compensation and resolve is None:
        raise InputError("--compensation goes with --resolve")
    with open_db(ctx, db) as database:
        prospect_id = card_id(database, card)
        if not chosen:
            if said is None:
                raise InputError(
                    f"say what the customer said: salesdesk complaint {card.strip()} \"...\" "
                    "(or take a step: --answer, --cause, --resolve, --follow-up, --lesson)"
                )
            if note:
                raise InputError("--note goes with a step; --expected says what they expected")
            new_id = store.record_complaint(
                database, now, prospect_id, said, expected=expected, channel=channel,
                received_at=when,
            )
            row = store.get_complaint(database, new_id)
            due = answer_due(row.received_at, store.answer_hours(database))
            typer.echo(f"{prospect_id}: complaint {new_id} recorded · answer by "
                       f"{due:%a %d %b %H:%M}")
            return
        step = chosen[0]
        if expected or channel:
            raise InputError("--expected and --channel go with a new complaint")
        text = {Step.RESOLVED: resolve, Step.LESSON: lesson}.get(step) or note
        target = _target(database, prospect_id, step, which)
        row = store.take_step(database, now, target, step, text, at=when,
                              cause_kind=cause, compensation=compensation)
    extra = ""
    if step == Step.RESOLVED and row.resolved_at is not None:
        extra = " · follow-up set as the next step"
    typer.echo(f"{prospect_id}: complaint {target} {STEP_LABELS[step]}{extra}")


@app.command()
@handles_errors
def complaints(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="Only open complaints.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
    db: DbOption = None,
) -> None:
    """List complaints: open ones by deadline, then those resolved in the last 30 days."""
    from salesdesk.render.complaints import board_lines

    now = cli_now()
    with open_db(ctx, db) as database:
        board = store.complaint_board(database, now)
    if open_only:
        board = store.ComplaintBoard(board.open, [], board.hours)
    if as_json:
        rows = [*board.open, *board.closed]
        out = []
        for row in rows:
            item = row.as_dict()
            item["answer_due"] = board.due(row).isoformat()
            item["steps_missing"] = [str(s) for s in steps_missing(row.facts)]
            out.append(item)
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
        return
    console = out_console()
    lines = board_lines(board, now, console.width)
    if open_only:
        lines = lines[: len(board.open) + 1] or [Text("No open complaint.")]
    for line in lines:
        console.print(line, no_wrap=True, overflow="ellipsis", crop=False)
