"""``salesdesk review``: the week's figures on the terminal, as JSON, or a Markdown report
(the same sections and sentences as the screen, from one presenter)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
    with open_db(ctx, db) as database:
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
