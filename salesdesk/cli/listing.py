"""``salesdesk list``: the cards in the board's order, as a table or JSON.

Without Typer, so the Typer command (:mod:`salesdesk.cli.cards`) and the fast path that
``salesdesk list`` takes from :mod:`salesdesk.launch` (:mod:`salesdesk.cli.list_fast`)
run this same code. A terminal gets a screenful and a line saying how many more there
are; piped, every card is printed (``--limit`` caps both). Lines are printed as they are
made (JSON item by item), never built for the whole list first.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

from salesdesk.data import store
from salesdesk.data.card_counts import count_cards, largest_id
from salesdesk.data.db import Database
from salesdesk.enums import Status
from salesdesk.errors import InputError
from salesdesk.render.card_table import (
    FLAGS_LEGEND,
    StyledLine,
    card_flags,
    cards_table,
    print_lines,
    print_plain,
)
from salesdesk.rules.grading import parse_grade
from salesdesk.rules.pipeline import Pipeline

if TYPE_CHECKING:
    from rich.console import Console

#: Lines a terminal keeps free below a screenful: the legend, the value, "more", prompt.
SPARE_LINES = 5


@dataclass(frozen=True)
class ListOptions:
    """``list``'s options as typed (checked by :func:`list_cards_command`)."""

    grade: str | None = None
    status: str | None = None
    due: bool = False
    search: str | None = None
    man: str | None = None
    as_json: bool = False
    totals: bool = False
    limit: str | None = None
    show_all: bool = False


class ListOutput:
    """Where the list goes: plain text to a file, or a Rich console (colour, its size)."""

    def __init__(self, file: IO[str], terminal: bool, height: int, width: int,
                 console: Console | None = None) -> None:
        self.file, self.terminal, self.height, self.width = file, terminal, height, width
        self.console = console

    @classmethod
    def plain(cls, file: IO[str]) -> ListOutput:
        """Piped output: plain text, wide enough (140) that tables are not cut."""
        return cls(file, terminal=False, height=25, width=140)

    @classmethod
    def rich(cls, console: Console) -> ListOutput:
        return cls(console.file, console.is_terminal, console.height, console.width, console)

    def table(self, lines: Iterable[StyledLine]) -> None:
        if self.console is None:
            print_plain(self.file, lines)
        else:
            print_lines(self.console, lines)

    def dim(self, text: str) -> None:
        if self.console is None:
            self.file.write(text + "\n")
        else:
            from rich.text import Text

            self.console.print(Text(text, style="dim"))

    def say(self, text: str) -> None:
        self.file.write(text + "\n")


def parse_limit(text: str) -> int:
    """``--limit N``: a whole number of cards, 1 or more."""
    value = text.strip()
    if not (value.isdecimal() and value.isascii()) or int(value) < 1:
        raise InputError(f"--limit takes a number of cards, 1 or more (not {text!r})")
    return int(value)


def parse_statuses(text: str | None) -> tuple[str, ...]:
    if not text:
        return (Status.LIVE,)
    wanted = text.strip().lower()
    if wanted == "all":
        return tuple(s.value for s in Status)
    if wanted in {s.value for s in Status}:
        return (wanted,)
    raise InputError(f"invalid status {text!r}: use live, customer, parked, dropped, lost or all")


def list_cards_command(
    options: ListOptions,
    opener: Callable[[], AbstractContextManager[Database]],
    output: ListOutput,
    now: datetime,
) -> None:
    """Check the options (before the database is opened), read the cards, print them."""
    statuses = parse_statuses(options.status)
    grade = parse_grade(options.grade).value if options.grade else None
    verdict = None
    if options.man is not None:
        from salesdesk.rules.man import parse_verdict

        try:
            verdict = parse_verdict(options.man)
        except ValueError as exc:
            raise InputError(str(exc)) from None
    limit = parse_limit(options.limit) if options.limit is not None else None
    if limit is not None and options.show_all:
        raise InputError("give --limit N or --all, not both")
    table = not options.as_json
    if limit is None and table and output.terminal and not options.show_all:
        limit = max(1, output.height - SPARE_LINES)  # a screenful
    filters: dict[str, Any] = {"statuses": statuses, "grade": grade, "search": options.search,
                               "due_only": options.due}
    more = 0
    with opener() as database:
        if verdict is None:
            cards = store.list_cards(database, now, **filters, limit=limit)
            if table and output.terminal and limit is not None and len(cards) == limit:
                more = count_cards(database, now, **filters) - len(cards)
        else:  # the verdict is judged in Python, after the read
            cards = [c for c in store.list_cards(database, now, **filters) if c.verdict == verdict]
            if limit is not None:
                more = max(0, len(cards) - limit) if table and output.terminal else 0
                cards = cards[:limit]
        chances = store.pipeline(database)
        widest = largest_id(database) if cards and table else 0
    listed = listed_pipeline(cards, chances)
    if options.as_json:
        rows = (card_json(c, chances) for c in cards)
        if options.totals:
            output.file.write('{\n "cards": ')
            write_json_array(output.file, rows, depth=1)
            totals = json.dumps(listed.to_json(), ensure_ascii=False, indent=1)
            output.file.write(',\n "totals": ' + totals.replace("\n", "\n ") + "\n}\n")
        else:
            write_json_array(output.file, rows)
            output.file.write("\n")
        return
    if not cards:
        output.say("No prospects match. Add one with: salesdesk add NAME")
        return
    output.table(cards_table(cards, now.date(), output.width, widest))
    if any(card_flags(card) for card in cards):
        output.dim(FLAGS_LEGEND)
    if listed.total:
        output.dim(pipeline_words(listed))
    if more:
        output.dim(f"… {more:,} more: use --limit N or --all")


def write_json_array(file: IO[str], items: Iterable[Any], depth: int = 0) -> None:
    """``json.dumps(list(items), ensure_ascii=False, indent=1)``, nested ``depth`` levels
    deep, written item by item: the whole array is never held as one string. (JSON text
    has no raw newline inside a value, so indenting each line is safe.)"""
    inner = "\n" + " " * (depth + 1)
    first = True
    for item in items:
        file.write("[" + inner if first else "," + inner)
        file.write(json.dumps(item, ensure_ascii=False, indent=1).replace("\n", inner))
        first = False
    file.write("[]" if first else "\n" + " " * depth + "]")


def card_json(card: store.CardRow, chances: Pipeline | None = None) -> dict[str, Any]:
    """The JSON form of a card, as ``list --json`` prints it (``forecast``: a live card's
    value times its grade's chance)."""
    live = card.status == Status.LIVE
    forecast = chances.weighted(card.grade.value, card.value) if chances and live else 0.0
    return {
        "id": card.id,
        "name": card.name,
        "company": card.company,
        "grade": card.grade.value,
        "status": card.status,
        "next_date": card.next_date.isoformat() if card.next_date else None,
        "next_action": card.next_action,
        "next_kind": card.next_kind or None,
        "review_due": card.review_due,
        "past_window": card.status == Status.LIVE and card.urgency.past_window,
        "overdue": card.overdue,
        "urgency": card.urgency.score,
        "man": card.man,
        "verdict": card.verdict.value,
        "score": card.potential,
        "priority": card.priority,
        "value": card.value,
        "forecast": round(forecast, 2),
        "area": card.area,
        "key_account": card.key_account,
        "last_touch": card.touched_on.isoformat() if card.touched_on else None,
        "complaint": card.complaint or None,
        "complaint_due": card.complaint_due.isoformat() if card.complaint_due else None,
        "first_contact": card.first_contact or None,
        "first_contact_due": card.first_contact_due.isoformat()
        if card.first_contact_due else None,
    }


def listed_pipeline(cards: Sequence[store.CardRow], chances: Pipeline) -> Pipeline:
    """The value and forecast of the live cards listed (the ones printed, not the book)."""
    values = dict.fromkeys(("A", "B", "C"), 0.0)
    for card in cards:
        if card.status == Status.LIVE:
            values[card.grade.value] += card.value
    return Pipeline(values, chances.chances)


def pipeline_words(pipe: Pipeline) -> str:
    """``value A 120,000 · B 300,000 · C 80,000 = 500,000 · forecast 170,000 (A 60% ·
    B 30% · C 10%)``."""
    grades = " · ".join(f"{g} {pipe.value_by_grade[g]:,.0f}" for g in "ABC")
    chances = " · ".join(f"{g} {pipe.chances[g]:.0%}" for g in "ABC")
    return f"value {grades} = {pipe.total:,.0f} · forecast {pipe.forecast:,.0f} ({chances})"


def stdout_output() -> ListOutput:
    """Plain output to stdout (the caller knows it is piped and nothing forces colour)."""
    return ListOutput.plain(sys.stdout)
