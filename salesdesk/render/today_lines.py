"""Today's list as Rich text, for the Today screen and ``salesdesk today``: one line per
item (what, when, who), user text shown literally."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text

from salesdesk.render import palette
from salesdesk.render.literal import literal_line
from salesdesk.render.palette import GRADE_COLOURS

if TYPE_CHECKING:  # (the rule brings the visit plan's: a screen imports this first)
    from salesdesk.rules.today import TodayItem

KIND_WIDTH = 9  # "thank-you"


def when_text(item: TodayItem) -> Text:
    """``10:30``, ``today``, ``2d late``; a clock: ``14:00`` (its deadline), ``late``."""
    if item.late and item.deadline is not None:
        return Text("late" if item.overdue_days <= 0 else f"{item.overdue_days}d late",
                    style=palette.ALERT_TEXT)
    if item.overdue_days > 0:
        return Text(f"{item.overdue_days}d late", style=palette.ALERT_TEXT)
    if item.start:
        return Text(item.start, style="bold")
    return Text("today", style=palette.WARNING_TEXT)


def item_line(item: TodayItem, width: int = 0) -> Text:
    """``call      2d late  A Ann Lee · Acme  send quote``; cut to ``width`` cells with an
    ellipsis when given (a long complaint or note stays one line)."""
    line = Text(f"{item.label:<{KIND_WIDTH}} ", style="bold")
    when = when_text(item)
    when.pad_right(max(0, 8 - when.cell_len))
    line.append_text(when)
    line.append(" ")
    line.append(item.grade, style=f"bold {GRADE_COLOURS.get(item.grade, palette.GREY)}")
    line.append(" ")
    line.append_text(literal_line(item.name, "bold"))
    if item.company:
        line.append(" · ", style=palette.SEPARATOR)
        line.append_text(literal_line(item.company, palette.SECONDARY))
    line.append("  ")
    line.append_text(literal_line(item.what))
    if width > 0:
        line.truncate(width, overflow="ellipsis")
    return line


def item_json(item: TodayItem) -> dict[str, object]:
    """An item as ``salesdesk today --json`` prints it."""
    return {
        "prospect_id": item.prospect_id,
        "name": item.name,
        "company": item.company,
        "grade": item.grade,
        "kind": item.group,
        "what": item.what,
        "due": item.due.isoformat(),
        "start": item.start,
        "visit_id": item.visit_id,
        "overdue_days": item.overdue_days,
        "log_kind": item.log_kind,
        "complaint_id": item.complaint_id,
        "deadline": item.deadline.isoformat() if item.deadline else None,
        "late": item.late,
    }


def empty_text(today: date) -> Text:
    """What the list says when nothing is due: what to do next."""
    text = Text(f"Nothing due today ({today:%a %d %b}). ", style="bold")
    text.append("Plan the week's visits (v), run the weekly review (w), or add prospects "
                "(n, i) to fill the pool.", style="dim")
    return text
