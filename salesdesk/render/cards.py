"""Draw one prospect card as lines of Rich ``Text`` (no widgets, no markup from user text).

A card is a fixed number of lines so a column can find any card by arithmetic and draw
only the visible ones. User text goes through :mod:`salesdesk.text` and is truncated by
terminal cells, so Chinese names line up.
"""

from __future__ import annotations

from datetime import date, datetime

from rich.cells import cell_len
from rich.text import Text

from salesdesk.data.store import CardRow
from salesdesk.enums import Status
from salesdesk.render import palette
from salesdesk.render.cells import fit, two_sides
from salesdesk.render.palette import GRADE_COLOURS, STATUS_COLOURS
from salesdesk.rules.complaints import left_text
from salesdesk.rules.dates import short_date
from salesdesk.rules.fields import short_money
from salesdesk.rules.step_kinds import kind_from_words
from salesdesk.text import for_cells, one_line

FULL_HEIGHT = 6
COMPACT_HEIGHT = 4


def card_height(compact: bool) -> int:
    return COMPACT_HEIGHT if compact else FULL_HEIGHT


def accent(card: CardRow) -> str:
    """The card's colour: grade for live cards, a quiet style for closed ones."""
    if card.status == Status.LIVE:
        return GRADE_COLOURS[card.grade.value]
    return STATUS_COLOURS.get(Status(card.status), palette.QUIET)


def _user(value: str, style: str = "") -> Text:
    return Text(for_cells(one_line(value)), style=style)


def _next_step(card: CardRow, today: date) -> Text:
    line = Text()
    if card.status != Status.LIVE:
        line.append(card.status, style="italic")
        return line
    if card.next_date is None:
        line.append("no next step", style=f"italic {palette.SECONDARY}")
        return line
    when = short_date(card.next_date, today)
    if card.overdue:
        line.append(f"▸{when}", style=palette.OVERDUE_DATE)
    elif card.next_date == today:
        line.append(f"▸{when}", style=palette.TODAY_DATE)
    else:
        line.append(f"▸{when}", style="bold")
    said = step_kind_said(card.next_kind, card.next_action)
    if said:
        line.append(f" {said}{':' if card.next_action else ''}", style=palette.SECONDARY)
    if card.next_action:
        line.append(" ")
        line.append_text(_user(card.next_action))
    return line


def step_kind_said(kind: str, action: str) -> str:
    """The next step's kind as the card shows it: left out when the action's own words
    already say it (``call back`` is a call), so the card's one line is not wasted."""
    if not kind or kind_from_words(action) == kind:
        return ""
    return kind


def clock_marks(card: CardRow, now: datetime | None) -> Text:
    """The clocks a card carries: an open complaint (``⚑ 5h`` to answer, amber; ``⚑ late``
    like an overdue date; ``⚑`` answered, not resolved) and a new lead's first contact
    (``☎ 40m``; ``☎ late``)."""
    line = Text()
    if card.complaint == "running" and card.complaint_due is not None:
        left = left_text(card.complaint_due, now) if now is not None else ""
        line.append(f"⚑ {left}".rstrip(), style=palette.WARNING)
    elif card.complaint == "missed":
        line.append("⚑ late", style=palette.OVERDUE_DATE)
    elif card.complaint == "open":
        line.append("⚑", style=palette.WARNING_TEXT)
    if card.first_contact:
        if line:
            line.append(" ")
        if card.first_contact == "missed":
            line.append("☎ late", style=palette.OVERDUE_DATE)
        else:
            due = card.first_contact_due
            left = left_text(due, now) if due is not None and now is not None else ""
            line.append(f"☎ {left}".rstrip(), style=palette.WARNING)
    return line


def _meta(card: CardRow, now: datetime | None = None) -> Text:
    line = Text()
    marks = clock_marks(card, now)
    if marks:
        line.append_text(marks)
        line.append(" · ", style=palette.SEPARATOR)
    days = card.days_since_touch
    if card.touched_on is None:
        line.append("never touched", style=f"italic {palette.SECONDARY}")
    else:
        line.append(f"{days}d" if days else "today", style=palette.SECONDARY)
    line.append(" · ", style=palette.SEPARATOR)
    line.append(card.man, style="bold")
    if card.status == Status.LIVE:
        if card.urgency.past_window:
            line.append(" ⟳ regrade", style=palette.ALERT)
        elif card.urgency.review_due:
            line.append(" ◆ review", style=palette.WARNING_TEXT)
    return line


def render_card(
    card: CardRow,
    width: int,
    today: date | datetime,
    *,
    compact: bool,
    selected: bool,
    active: bool,
    flashing: bool = False,
) -> list[Text]:
    """The card's lines, each exactly ``width`` cells wide (``flashing``: it just moved
    here, shown lit for a moment). ``today`` may be the moment: the clock marks then say
    how long is left."""
    now = today if isinstance(today, datetime) else None
    if isinstance(today, datetime):
        today = today.date()
    colour = accent(card)
    if flashing:
        body, edge = f"on {palette.FLASH_BG}", f"bold {colour}"
    elif selected and active:
        body, edge = f"on {palette.SELECTED_ACTIVE_BG}", f"bold {colour}"
    elif selected:
        body, edge = f"on {palette.SELECTED_BG}", colour
    else:
        body, edge = "", colour
    if compact:
        bar = Text("█" if selected else "▌", style=edge)
        return _compact(card, width, today, body, bar, now)
    return _framed(card, width, today, body, edge, colour, now)


def _compact(
    card: CardRow, width: int, today: date, body: str, bar: Text, now: datetime | None
) -> list[Text]:
    """Three lines behind a coloured bar (name · company and value, next step, meta), then
    a blank line: for short terminals."""
    inner = max(1, width - 1)
    title = _user(card.name, style="bold")
    if card.company:
        title.append(" · ", style=palette.SEPARATOR)
        title.append_text(_user(card.company, style=palette.SECONDARY))
    value = Text(short_money(card.value), style=palette.VALUE)
    right = Text("★", style=palette.KEY_ACCOUNT) + value if card.key_account else value
    lines = []
    for content in (
        two_sides(title, right, inner),
        fit(_next_step(card, today), inner),
        fit(_meta(card, now), inner),
    ):
        line = bar.copy()
        line.append_text(content)
        line.stylize_before(body)
        lines.append(line)
    lines.append(Text(" " * width))
    return lines


def _framed(
    card: CardRow, width: int, today: date, body: str, edge: str, colour: str,
    now: datetime | None,
) -> list[Text]:
    """A rounded frame with the grade (or status) and the key-account star in its top edge,
    around four lines: name and value, company, next step, meta."""
    inner = max(1, width - 4)
    label = card.grade.value if card.status == Status.LIVE else card.status
    top = Text("╭─", style=edge)
    top.append(f" {label} ", style=f"bold {colour}")
    tail = " ★ " if card.key_account else ""
    fill = max(0, width - cell_len(top.plain) - cell_len(tail) - 2)
    top.append("─" * fill, style=edge)
    if tail:
        top.append(tail, style=palette.KEY_ACCOUNT)
    top.append("─╮", style=edge)
    value = Text(short_money(card.value), style=palette.VALUE)
    rows = [
        two_sides(_user(card.name, style="bold"), value, inner),
        fit(_user(card.company, style=palette.SECONDARY), inner),
        fit(_next_step(card, today), inner),
        fit(_meta(card, now), inner),
    ]
    lines = [fit(top, width)]
    for row in rows:
        line = Text("│ ", style=edge)
        line.append_text(row)
        line.append(" │", style=edge)
        line.stylize_before(body, 2, 2 + inner)
        lines.append(fit(line, width))
    lines.append(fit(Text("╰" + "─" * max(0, width - 2) + "╯", style=edge), width))
    return lines
