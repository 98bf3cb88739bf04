"""Card commands: add, list, show, grade, log, next, won / drop / park / lost / reopen, demo
and config (undo and redo: :mod:`salesdesk.cli.history`).

Every command shares the store with the TUI, so what ``list`` prints and what the board
shows are the same cards in the same order.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

import typer
from rich.text import Text

from salesdesk.cli.common import (
    CardArg,
    DbOption,
    app,
    card_id,
    cli_now,
    cli_today,
    err_console,
    handles_errors,
    open_db,
    out_console,
)
from salesdesk.cli.listing import ListOptions, ListOutput, list_cards_command
from salesdesk.data import store
from salesdesk.enums import Status
from salesdesk.errors import InputError
from salesdesk.render.card_detail import detail_lines
from salesdesk.rules.dates import day_name, parse_next_date
from salesdesk.rules.fields import parse_money
from salesdesk.rules.grading import parse_grade
from salesdesk.rules.reasons import parse_reason, reason_menu, reason_said
from salesdesk.rules.step_kinds import parse_step_kind
from salesdesk.text import one_line

# --------------------------------------------------------------------------- commands


@app.command()
@handles_errors
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Person or company name.")],
    company: Annotated[str, typer.Option(help="Company.")] = "",
    phone: Annotated[str, typer.Option(help="Phone.")] = "",
    email: Annotated[str, typer.Option(help="Email.")] = "",
    wechat: Annotated[str, typer.Option("--wechat", help="WeChat ID (微信).")] = "",
    area: Annotated[str, typer.Option(help="Area or district (groups visits).")] = "",
    source: Annotated[
        str, typer.Option(help="Where the lead came from (web, phone-in...: first-contact clock).")
    ] = "",
    grade: Annotated[str, typer.Option(help="A, B or C.")] = "C",
    value: Annotated[str, typer.Option(help="Estimated deal value, e.g. 12000 or 12k.")] = "",
    next: Annotated[
        str, typer.Option("--next", help="Next-step date (fri, +3d, 2026-12-01).")
    ] = "",
    action: Annotated[str, typer.Option(help="Next action.")] = "",
    notes: Annotated[str, typer.Option(help="Notes (anything worth remembering).")] = "",
    tags: Annotated[str, typer.Option(help="Tags, comma separated.")] = "",
    db: DbOption = None,
) -> None:
    """Add a prospect and print its id."""
    today = cli_today()
    values: dict[str, Any] = {
        "company": company.strip(),
        "phone": phone.strip(),
        "email": email.strip(),
        "wechat": wechat.strip(),
        "area": area.strip(),
        "source": source.strip(),
        "notes": notes,
        "tags": ", ".join(t.strip() for t in tags.split(",") if t.strip()),
        "grade": parse_grade(grade).value,
        "value": parse_money(value),
        "next_date": parse_next_date(next, today),
        "next_action": action.strip(),
    }
    if not name.strip():
        raise InputError("a prospect needs a name")
    with open_db(ctx, db, create=True) as database:
        prospect_id = store.add_prospect(database, cli_now(), name, **values)
        from salesdesk.cli.merge import warn_duplicates

        warn_duplicates(database, name, values["phone"], values["email"], values["company"],
                        prospect_id)
    typer.echo(prospect_id)


@app.command("list")
@handles_errors
def list_(
    ctx: typer.Context,
    grade: Annotated[str | None, typer.Option(help="Only this grade (A, B or C).")] = None,
    status: Annotated[
        str | None, typer.Option(help="live (default), customer, parked, dropped, lost or all.")
    ] = None,
    due: Annotated[
        bool, typer.Option("--due", help="Only cards due for review or overdue.")
    ] = False,
    search: Annotated[str | None, typer.Option(help="Text in name, company, notes...")] = None,
    man: Annotated[
        str | None,
        typer.Option("--man", help="MAN verdict: qualified, contact, nurture, drop, incomplete."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
    totals: Annotated[
        bool,
        typer.Option(
            "--totals",
            help="With --json: an object, the cards and the listed cards' value and "
            "forecast by grade.",
        ),
    ] = False,
    limit: Annotated[
        str | None,
        typer.Option("--limit", metavar="N", show_default=False,
                     help="At most N cards (a terminal gets a screenful without it)."),
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Every card, on a terminal too.")
    ] = False,
    db: DbOption = None,
) -> None:
    """List prospects in urgency order (the board's order); the footer line sums their
    value and the weighted forecast. A terminal gets a screenful and a line saying how
    many more there are; piped output has every card."""
    options = ListOptions(grade=grade, status=status, due=due, search=search, man=man,
                          as_json=as_json, totals=totals, limit=limit, show_all=show_all)
    list_cards_command(options, lambda: open_db(ctx, db, read_only=True),
                       ListOutput.rich(out_console()), cli_now())


@app.command()
@handles_errors
def show(
    ctx: typer.Context,
    card: CardArg,
    db: DbOption = None,
) -> None:
    """Show one card: every field, the urgency breakdown and the timeline."""
    from salesdesk.data.merge import contact_points
    from salesdesk.render.literal import literal_line

    with open_db(ctx, db, read_only=True) as database:
        prospect_id = card_id(database, card)
        detail = store.get_prospect(database, prospect_id, cli_now())
        points = contact_points(database, prospect_id)
    console = out_console()
    for part in detail_lines(detail):
        console.print(part)
    for kind, label, value in points:  # the further phones and emails (schema 7)
        line = Text(f"  more {kind}s{f' ({label})' if label else ''}: ", style="dim")
        line.append_text(literal_line(value))
        console.print(line)


@app.command()
@handles_errors
def grade(
    ctx: typer.Context,
    card: CardArg,
    new_grade: Annotated[str, typer.Argument(metavar="GRADE", help="A, B or C.")],
    db: DbOption = None,
) -> None:
    """Regrade a card (the same grade marks it reviewed)."""
    value = parse_grade(new_grade)
    with open_db(ctx, db) as database:
        prospect_id = card_id(database, card)
        old = store.regrade(database, cli_now(), prospect_id, value)
    typer.echo(
        f"{prospect_id}: {old} → {value}" if old != value else f"{prospect_id}: kept {value}"
    )


@app.command()
@handles_errors
def log(
    ctx: typer.Context,
    card: CardArg,
    kind: Annotated[
        str, typer.Option(help="call, visit, message, email, meeting or note.")
    ] = "call",
    note: Annotated[str, typer.Option(help="What happened.")] = "",
    outcome: Annotated[str, typer.Option(help="Outcome.")] = "",
    next: Annotated[str | None, typer.Option("--next", help="Next-step date.")] = None,
    action: Annotated[str | None, typer.Option(help="Next action.")] = None,
    topic: Annotated[str | None, typer.Option(help="Topic left for next time.")] = None,
    next_kind: Annotated[
        str | None, typer.Option("--next-kind", help="The next step's kind (see 'next').")
    ] = None,
    db: DbOption = None,
) -> None:
    """Log a touch (call, visit, ...) and optionally set the next step."""
    next_date = parse_next_date(next, cli_today()) if next else None
    chosen = _step_kind(next_kind)
    with open_db(ctx, db) as database:
        prospect_id = card_id(database, card)
        store.log_touch(
            database,
            cli_now(),
            prospect_id,
            kind,
            note,
            outcome=outcome,
            next_date=next_date,
            next_action=action,
            next_topic=topic,
            next_kind=chosen,
        )
    step = f" · next step {said(next_date)}" if next_date else ""
    typer.echo(f"{prospect_id}: logged {kind.strip().lower()}{step}")


def said(day: date) -> str:
    """A date as a confirmation names it: ``Fri 27 Nov (2026-11-27)``."""
    return f"{day_name(day, cli_today())} ({day.isoformat()})"


@app.command("next")
@handles_errors
def next_(
    ctx: typer.Context,
    card: CardArg,
    when: Annotated[str, typer.Argument(metavar="DATE", help="Date, or 'none' to clear.")],
    action: Annotated[str | None, typer.Option(help="Next action.")] = None,
    kind: Annotated[
        str | None,
        typer.Option(help="call, visit, meeting, message, email or other (default: from "
                          "the action's words, else the last touch, else call)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Set the next-step date (and action and kind)."""
    day = parse_next_date(when, cli_today())
    chosen = _step_kind(kind)
    with open_db(ctx, db) as database:
        prospect_id = card_id(database, card)
        store.set_next_step(database, cli_now(), prospect_id, day, action, chosen)
        step_kind = store.get_card(database, prospect_id, cli_today()).next_kind
    typer.echo(f"{prospect_id}: next step {f'{said(day)} · {step_kind}' if day else 'cleared'}")


def _step_kind(kind: str | None) -> str | None:
    """A typed step kind, or a refusal (exit 2) naming the kinds."""
    if kind is None:
        return None
    try:
        return parse_step_kind(kind)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def _status_command(status: Status, verb: str) -> Callable[..., None]:
    def command(
        ctx: typer.Context,
        card: CardArg,
        db: DbOption = None,
    ) -> None:
        with open_db(ctx, db) as database:
            prospect_id = card_id(database, card)
            store.set_status(database, cli_now(), prospect_id, status)
        typer.echo(f"{prospect_id}: {verb}")

    command.__doc__ = f"Mark a card {verb}."
    return handles_errors(command)


@app.command()
@handles_errors
def won(
    ctx: typer.Context,
    card: CardArg,
    value: Annotated[str | None, typer.Option(help="Deal value, e.g. 12000 or 12k.")] = None,
    db: DbOption = None,
) -> None:
    """Mark a card won: it becomes a customer."""
    amount = parse_money(value) if value is not None else None
    with open_db(ctx, db) as database:
        prospect_id = card_id(database, card)
        store.set_status(database, cli_now(), prospect_id, Status.CUSTOMER, value=amount)
    typer.echo(f"{prospect_id}: won" + (f" ({amount:,.0f})" if amount else ""))


def _closing_command(status: Status, verb: str) -> Callable[..., None]:
    """drop and lost: the status change with why (a reason of the list and/or words)."""

    def command(
        ctx: typer.Context,
        card: CardArg,
        reason: Annotated[
            str | None, typer.Option("--reason", help=f"Why: {reason_menu()} (or a word).")
        ] = None,
        why: Annotated[str, typer.Option("--why", help="Why, in your own words.")] = "",
        db: DbOption = None,
    ) -> None:
        key = parse_reason(reason)
        with open_db(ctx, db) as database:
            prospect_id = card_id(database, card)
            store.set_status(
                database, cli_now(), prospect_id, status, reason=key, reason_note=why
            )
        said = reason_said(key, why)
        typer.echo(f"{prospect_id}: {verb}" + (f" · {one_line(said)}" if said else ""))

    command.__doc__ = f"Mark a card {verb}, with why (--reason, --why)."
    return handles_errors(command)


app.command("drop")(_closing_command(Status.DROPPED, "dropped (stop contact)"))
app.command("park")(_status_command(Status.PARKED, "parked"))
app.command("lost")(_closing_command(Status.LOST, "lost"))
app.command("reopen")(_status_command(Status.LIVE, "live again"))


@app.command()
@handles_errors
def demo(
    ctx: typer.Context,
    prospects: Annotated[int, typer.Option(min=1, max=1_000_000, help="How many cards.")] = 120,
    force: Annotated[bool, typer.Option(help="Replace existing data (a backup is kept).")] = False,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    db: DbOption = None,
) -> None:
    """Fill the database with realistic demo data (refuses a non-empty one unless --force)."""
    from salesdesk.data.copy import backup_database
    from salesdesk.data.demo import fill_demo

    with open_db(ctx, db, create=True) as database:
        existing = store.count_prospects(database)
        if existing and not force:
            raise InputError(
                f"the database already has {existing} prospects: use --force to replace them"
            )
        if existing and database.is_postgres:
            raise InputError(
                "demo --force would replace every card on the server: fill an empty "
                "database instead (or a file: --db FILE)"
            )
        if existing:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            kept = backup_database(
                database.path,
                database.path.with_name(f"{database.path.name}.before-demo-{stamp}.bak"),
            )
            typer.echo(f"backup of the old data: {kept}")
        if prospects >= 5_000 and sys.stderr.isatty():
            from rich.progress import Progress

            with Progress(console=err_console(), transient=True) as bar:
                task = bar.add_task("demo data", total=prospects)
                fill_demo(
                    database,
                    cli_today(),
                    prospects,
                    seed=seed,
                    replace=bool(existing),
                    progress=lambda n: bar.advance(task, n),
                )
        else:
            fill_demo(database, cli_today(), prospects, seed=seed, replace=bool(existing))
    typer.echo(f"added {prospects} demo prospects")


@app.command()
@handles_errors
def config(
    ctx: typer.Context,
    key: Annotated[str | None, typer.Argument(help="Setting name, e.g. pool_target.")] = None,
    value: Annotated[str | None, typer.Argument(help="New value.")] = None,
    db: DbOption = None,
) -> None:
    """Show or change settings (pool_target: live prospects to keep, default 50)."""
    from salesdesk.rules.settings import SETTINGS

    # Only setting a value may create the database; showing settings needs one already.
    with open_db(ctx, db, create=value is not None) as database:
        if key is None:
            for name, current in store.get_settings(database).items():
                typer.echo(f"{name} = {current}".ljust(32) + f"  # {SETTINGS[name].help}")
            typer.echo(f"database = {database.describe()}")
            return
        if key not in SETTINGS:
            raise InputError(f"unknown setting {key!r}: known are {', '.join(SETTINGS)}")
        if value is not None:
            store.set_setting(database, key, value)
        typer.echo(f"{key} = {store.get_setting(database, key)}")
