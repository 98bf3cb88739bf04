"""The walk-through of the weekly review in Rich: the card shown, what changed since its
last look, the keys and the cards up next, and what it says at the end.

User text (names, companies, notes, next actions) is folded onto one line and appended as
plain text, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from salesdesk.data.review_queue import CardChanges
from salesdesk.data.store import CardRow
from salesdesk.render import palette
from salesdesk.render.palette import GRADE_COLOURS, GREY
from salesdesk.rules.dates import short_date
from salesdesk.rules.man import Tri, assess
from salesdesk.rules.review import compact_amount
from salesdesk.text import one_line

#: Lines of "what changed" per kind before "and N more".
CHANGES_SHOWN = 5
WALK_HINT = (
    "a b c keep or regrade · r seen, no change · t log · d next date · m MAN\n"
    "p park · x drop · s skip · u undo · f the week's figures · esc back"
)


def who(name: str, company: str, style: str = "bold") -> Text:
    text = Text(one_line(name), style=style)
    if company:
        text.append(" · ", style=GREY)
        text.append(one_line(company), style=palette.SECONDARY)
    return text


def verdict(case: str) -> str:
    """The MAN verdict of a case string (``MaN`` → ``contact``)."""
    answers = {"M": "yes", "A": "yes", "N": "yes", "m": "no", "a": "no", "n": "no"}
    money, authority, need = (Tri(answers.get(char, "unknown")) for char in case)
    return assess(money, authority, need).verdict.label


def day_words(moment: datetime | date, today: date) -> str:
    day = moment.date() if isinstance(moment, datetime) else moment
    return short_date(day, today)



def walk_title(position: int | None, total: int, done: int) -> Text:
    """``Weekly review · walk-through   3 of 23 · 2 done`` (``position`` None: at the end)."""
    title = Text("Weekly review", style="bold")
    title.append(" · walk-through", style=GREY)
    if position is not None:
        title.append(f"   {position + 1} of {total}", style="bold")
        title.append(f" · {done} done", style=GREY)
    elif total:
        title.append(f"   {total} of {total} · {done} done", style=GREY)
    return title


def keys_text(upcoming: Sequence[CardRow], left: int) -> Text:
    """The walk-through's keys, then the next few cards and how many follow them."""
    hint = Text(WALK_HINT, style="")
    if upcoming:
        hint.append("\n\nup next  ", style=f"bold {GREY}")
        for index, card in enumerate(upcoming):
            if index:
                hint.append(" · ", style=GREY)
            hint.append(card.grade.value, style=f"bold {GRADE_COLOURS[card.grade.value]}")
            hint.append(" ")
            hint.append(one_line(card.name))
        if left > 0:
            hint.append(f" … +{left}", style=GREY)
    return hint


def end_text(total: int, done: int, remaining: int) -> Text:
    """What the walk-through says once past its last card (``total`` 0: nothing was due)."""
    text = Text()
    if not total:
        text.append("Nothing to review.\n\n", style="bold")
        text.append(
            "Every live card has had its look (A daily, B weekly, C monthly), none is past "
            "its window and no next step is overdue.\n\n"
            "f: the week's figures and trends · esc: back to the board"
        )
        return text
    text.append("Walk-through done.\n\n", style="bold")
    text.append(f"{done} of {total} cards reviewed or closed.")
    if remaining:
        text.append(
            f"\n{remaining} still due (skipped): s goes through them again."
        )
    text.append("\n\nf: the week's figures and trends · u: undo · esc: back to the board")
    return text


def card_text(card: CardRow, fields: dict[str, Any], today: date) -> Group:
    """The card's summary: grade, who, value, next step, topic, last touch, MAN, why due."""
    colour = GRADE_COLOURS[card.grade.value]
    top = Text()
    top.append(f" {card.grade.value} ", style=f"bold {palette.WHITE} on {colour}")
    top.append(" ")
    top.append_text(who(card.name, card.company))
    if card.key_account:
        top.append("  ★ key account", style=palette.KEY_ACCOUNT)
    if card.value:
        top.append(f"  {compact_amount(card.value)}", style="bold")
    step = Text("next  ", style=GREY)
    if card.next_date is None:
        step.append("no next step", style="italic")
    else:
        style = palette.OVERDUE_DATE if card.overdue else "bold"
        step.append(f"▸{short_date(card.next_date, today)}", style=style)
        if card.next_action:
            step.append(" ")
            step.append(one_line(card.next_action))
        if card.overdue:
            days = card.urgency.overdue_days
            step.append(f"  overdue {days} day{'s' if days != 1 else ''}", style=palette.ALERT_TEXT)
    lines: list[RenderableType] = [top, step]
    if fields.get("next_topic"):
        topic = Text("topic ", style=GREY)
        topic.append(one_line(fields["next_topic"]))
        lines.append(topic)
    meta = Text("last touch ", style=GREY)
    touched = card.touched_on
    if touched is None:
        meta.append("never")
    else:
        days = card.days_since_touch
        meta.append(f"{days}d ago" if days else "today")
    meta.append(" · MAN ", style=GREY)
    meta.append(card.man, style="bold")
    meta.append(f" {verdict(card.man)}", style=GREY)
    meta.append(" · stage ", style=GREY)
    meta.append(str(fields.get("stage") or ""))
    if card.area:
        meta.append(" · ", style=GREY)
        meta.append(one_line(card.area))
    lines.append(meta)
    why = Text()
    if card.urgency.past_window:
        past = next((d for code, d, _ in card.urgency.components if code == "past_window"), 0)
        why.append(f"⟳ past the {card.grade.value} window by {past}d: regrade  ",
                   style=palette.ALERT)
    elif card.urgency.review_due:
        why.append("◆ due for a look  ", style=palette.WARNING_TEXT)
    if card.overdue:
        why.append("▸ next step overdue  ", style=palette.ALERT_TEXT)
    why.append(f"urgency {card.urgency.score:g}", style=GREY)
    lines.append(why)
    return Group(*lines)


def changes_text(changes: CardChanges, today: date) -> Text:
    """What changed since the card's last look, one line per change."""
    head = "since the last review" if changes.reviewed else "since graded (never reviewed)"
    text = Text(f"What changed {head}, {day_words(changes.since, today)}:\n", style="bold")
    if changes.nothing:
        text.append("  nothing: no touch, no grade move, no next-step change\n", style=GREY)
    for move in changes.grade_moves:
        text.append(f"  • grade {move.from_grade} → {move.to_grade}", style="bold")
        text.append(f"  {day_words(move.at, today)}\n", style=GREY)
    for change in changes.status_changes:
        text.append(f"  • status {one_line(change.note)}")
        text.append(f"  {day_words(change.at, today)}\n", style=GREY)
    if changes.touches:
        count = len(changes.touches)
        text.append(f"  • {count} logged: ", style="")
        kinds: dict[str, int] = {}
        for touch in changes.touches:
            kinds[touch.kind] = kinds.get(touch.kind, 0) + 1
        text.append(", ".join(f"{n} {k}" for k, n in kinds.items()) + "\n", style=GREY)
        for touch in changes.touches[:CHANGES_SHOWN]:
            text.append(f"      {day_words(touch.at, today):>7} {touch.kind:<7} ", style=GREY)
            text.append(one_line(touch.note)[:200] + "\n")
        if count > CHANGES_SHOWN:
            text.append(f"      … and {count - CHANGES_SHOWN} more\n", style=GREY)
    for edit in changes.edits[-CHANGES_SHOWN:]:
        text.append(f"  • {one_line(edit.note)}")
        text.append(f"  {day_words(edit.at, today)}\n", style=GREY)
    for slip in changes.slips:
        text.append("  • next step ", style=palette.WARNING_TEXT)
        if slip.new is None:
            text.append(f"{day_words(slip.old, today)} cleared", style=palette.WARNING_TEXT)
        else:
            text.append(f"moved {day_words(slip.old, today)} → {day_words(slip.new, today)}",
                        style=palette.WARNING_TEXT)
        text.append(f" without a logged touch ({day_words(slip.day, today)})\n", style=GREY)
    if changes.overdue_days and changes.next_date:
        days = changes.overdue_days
        text.append(
            f"  • next step overdue since {day_words(changes.next_date, today)}"
            f" ({days} day{'s' if days != 1 else ''})\n",
            style=palette.ALERT_TEXT,
        )
    text.rstrip()
    return text

