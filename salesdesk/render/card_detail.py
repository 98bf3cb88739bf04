"""One card in full, as ``salesdesk show`` prints it: every field, the urgency breakdown,
the timeline. Rich only; user text is shown literally."""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from salesdesk.data import store
from salesdesk.enums import Status
from salesdesk.render.literal import literal, literal_line
from salesdesk.rules.fields import FIELDS, format_field


def detail_lines(detail: store.ProspectDetail) -> Iterator[RenderableType]:
    """The parts to print, one after the other: the heading, the fields (only those with a
    value, by group), the urgency breakdown of a live card, the timeline."""
    fields = detail.fields
    header = Text()
    header.append(f"#{detail.id} ", style="dim")
    header.append_text(literal_line(fields["name"], style="bold"))
    if fields["company"]:
        header.append("  ")
        header.append_text(literal_line(fields["company"]))
    yield header
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim", no_wrap=True)
    table.add_column(overflow="fold")
    group = ""
    for spec in FIELDS:
        value = format_field(spec.name, fields.get(spec.name))
        if not value or (spec.kind == "bool" and value == "no"):
            continue
        if spec.group != group:
            group = spec.group
            table.add_row(Text(group, style="bold"), "")
        table.add_row(spec.label, literal(value))
    yield table
    if fields["status"] == Status.LIVE:
        yield Text(f"Urgency {detail.urgency.score:g}", style="bold")
        for label, points in detail.urgency.breakdown():
            yield Text(f"  {points:+5.1f}  {label}")
    yield Text("Timeline", style="bold")
    if not detail.activities:
        yield Text("  nothing logged yet: salesdesk log ID --kind call --note ...", style="dim")
    for act in detail.activities:
        line = Text(f"  {act.at:%Y-%m-%d %H:%M}  {act.kind:<8} ")
        if act.kind == "grade":
            line.append(f"{act.from_grade} → {act.to_grade}" + (" · " if act.note else ""))
        line.append_text(literal_line(act.note))
        if act.outcome:
            line.append("  → ")
            line.append_text(literal_line(act.outcome))
        yield line
