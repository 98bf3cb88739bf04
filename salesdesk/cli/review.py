"""``salesdesk review``: the week's figures as Rich tables, JSON, or a Markdown report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesdesk.cli.common import DbOption, app, cli_today, handles_errors, open_db, out_console
from salesdesk.errors import InputError
from salesdesk.rules.fields import plural

if TYPE_CHECKING:
    from salesdesk.rules.review import WeeklyReview

TOP = 10


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
    from salesdesk.rules.review import markdown_report, parse_week

    today = cli_today()
    start = parse_week(week, today, past=True)
    if markdown is not None:
        _check_target(markdown)
    with open_db(ctx, db) as database:
        review = load_weekly_review(database, start, today)
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
    """Rich tables on the terminal; user text as literal Text."""
    from rich.table import Table
    from rich.text import Text

    from salesdesk.render.literal import literal_line
    from salesdesk.rules.review import amount, bars, percent, week_label

    console = out_console()

    def who(name: str, company: str) -> Text:
        text = literal_line(name)
        if company:
            text.append(" · ", style="dim")
            text.append_text(literal_line(company, style="dim"))
        return text

    def table(title: str, *columns: str) -> Table:
        console.print(Text(title, style="bold"))
        grid = Table(box=None, header_style="dim", pad_edge=False)
        for index, name in enumerate(columns):
            grid.add_column(name, justify="left" if index == 0 else "right", overflow="ellipsis",
                            no_wrap=True, max_width=40 if index == 0 else None)
        return grid

    r = review
    head = Text(f"Weekly review {week_label(r)}", style="bold")
    head.append(f"   as of {r.as_of.isoformat()} · {r.selling_weeks_left:g} effective selling "
                f"weeks left in {r.as_of.year}", style="dim")
    console.print(head)
    console.print()
    pool = r.pool
    grid = table("Pool", "", "A", "B", "C", "live", "target", "to add", "new")
    grid.add_row("live prospects", *(str(pool.by_grade[g]) for g in "ABC"), str(pool.live),
                 str(pool.target), Text(str(pool.to_add), style="red" if pool.to_add else ""),
                 str(pool.new))
    console.print(grid)
    console.print()
    out = r.outcomes
    grid = table("Outcomes", "", "cards", "value")
    for label, refs in (("won", out.won), ("lost", out.lost), ("dropped", out.dropped),
                        ("parked", out.parked), ("reopened", out.reopened)):
        grid.add_row(label, str(len(refs)), amount(out.won_value) if label == "won" else "")
    grid.add_row("promoted", str(len(out.promoted)), "")
    grid.add_row("demoted", str(len(out.demoted)), "")
    console.print(grid)
    for label, refs, style in (("won", out.won, "green"), ("lost", out.lost, "red"),
                               ("dropped", out.dropped, "dim"), ("parked", out.parked, "dim"),
                               ("reopened", out.reopened, "")):
        for ref in refs[:TOP]:
            line = Text(f"  {label:<8} ", style=style)
            line.append_text(who(ref.name, ref.company))
            if label == "won":
                line.append(f"  {amount(ref.value)}")
            console.print(line)
    for label, moves in (("up", out.promoted), ("down", out.demoted)):
        for move in moves[:TOP]:
            line = Text(f"  {label:<4} ", style="dim")
            line.append_text(who(move.name, move.company))
            line.append(f"  {move.from_grade} → {move.to_grade}")
            console.print(line)
    console.print()
    act = r.activity
    v = act.visits
    grid = table("Activity", "", *act.by_kind)
    grid.add_row("logged", *(str(n) for n in act.by_kind.values()))
    console.print(grid)
    console.print(Text(f"visits: {v.planned} planned · {v.done} done · {v.missed} missed · "
                       f"{v.open} open · {v.moved} moved · {v.cancelled} cancelled"))
    console.print(Text(f"{plural(act.touches, 'touch', 'touches')}: "
                       + " · ".join(f"{k} {n}" for k, n in act.by_grade.items())
                       + f" · key accounts {act.key_accounts}"))
    console.print()
    grid = table("Where the time went", "", "touches", "share", "guidance")
    for share in act.time:
        off = share.key == "no_intention" and share.touches
        grid.add_row(share.label, str(share.touches),
                     Text(percent(share.share), style="red" if off else ""), f"{share.guidance}%")
    console.print(grid)
    console.print()
    p = r.pareto
    console.print(Text("80/20", style="bold"))
    if p.customers:
        console.print(Text(
            f"top 20% of customers ({p.top_count} of {p.customers}) brought "
            f"{percent(p.top_share)} of 12-month revenue ({amount(p.top_revenue)} of "
            f"{amount(p.revenue)}) and got {percent(p.top_touch_share)} of this week's touches"
        ))
        for c in p.top[:TOP]:
            line = Text("  ")
            line.append_text(who(c.name, c.company))
            touches = plural(c.touches, "touch", "touches")
            line.append(f"  {amount(c.revenue)} · {touches}", style="dim")
            console.print(line)
    else:
        console.print(Text("no revenue recorded in the last 12 months", style="dim"))
    console.print()
    ret = r.retention
    if ret.customers:
        silent_ones = plural(ret.count, "customer")
        grid = table(f"Retention: {silent_ones} silent for more than {ret.days} days "
                     f"(value {amount(ret.value)})", "customer", "value", "last contact", "days")
        for silent in ret.customers[:TOP]:
            grid.add_row(who(silent.name, silent.company), amount(silent.value),
                         silent.last_contact.isoformat(), str(silent.days))
        console.print(grid)
    else:
        console.print(Text("Retention", style="bold"))
        console.print(Text(
            f"every customer was contacted within {ret.days} days" if review.funnel["customer"]
            else "no customers yet", style="dim"))
    if ret.count > TOP:
        console.print(Text(f"… and {ret.count - TOP} more (--json lists all)", style="dim"))
    console.print()
    console.print(Text("Stage funnel  ", style="bold")
                  + Text(" → ".join(f"{s} {n}" for s, n in r.funnel.items())))
    console.print()
    grid = table("Trends, last 12 weeks", "", "chart", "this week", "min", "max")
    series: list[tuple[str, list[Any]]] = [
        ("touches", [t.touches for t in r.trends]),
        ("live pool", [t.live for t in r.trends]),
        ("wins", [t.wins for t in r.trends]),
    ]
    for label, values in series:
        grid.add_row(label, Text(bars(values), style="cyan"), str(values[-1]), str(min(values)),
                     str(max(values)))
    console.print(grid)
