"""The card detail's title line and side panel (urgency breakdown, timeline) as Rich
renderables. User text is shown literally."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from salesdesk.data import store
from salesdesk.enums import Status
from salesdesk.render.literal import literal_line
from salesdesk.render.palette import GRADE_COLOURS, STATUS_COLOURS
from salesdesk.rules.fields import short_money

TIMELINE_LIMIT = 300


def detail_title(detail: store.ProspectDetail) -> Text:
    """`` A  王伟 · 华信科技   12k   #7``: grade (or status), name, company, value, id."""
    fields = detail.fields
    status = fields["status"]
    colour = (
        GRADE_COLOURS.get(fields["grade"], "white")
        if status == Status.LIVE
        else STATUS_COLOURS.get(Status(status), "white")
    )
    title = Text()
    title.append(
        f" {fields['grade'] if status == Status.LIVE else status} ",
        style=f"bold reverse {colour}",
    )
    title.append(" ")
    title.append_text(literal_line(fields["name"], style="bold"))
    if fields["company"]:
        title.append(" · ", style="dim")
        title.append_text(literal_line(fields["company"]))
    if fields["value"]:
        title.append(f"   {short_money(fields['value'])}", style="dim")
    title.append(f"   #{detail.id}", style="dim")
    return title


def urgency_panel(detail: store.ProspectDetail) -> RenderableType:
    """The points behind the card's place on the board (or that it is closed)."""
    status = detail.fields["status"]
    urgency = Table.grid(padding=(0, 1))
    urgency.add_column(justify="right", style="bold")
    urgency.add_column()
    if status == Status.LIVE:
        for label, points in detail.urgency.breakdown():
            urgency.add_row(f"{points:+.1f}", label)
        heading = Text(f"Urgency {detail.urgency.score:g}", style="bold")
    else:
        heading = Text(f"Closed: {status}", style="bold")
    return Group(heading, urgency, Text(""))


def timeline(detail: store.ProspectDetail) -> RenderableType:
    """The activity timeline, newest first: touches, and every change with its old → new
    value (a grade, a status, an edited field)."""
    lines: list[Text] = [Text("Timeline", style="bold")]
    if not detail.activities:
        lines.append(Text("Nothing logged yet: ctrl+t logs a touch.", style="dim"))
    for act in detail.activities[:TIMELINE_LIMIT]:
        line = Text()
        line.append(f"{act.at:%Y-%m-%d %H:%M} ", style="dim")
        line.append(f"{act.kind:<7} ", style="bold")
        if act.kind == "grade":
            line.append(f"{act.from_grade} → {act.to_grade}" + (" · " if act.note else ""))
        line.append_text(literal_line(act.note))
        if act.outcome:
            line.append(" → ", style="dim")
            line.append_text(literal_line(act.outcome))
        lines.append(line)
    if len(detail.activities) > TIMELINE_LIMIT:
        more = len(detail.activities) - TIMELINE_LIMIT
        lines.append(Text(f"… {more} older entries (salesdesk show {detail.id})", style="dim"))
    return Group(*lines)
