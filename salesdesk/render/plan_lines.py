"""The visit plan's lines as Rich text: the title, the line about the selected visit or
day, the suggestions' entries and hint. User text is shown literally."""

from __future__ import annotations

from datetime import date

from rich.text import Text

from salesdesk.data.visits import PlanView, VisitRow
from salesdesk.render import palette
from salesdesk.render.literal import literal_line
from salesdesk.rules.planning import NO_ROOM, WEEKDAY_NAMES, Period, Suggestion, due_words
from salesdesk.text import one_line

SUNDAY = 6
SELECTED_BG = f"on {palette.PLAN_SELECTED_BG}"
TODAY_STYLE = palette.TODAY_BADGE
OVER_STYLE = palette.ALERT
FLAG_STYLE = palette.WARNING
NEW_DAY_STYLE = palette.NEW_DAY
STATUS_MARKS = {
    "done": ("✓", palette.DONE_MARK),
    "missed": ("✗", palette.MISSED_MARK),
    "cancelled": ("⊘", "dim"),
}


def day_name(day: date) -> str:
    """``Tue 24``."""
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day}"


def plan_title(view: PlanView) -> Text:
    """``Visits · Week 48 · 3 planned, 1 done · 1 over capacity · ⚠ 2 to check ...``."""
    line = Text("Visits · ", style="bold")
    line.append(view.period.title, style="bold")
    rows = view.visits
    planned = sum(1 for v in rows if v.status == "planned")
    done = sum(1 for v in rows if v.status == "done")
    line.append(f" · {planned} planned, {done} done", style="dim")
    over = [p.info.day for p in view.days.values() if p.info.over_capacity]
    if over:
        line.append(f" · {len(over)} over capacity", style=OVER_STYLE)
    flagged = sum(1 for v in rows if v.active and view.flags(v).messages)
    if flagged:
        line.append(f" · ⚠ {flagged} to check", style=FLAG_STYLE)
    special = [p.info.day for p in view.days.values() if p.info.new_customer_day]
    if special:
        line.append(f" · ★ {day_name(special[0])} new-customer day", style=NEW_DAY_STYLE)
    return line


def visit_detail(view: PlanView, visit: VisitRow, day: date) -> Text:
    """The selected visit in full: time to end time, who, where, why, its status; then its
    flags and the outcome (or how to reach the person)."""
    text = Text()
    text.append(f"#{visit.id} ", style="dim")
    text.append(f"{day:%a} {day.day} {day:%b}", style="bold")
    if visit.start:
        end = ""
        if visit.minutes:
            h, m = divmod(int(visit.start[:2]) * 60 + int(visit.start[3:]) + visit.minutes, 60)
            end = f"–{h % 24:02d}:{m:02d}"
        text.append(f" {visit.start}{end}", style="bold")
    text.append("  ")
    text.append_text(literal_line(visit.name, style="bold"))
    if visit.company:
        text.append(" (")
        text.append_text(literal_line(visit.company))
        text.append(")")
    for part in (visit.area, visit.purpose):
        if part:
            text.append(" · ")
            text.append_text(literal_line(part))
    text.append(f"  [{visit.status}]", style="dim")
    second = Text()
    for message in view.flags(visit).messages:
        second.append(f"⚠ {message}  ", style=FLAG_STYLE)
    if visit.outcome:
        second.append("→ ", style="dim")
        second.append_text(literal_line(visit.outcome))
    elif visit.phone or visit.address:
        reach = " · ".join(p for p in (visit.phone, visit.address) if p)
        second.append_text(literal_line(reach, style="dim"))
    text.append("\n")
    text.append_text(second)
    return text


def day_detail(view: PlanView, day: date, kind: str) -> Text:
    """The selected day: its load and, in the month view, its visits; an empty period says
    how to fill it."""
    plan = view.days.get(day)
    text = Text()
    text.append(f"{day:%A} {day.day} {day:%b}", style="bold")
    if plan is not None:
        info = plan.info
        text.append(
            f"  {info.count}/{info.capacity} visits",
            style=OVER_STYLE if info.over_capacity else "",
        )
        if info.new_customer_day:
            text.append("  ★ new-customer day: new prospects only", style=NEW_DAY_STYLE)
        if kind == "month" and plan.visits:
            text.append("\n")
            for visit in plan.visits:
                text.append(f"{visit.start or '--:--'} ", style="dim")
                text.append_text(literal_line(visit.name))
                text.append("  ")
            text.append(" enter: this week", style="dim")
    if not view.visits:
        text.append("\nNo visits here yet: ", style="dim")
        text.append("n", style="bold")
        text.append(" adds one for a prospect, ", style="dim")
        text.append("a", style="bold")
        text.append(" accepts a suggestion.", style="dim")
    return text


def plan_hint(day: date, waiting: int) -> Text:
    """Under the suggestions: what ``a`` and ``A`` do, and how many found no room."""
    hint = Text()
    hint.append("a", style="bold")
    hint.append(" its day  ")
    hint.append("A", style="bold")
    hint.append(f" on {day_name(day)}")
    if waiting:
        hint.append(f"\n+{waiting} more without room", style="dim")
    return hint


def suggestions_title(placed: int | None) -> Text:
    """``Suggestions  4`` (how many the panel lists); ``…`` while working."""
    title = Text("Suggestions", style="bold")
    if placed is None:
        title.append("  …", style="dim")
    else:
        title.append(f"  {placed}", style=palette.WARNING if placed else "dim")
    return title


def suggestion_text(s: Suggestion, period: Period, today: date) -> Text:
    """One suggestion: its day (or "no room" and when it is due), who, where, why."""
    text = Text()
    if s.day is not None:
        # A day after the shown period (no room in it before): with its month.
        later = "" if s.day in period else f" {s.day:%b}"
        text.append(day_name(s.day) + later, style="bold")
        if s.start:
            text.append(f" {s.start}", style="bold")
    else:
        text.append("no room", style=palette.WARNING)
        text.append(f" ({due_words(s, today)})", style=palette.WARNING_TEXT)
    text.append(" ")
    text.append_text(literal_line(s.name, style="bold"))
    if s.area:
        text.append(" · ", style="dim")
        text.append_text(literal_line(s.area, style="dim"))
    text.append("\n")
    text.append_text(literal_line(s.reason, style="italic"))
    if s.warning:
        text.append("\n")
        text.append(f"⚠ {one_line(s.warning)}", style=FLAG_STYLE)
    if s.note and (s.day is not None or s.note != NO_ROOM):
        text.append("\n")
        text.append(one_line(s.note), style="dim" if s.day else palette.WARNING_TEXT)
    return text
