"""``salesdesk review``: the week's figures on the terminal, as JSON, or a Markdown report
(the same sections and sentences as the screen, from one presenter)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from salesdesk.cli.common import (
    DbOption,
    app,
    cli_now,
    cli_today,
    handles_errors,
    open_db,
    out_console,
)
from salesdesk.data.db import Database
from salesdesk.errors import InputError

if TYPE_CHECKING:
    from salesdesk.rules.review import WeeklyReview


@app.command("review")
@handles_errors
def review_command(
    ctx: typer.Context,
    week: Annotated[
        str | None,
        typer.Option(
            "--week",
            help="A day of the week to review (2026-11-16, fri), or this, last, -2w. "
            "Weeks run Monday to Sunday. Default: this week.",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    markdown: Annotated[
        Path | None,
        typer.Option(
            "--markdown", metavar="FILE", help="Write a Markdown report to FILE.",
            show_default=False,
        ),
    ] = None,
    team: Annotated[
        bool, typer.Option("--team", help="A lead's review: each rep's week, then the team's "
                           "(a team database on PostgreSQL).")
    ] = False,
    rep: Annotated[
        str | None,
        typer.Option("--rep", metavar="NAME", help="One rep's week (a lead on a team "
                     "database; a rep may name only themselves).", show_default=False),
    ] = None,
    db: DbOption = None,
) -> None:
    """The weekly review: pool, outcomes, activity, 80/20, retention, funnel, trends."""
    import json
    import sys

    from salesdesk.data.review import load_weekly_review
    from salesdesk.render.markdown import markdown_report
    from salesdesk.rules.review import parse_week

    today = cli_today()
    start = parse_week(week, today, past=True)
    if markdown is not None:
        _check_target(markdown)
    if team and rep is not None:
        raise InputError("--team and --rep: choose one (--team has every rep's week)")
    with open_db(ctx, db, read_only=not (team or rep)) as database:
        if team:
            _team_review(database, start, today, as_json)
            return
        if rep is not None:
            review = _rep_review(database, rep, start)
        else:
            review = load_weekly_review(database, start, cli_now())
    if markdown is not None:
        from salesdesk.files import write_private

        write_private(markdown, markdown_report(review).encode("utf-8"))
    if as_json:
        sys.stdout.write(json.dumps(review.to_json(), ensure_ascii=False, indent=1) + "\n")
    elif markdown is not None:
        typer.echo(f"wrote the {review.iso_week} review to {markdown}")
    else:
        _print(review)


def _team_review(database: Database, start: date, today: date, as_json: bool) -> None:
    """Each rep's week (the lead acting as that rep, so the server's policies pick the
    rows), then the whole team's (everything the lead sees)."""
    import json
    import sys

    from salesdesk.data.review import load_weekly_review

    if not database.is_postgres:
        raise InputError("--team needs a team database on PostgreSQL (salesdesk team init)")
    from salesdesk.data.team import members, rep_database

    reviews = {}
    for member in members(database):  # type: ignore[arg-type]
        if member.lead:
            continue
        seen = rep_database(database, member.name)  # type: ignore[arg-type]
        try:
            reviews[member.name] = load_weekly_review(seen, start, today)
        finally:
            seen.close()
    whole = load_weekly_review(database, start, today)
    if as_json:
        data = {"reps": {n: r.to_json() for n, r in reviews.items()}, "team": whole.to_json()}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        return
    console = out_console()
    for name, review in [*reviews.items(), ("the team", whole)]:
        console.print(Text(f"── {name} ", style="bold"), Text("─" * 40), sep="")
        _print(review)


def _rep_review(database: Database, rep: str, start: date) -> WeeklyReview:
    """One rep's week, read as that rep (the server's policies pick the rows)."""
    from salesdesk.data.review import load_weekly_review

    if not database.is_postgres:
        raise InputError("--rep needs a team database on PostgreSQL (salesdesk team init)")
    from salesdesk.data.team import review_as

    seen = review_as(database, rep)  # type: ignore[arg-type]
    try:
        return load_weekly_review(seen, start, cli_now())
    finally:
        seen.close()


def _check_target(path: Path) -> None:
    if path.is_dir():
        raise InputError(f"{path} is a folder: give a file name, e.g. {path / 'review.md'}")
    if not path.parent.exists():
        raise InputError(f"folder {path.parent} does not exist")


def _print(review: WeeklyReview) -> None:
    """The presenter's sections on the terminal (user text as literal Text)."""
    from salesdesk.render.review_figures import TERMINAL_TOP, figures_report
    from salesdesk.rules.review import present

    out_console().print(figures_report(present(review, TERMINAL_TOP)))
