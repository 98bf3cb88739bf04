"""Complaints as Rich text, shared by ``salesdesk complaints`` and the Complaints screen:
one line per complaint (deadline or state, card, steps done and missing, what was said)
and a complaint in full. User text is literal (never markup) and folded to one line."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group
from rich.table import Table
from rich.text import Text

from salesdesk.data.store import ComplaintBoard, ComplaintRow
from salesdesk.render import palette
from salesdesk.render.literal import literal_line
from salesdesk.rules import complaints as rules
from salesdesk.rules.complaints import Clock, Step

#: One letter per step, in order: the compact "steps" cell (R A C S F L).
STEP_LETTERS: dict[Step, str] = {
    Step.RECEIVED: "R", Step.ANSWERED: "A", Step.CAUSE: "C", Step.RESOLVED: "S",
    Step.FOLLOWED_UP: "F", Step.LESSON: "L",
}
STEPS_LEGEND = "steps: R received · A answered · C cause · S solved · F followed up · L lesson"


def steps_legend(width: int) -> Text:
    """The legend of the step letters, without its ``steps:`` label where it would wrap."""
    legend = STEPS_LEGEND if len(STEPS_LEGEND) <= width else STEPS_LEGEND.removeprefix("steps: ")
    return Text(legend, style="dim")


def clock_text(
    row: ComplaintRow, hours: int, now: datetime, *, resolved: bool = True
) -> Text:
    """``answer in 5h`` (amber), ``answer late 3h`` (red, like an overdue step), ``answered``
    (in time, green) or ``answered late``; a resolved one says ``resolved 27 Nov`` (unless
    ``resolved`` is False: the answer clock's own state)."""
    state = rules.clock(row.facts, hours, now)
    due = rules.answer_due(row.received_at, hours)
    if resolved and row.resolved_at is not None:
        return Text(f"resolved {row.resolved_at:%d %b}", style=palette.SECONDARY)
    if state == Clock.RUNNING:
        return Text(f"answer in {rules.left_text(due, now)}", style=palette.WARNING)
    if state == Clock.MISSED:
        return Text(f"answer late {rules.left_text(due, now)}", style=palette.OVERDUE_DATE)
    if state == Clock.MET:
        return Text("answered", style=palette.GOOD)
    return Text("answered late", style=palette.WARNING_TEXT)


def steps_text(row: ComplaintRow) -> Text:
    """``RA·S··``: the letter of each step done, a dot for each missing."""
    done = set(rules.steps_done(row.facts))
    line = Text()
    for step, letter in STEP_LETTERS.items():
        if step in done:
            line.append(letter, style=palette.DONE_MARK)
        else:
            line.append("·", style=palette.SEPARATOR)
    return line


def missing_text(row: ComplaintRow) -> str:
    """The missing steps in words: ``next: answer · then cause, resolve...``."""
    missing = rules.steps_missing(row.facts)
    if not missing:
        return "every step done"
    return "missing: " + ", ".join(rules.STEP_LABELS[s] for s in missing)


def complaint_line(row: ComplaintRow, hours: int, now: datetime, width: int) -> Text:
    """One complaint on one line: id, clock, steps, card, what was said."""
    line = Text()
    line.append(f"#{row.id:<4} ", style="bold")
    clock = clock_text(row, hours, now)
    clock.truncate(16, pad=True)
    line.append_text(clock)
    line.append(" ")
    line.append_text(steps_text(row))
    line.append(" ")
    name = literal_line(row.name, style="bold")
    name.truncate(18, overflow="ellipsis", pad=True)
    line.append_text(name)
    line.append(" ")
    cause = rules.CAUSE_LABELS.get(rules.CauseKind(row.cause_kind)) if row.cause_kind else None
    if cause:
        line.append(f"[{cause}] ", style=palette.SECONDARY)
    line.append_text(literal_line(row.said))
    line.truncate(max(10, width), overflow="ellipsis")
    return line


def board_lines(board: ComplaintBoard, now: datetime, width: int) -> list[Text]:
    """The Complaints screen's and ``salesdesk complaints``' list: open ones by deadline,
    then those resolved in the last 30 days."""
    lines: list[Text] = []
    lines.append(Text(f"Open ({len(board.open)})", style="bold"))
    if not board.open:
        lines.append(Text("  No open complaint.", style="dim"))
    for row in board.open:
        lines.append(Text("  ") + complaint_line(row, board.hours, now, width - 2))
    lines.append(Text(""))
    lines.append(Text(f"Resolved in the last 30 days ({len(board.closed)})", style="bold"))
    if not board.closed:
        lines.append(Text("  None.", style="dim"))
    for row in board.closed:
        lines.append(Text("  ") + complaint_line(row, board.hours, now, width - 2))
    lines.append(Text(""))
    lines.append(steps_legend(width))
    return lines


def detail_lines(row: ComplaintRow, hours: int, now: datetime) -> Group:
    """A complaint in full: every step with its time, and what is missing. Each step is a
    row of a two-column grid, so a long text wraps under its own column, not under the
    labels."""
    due = rules.answer_due(row.received_at, hours)
    steps = Table.grid(padding=(0, 1))
    steps.add_column(style="bold", width=11, no_wrap=True)
    steps.add_column(ratio=1)

    def add(label: str, at: datetime | None, *texts: str) -> None:
        value = Text(f"{at:%Y-%m-%d %H:%M}" if at else "—", style="" if at else "dim")
        for text in texts:
            if text:
                value.append(" · ", style=palette.SEPARATOR)
                value.append_text(literal_line(text))
        steps.add_row(label, value)

    add("Received", row.received_at, row.channel, row.said)
    if row.expected:
        steps.add_row("Expected", literal_line(row.expected))
    answer = Text(f"{due:%Y-%m-%d %H:%M} ")
    answer.append_text(clock_text(row, hours, now, resolved=False))
    steps.add_row("Answer due", answer)
    add("Answered", row.answered_at, row.answer)
    cause = rules.CAUSE_LABELS[rules.CauseKind(row.cause_kind)] if row.cause_kind else ""
    add("Cause", row.cause_at, cause, row.cause)
    compensation = f"compensation: {row.compensation}" if row.compensation else ""
    add("Resolved", row.resolved_at, row.resolution, compensation)
    add("Followed up", row.followed_up_at, row.follow_up_outcome)
    add("Lesson", row.lesson_at, row.lesson)
    title = Text(f"Complaint #{row.id} · ", style="bold") + literal_line(row.name, "bold")
    return Group(title, steps, Text(missing_text(row), style="dim"))
