"""Visit-plan commands: ``plan``, ``visit``, ``visited``, ``missed``, ``reschedule``, ``unplan``.

Heavy imports (icalendar) stay inside the functions: every command module loads at start.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from salesdesk.cli.common import (
    CardArg,
    DbOption,
    VisitArg,
    app,
    card_id,
    cli_now,
    cli_today,
    err_console,
    handles_errors,
    open_db,
    out_console,
    visit_number,
)
from salesdesk.errors import InputError
from salesdesk.render import palette
from salesdesk.render.literal import literal_line
from salesdesk.rules.dates import day_name, parse_date, parse_next_date
from salesdesk.text import one_line


def _period(week: str | None, month: str | None, today: date) -> Any:
    from salesdesk.rules.planning import month_of, planning_day, week_of

    if week is not None and month is not None:
        raise InputError("use either --week or --month, not both")
    if month is not None:
        return month_of(parse_date(month, today))
    if week is None:
        return week_of(planning_day(today))
    from salesdesk.rules.review import parse_week  # the same week words as `salesdesk review`

    return week_of(parse_week(week, today))


def _visit_json(visit: Any, view: Any) -> dict[str, Any]:
    return {
        "id": visit.id,
        "prospect_id": visit.prospect_id,
        "name": visit.name,
        "company": visit.company,
        "area": visit.area,
        "date": visit.day.isoformat(),
        "start": visit.start,
        "minutes": visit.minutes,
        "purpose": visit.purpose,
        "status": visit.status,
        "outcome": visit.outcome,
        "uid": visit.uid,
        "prospect_status": visit.prospect_status,
        "flags": list(view.flags(visit).messages),
    }


def _suggestion_json(s: Any) -> dict[str, Any]:
    return {
        "prospect_id": s.prospect_id,
        "name": s.name,
        "company": s.company,
        "area": s.area,
        "date": s.day.isoformat() if s.day else None,
        "start": s.start,
        "due": s.due.isoformat(),
        "reason": s.reason,
        "kind": s.kind,
        "purpose": s.purpose,
        "warning": s.warning,
        "note": s.note,
    }


_STATUS_MARK = {
    "done": ("✓ done", palette.CLI_GOOD),
    "missed": ("✗ missed", palette.CLI_ERROR),
    "cancelled": ("cancelled", "dim"),
    "moved": ("moved", "dim"),
}


def _visit_line(visit: Any, view: Any) -> Text:
    line = Text("  ")
    line.append(f"#{visit.id:<5}", style="dim")
    line.append(f"{visit.start or '--:--'}  ", style="bold" if visit.start else "dim")
    line.append_text(literal_line(visit.name, style="bold"))
    if visit.company:
        line.append(" (")
        line.append_text(literal_line(visit.company))
        line.append(")")
    if visit.area:
        line.append(" · ")
        line.append_text(literal_line(visit.area))
    if visit.purpose:
        line.append(" · ")
        line.append_text(literal_line(visit.purpose, style="italic"))
    if visit.status in _STATUS_MARK:
        mark, style = _STATUS_MARK[visit.status]
        line.append(f"  {mark}", style=style)
    for message in view.flags(visit).messages:
        line.append(f"  ⚠ {message}", style=palette.CLI_FLAG)
    return line


def _print_plan(view: Any, today: date, suggestions: Any | None) -> None:
    from salesdesk.rules.planning import NO_ROOM, due_words

    console = out_console()
    console.print(Text(view.period.title, style="bold"))
    week = view.period.kind == "week"
    for day, plan in view.days.items():
        info = plan.info
        if not plan.visits and (day.weekday() == 6 or not (week or info.new_customer_day)):
            continue
        head = Text(
            f"{day:%a} {day.day} {day:%b}", style="bold reverse" if day == today else "bold"
        )
        load = palette.CLI_ALERT if info.over_capacity else "dim"
        head.append(f"  {info.count}/{info.capacity}", style=load)
        if info.over_capacity:
            head.append(" over capacity", style=palette.CLI_ALERT)
        if info.new_customer_day:
            head.append("  ★ new-customer day: new prospects only", style=palette.CLI_NEW_DAY)
        console.print(head)
        for visit in plan.visits:
            console.print(_visit_line(visit, view))
    if not view.visits:
        console.print(Text("No visits planned. Plan one: salesdesk visit ID DATE", style="dim"))
    if suggestions is None:
        return
    console.print(Text("\nSuggestions", style="bold"))
    if not suggestions.items:
        console.print(Text("  nothing to suggest for this period", style="dim"))
    for s in suggestions.items:
        line = Text("  ")
        if s.day:
            # The weekday and the date `salesdesk visit` takes: a later day is plain too.
            line.append(f"{s.day:%a} {s.day.isoformat()} ", style="bold")
            line.append(f"{s.start or '':5} ")
        else:
            line.append(f"{'no room':15}", style=palette.CLI_WARNING)
            line.append("      ")
        line.append(f"#{s.prospect_id} ", style="dim")
        line.append_text(literal_line(s.name, style="bold"))
        if s.area:
            line.append(" · ")
            line.append_text(literal_line(s.area))
        line.append(" · ")
        line.append_text(literal_line(s.purpose, style="italic"))
        line.append(" — ")
        line.append_text(literal_line(s.reason))
        if s.day is None:
            line.append(f" ({due_words(s, today)})", style="dim")
        if s.warning:
            line.append(f"  ⚠ {s.warning}", style=palette.CLI_FLAG)
        if s.note and (s.day or s.note != NO_ROOM):
            line.append(f"  ({one_line(s.note)})", style="dim" if s.day else palette.CLI_WARNING)
        console.print(line)
    if suggestions.more:
        console.print(Text(f"  … and {suggestions.more} more without room", style="dim"))
    if suggestions.items:
        console.print(Text("Accept one with: salesdesk visit PROSPECT_ID DATE", style="dim"))


@app.command()
@handles_errors
def plan(
    ctx: typer.Context,
    week: Annotated[
        str | None, typer.Option(help="Show the week holding this date (default: this week).")
    ] = None,
    month: Annotated[str | None, typer.Option(help="Show the month holding this date.")] = None,
    suggest: Annotated[
        bool, typer.Option("--suggest", help="Also suggest visits (who, which day, why).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ics: Annotated[
        Path | None, typer.Option("--ics", help="Write the period's visits to this .ics file.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Print the visit plan of a week or a month (and suggestions); export it to a calendar."""
    from salesdesk.data import visits
    from salesdesk.data.settings import get_setting

    today = cli_today()
    period = _period(week, month, today)
    with open_db(ctx, db, read_only=True) as database:
        view = visits.plan_view(database, period)
        # The slice of the suggestions for the month of the shown period's planning day:
        # the same computation for --week and --month (and the plan screen).
        late = visits.after_hours(database, cli_now())
        found = visits.suggestions(database, period, today, after_hours=late) if suggest else None
    written = ""
    if ics is not None:
        from salesdesk.data.io.ics import write_ics

        with open_db(ctx, db) as database:
            alarm = int(get_setting(database, "visit_alarm_minutes"))
        count = write_ics(ics, view.visits, cli_now(), alarm_minutes=alarm)
        written = f"wrote {count} visit{'s' if count != 1 else ''} to {ics}"
    if as_json:
        data: dict[str, Any] = {
            "period": period.kind,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "capacity": view.settings.day_capacity,
            "days": [
                {
                    "date": day.isoformat(),
                    "count": plan.info.count,
                    "over_capacity": plan.info.over_capacity,
                    "new_customer_day": plan.info.new_customer_day,
                    "visits": [_visit_json(v, view) for v in plan.visits],
                }
                for day, plan in view.days.items()
            ],
        }
        if found is not None:
            data["suggestions"] = [_suggestion_json(s) for s in found]
            data["suggestions_left_out"] = found.more
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        if written:
            err_console().print(Text(written))
        return
    _print_plan(view, today, found)
    if written:
        typer.echo(written)


def _warn_day(database: Any, visit_id: int) -> None:
    """After planning or moving: say when the day is over capacity or the card is closed."""
    from salesdesk.data import visits
    from salesdesk.rules.planning import week_of

    visit = visits.get_visit(database, visit_id)
    view = visits.plan_view(database, week_of(visit.day))
    info = view.days[visit.day].info
    messages = list(view.flags(visit).messages)
    if info.over_capacity:
        messages.append(
            f"{visit.day:%a} {visit.day.day} {visit.day:%b} has {info.count} visits, "
            f"over the capacity of {info.capacity}"
        )
    for message in messages:
        err_console().print(Text(f"warning: {one_line(message)}", style=palette.CLI_WARNING))


def _minutes(text: str | None) -> int | None:
    from salesdesk.rules.planning import parse_minutes

    return parse_minutes(text) if text else None


@app.command()
@handles_errors
def visit(
    ctx: typer.Context,
    card: CardArg,
    when: Annotated[str, typer.Argument(metavar="DATE", help="Day: fri, +3d, 2026-12-01...")],
    time: Annotated[
        str | None, typer.Option("--time", help="Start time: 9:30, 0930, 14:00 or 2pm.")
    ] = None,
    minutes: Annotated[str | None, typer.Option(help="Length: 45, 1h30.")] = None,
    purpose: Annotated[str, typer.Option(help="What the visit is for.")] = "",
    db: DbOption = None,
) -> None:
    """Plan a visit to a prospect and print the visit id."""
    from salesdesk.data import visits
    from salesdesk.rules.planning import parse_time

    day = parse_date(when, cli_today())
    start = parse_time(time) if time else None
    length = _minutes(minutes)
    with open_db(ctx, db) as database:
        visit_id = visits.plan_visit(
            database, cli_now(), card_id(database, card), day, start=start, minutes=length,
            purpose=purpose,
        )
        _warn_day(database, visit_id)
    typer.echo(visit_id)


@app.command()
@handles_errors
def visited(
    ctx: typer.Context,
    visit: VisitArg,
    note: Annotated[str, typer.Option(help="What was learned (the outcome).")],
    next: Annotated[str | None, typer.Option("--next", help="Next-step date.")] = None,
    action: Annotated[str | None, typer.Option(help="Next action.")] = None,
    topic: Annotated[str | None, typer.Option(help="Topic left for next time.")] = None,
    db: DbOption = None,
) -> None:
    """Record a visit's outcome: it goes on the card's timeline with the next step."""
    from salesdesk.data import visits

    visit_id = visit_number(visit)
    if not note.strip():
        raise InputError("a visit outcome needs a note: what was learned?")
    next_date = parse_next_date(next, cli_today()) if next else None
    with open_db(ctx, db) as database:
        row = visits.get_visit(database, visit_id)
        visits.mark_done(
            database,
            cli_now(),
            visit_id,
            note.strip(),
            next_date=next_date,
            next_action=action,
            next_topic=topic,
        )
    typer.echo(f"{visit_id}: done, logged on {one_line(row.name)} (#{row.prospect_id})")


@app.command()
@handles_errors
def missed(
    ctx: typer.Context,
    visit: VisitArg,
    db: DbOption = None,
) -> None:
    """Mark a visit missed (reschedule it to plan it again)."""
    from salesdesk.data import visits

    visit_id = visit_number(visit)
    with open_db(ctx, db) as database:
        visits.mark_missed(database, cli_now(), visit_id)
    typer.echo(f"{visit_id}: missed")


@app.command()
@handles_errors
def reschedule(
    ctx: typer.Context,
    visit: VisitArg,
    when: Annotated[str, typer.Argument(metavar="DATE", help="New day.")],
    time: Annotated[
        str | None, typer.Option("--time", help="New start time: 9:30, 0930, 14:00 or 2pm.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Move a visit to another day (it keeps its calendar UID)."""
    from salesdesk.data import visits
    from salesdesk.rules.planning import parse_time

    visit_id = visit_number(visit)
    day = parse_date(when, cli_today())
    start = parse_time(time) if time else None
    with open_db(ctx, db) as database:
        visits.move_visit(database, cli_now(), visit_id, day, start=start)
        _warn_day(database, visit_id)
    when_said = f"{day_name(day, cli_today())} ({day.isoformat()})"
    typer.echo(f"{visit_id}: {when_said}" + (f" {start}" if start else ""))


@app.command()
@handles_errors
def unplan(
    ctx: typer.Context,
    visit: VisitArg,
    delete: Annotated[
        bool, typer.Option("--delete", help="Remove it instead of keeping it as cancelled.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Cancel a visit (kept, so a re-exported calendar removes it), or --delete it."""
    from salesdesk.data import visits

    visit_id = visit_number(visit)
    with open_db(ctx, db) as database:
        if delete:
            visits.delete_visit(database, cli_now(), visit_id)
        else:
            visits.cancel_visit(database, cli_now(), visit_id)
    typer.echo(f"{visit_id}: {'deleted' if delete else 'cancelled'}")
