"""The board's header line (counts, pool, filters) and its column titles, as Rich text."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from salesdesk.data.store import BoardSummary
from salesdesk.enums import Status
from salesdesk.render import palette
from salesdesk.render.palette import GRADE_COLOURS, STATUS_COLOURS, VERDICT_STYLE
from salesdesk.rules.fields import short_money
from salesdesk.rules.man import Verdict
from salesdesk.rules.pipeline import Pipeline
from salesdesk.text import one_line


def column_title(key: str, title: str, count: int, selected: bool) -> Text:
    """``A · this week (12) ◀``: the title in its grade's or status's colour."""
    if key in Status._value2member_map_:
        colour = STATUS_COLOURS.get(Status(key), palette.GREY)
    else:
        colour = GRADE_COLOURS.get(key, palette.GREY)
    label = Text(f"{title} ", style=f"bold {colour}")
    label.append(f"({count})", style="dim")
    if selected:
        label.append(" ◀", style="bold")
    return label


def clock_counts(pool: BoardSummary, now: datetime | None) -> Text:
    """``│ ⚑ 2 by 14:00`` (open complaints and the nearest answer deadline; ``⚑ 2 (1 late)``
    in red once one has passed, saying how many) and ``│ ☎ 1`` (new leads waiting for
    their first contact; red: one is missed). Empty when there is neither."""
    line = Text()
    complaints = pool.complaints
    if complaints.open:
        line.append("  │ ", style="dim")
        due = complaints.next_due
        late = complaints.late(now) if now is not None else 0
        line.append(f"⚑ {complaints.open}", style=palette.ALERT if late else palette.WARNING)
        if late:
            line.append(f" ({late} late)", style=palette.ALERT_TEXT)
        elif due is not None:
            same_day = now is not None and due.date() == now.date()
            line.append(f" by {due:%H:%M}" if same_day else f" by {due:%a %H:%M}",
                        style=palette.WARNING_TEXT)
    running, missed = pool.first_contact
    if running or missed:
        line.append("  │ ", style="dim")
        line.append(f"☎ {running + missed}", style=palette.ALERT if missed else palette.WARNING)
        if missed:
            line.append(f" ({missed} late)", style=palette.ALERT_TEXT)
    return line


def pool_counts(pool: BoardSummary, now: datetime | None = None) -> Text:
    """``A 3  B 5  C 9  │ due 2  │ overdue 1  │ pool 17/50 (add 33)``."""
    line = Text()
    for grade in "ABC":
        line.append(f"{grade} ", style=f"bold {GRADE_COLOURS[grade]}")
        line.append(f"{pool.by_grade[grade]}  ")
    line.append("│ ", style="dim")
    line.append(f"due {pool.due}", style=palette.WARNING if pool.due else "")
    line.append("  │ ", style="dim")
    line.append(f"overdue {pool.overdue}", style=palette.ALERT if pool.overdue else "")
    line.append("  │ ", style="dim")
    short = pool.pool_target - pool.live
    line.append(
        f"pool {pool.live}/{pool.pool_target}",
        style=palette.ALERT if short > 0 else palette.GOOD,
    )
    if short > 0:
        line.append(f" (add {short})", style=palette.ALERT_TEXT)
    line.append_text(clock_counts(pool, now))
    return line


def _money(value: float) -> str:
    return short_money(value) or "0"


def pipeline_parts(pipe: Pipeline) -> list[Text]:
    """The pipeline's value and forecast, longest first (the header shows the longest that
    fits): ``│ value A 120k · B 300k · C 80k = 500k · forecast 172k``, ``│ value 500k ·
    forecast 172k``, ``│ forecast 172k``."""
    forecast = Text(f"forecast {_money(pipe.forecast)}", style=palette.GOOD)
    parts = []
    full = Text("  │ ", style="dim")
    full.append("value ")
    for index, grade in enumerate("ABC"):
        if index:
            full.append(" · ", style="dim")
        full.append(grade, style=f"bold {GRADE_COLOURS[grade]}")
        full.append(f" {_money(pipe.value_by_grade.get(grade, 0.0))}")
    full.append(f" = {_money(pipe.total)} · ")
    full.append_text(forecast)
    parts.append(full)
    medium = Text("  │ ", style="dim")
    medium.append(f"value {_money(pipe.total)} · ")
    medium.append_text(forecast)
    parts.append(medium)
    short = Text("  │ ", style="dim")
    short.append_text(forecast)
    parts.append(short)
    return parts


FILTER_LEAD = "  │ "  # what each filter's part of the header starts with


def summary_line(
    pool: BoardSummary | None,
    *,
    closed_view: bool,
    today_left: int | None = None,
    verdict: Verdict | None = None,
    verdict_count: int = 0,
    filter_text: str = "",
    matches: int | None = 0,
    now: datetime | None = None,
    width: int = 0,
) -> Text:
    """The header: the live pool's counts (or the closed view's title), the pipeline's
    value and forecast as far as ``width`` allows (0: in full), then the MAN verdict
    filter and the text filter when they are on. Where the whole line does not fit, the
    filters come first: they say what the columns show (at 80 columns the counts and
    today's list left no room for ``filter: acme 3 matches``). ``matches`` None: the
    filter is still being answered (``searching…``)."""
    line, today, filters = Text(), Text(), Text()
    if verdict is not None:
        filters.append("  │ MAN: ", style="dim")
        filters.append(verdict.label, style=VERDICT_STYLE[verdict])
        filters.append(f" {verdict_count} (f: next)", style="dim")
    if filter_text:
        filters.append("  │ filter: ", style="dim")
        filters.append(one_line(filter_text), style="bold reverse")
        if matches is None:  # (the board is still looking)
            filters.append(" searching…", style="dim")
        else:
            filters.append(f" {matches} match{'es' if matches != 1 else ''}", style="dim")
    if closed_view:
        line.append("Customers and closed cards", style="bold")
        line.append("  · o: back to the live board", style="dim")
    elif pool is not None:
        line.append_text(pool_counts(pool, now))
        if today_left is not None:  # (None: still being worked out) before the pipeline,
            # which takes the room that is left: what to do today comes first
            today = Text("  │ ", style="dim")  # (its base style: the count is dim too)
            today.append(f"today {today_left}", style=palette.WARNING if today_left else "")
            today.append(" (T)", style="dim")
        if pool.pipeline is not None:  # the filters come first: they say what is shown
            room = width - line.cell_len - today.cell_len - filters.cell_len
            for part in pipeline_parts(pool.pipeline):
                if not width or part.cell_len <= room:
                    line.append_text(part)
                    break
    if width and filters and line.cell_len + today.cell_len + filters.cell_len > width:
        first = filters[len(FILTER_LEAD):]  # (without the separator it starts with)
        first.append(FILTER_LEAD, style="dim")
        first.append_text(line)
        first.append_text(today)
        return first
    line.append_text(today + filters)
    return line
