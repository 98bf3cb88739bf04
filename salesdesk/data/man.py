"""The MAN check in the database: a card's answers (money, authority, need), the
decision-maker, the seven potential criteria and the priority level, and the queue of
cards still to qualify. What the answers mean is the pure :mod:`salesdesk.rules.man`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from salesdesk.data.cards import get_card, list_cards, prospect_row
from salesdesk.data.db import Database
from salesdesk.data.journal import Change
from salesdesk.enums import ActivityKind
from salesdesk.errors import InputError, NotFound
from salesdesk.rules.man import (
    POTENTIAL_CRITERIA,
    ManResult,
    Tri,
    Verdict,
    assess,
    man_case,
    parse_tri,
)


@dataclass(frozen=True)
class ManState:
    """A card's MAN answers and what they mean, for the MAN check screen and CLI."""

    id: int
    name: str
    company: str
    status: str
    money: str
    authority: str
    need: str
    decider: str
    potential: dict[str, bool]
    priority: int
    priority_set: bool
    result: ManResult


def get_man(db: Database, prospect_id: int, today: date) -> ManState:
    """The MAN answers, potential toggles and priority of one card."""
    with db.connect() as conn:
        raw = prospect_row(conn, prospect_id)
    if raw is None:
        raise NotFound(f"no prospect with id {prospect_id}")
    card = get_card(db, prospect_id, today)
    return ManState(
        id=prospect_id,
        name=str(raw["name"]),
        company=str(raw["company"]),
        status=str(raw["status"]),
        money=str(raw["money"]),
        authority=str(raw["authority"]),
        need=str(raw["need"]),
        decider=str(raw["decider"]),
        potential={key: bool(raw[key]) for key, _label in POTENTIAL_CRITERIA},
        priority=card.priority,
        priority_set=card.priority_set,
        result=assess(Tri(raw["money"]), Tri(raw["authority"]), Tri(raw["need"])),
    )


def set_man(
    db: Database,
    now: datetime,
    prospect_id: int,
    *,
    money: str | None = None,
    authority: str | None = None,
    need: str | None = None,
    decider: str | None = None,
) -> ManResult:
    """Set any of the three MAN answers (yes/no/unknown) and the decision-maker's name.

    Logged in the timeline as what changed, e.g. "MAN M?N → MAN (qualified): authority yes".
    """
    answers = {"money": money, "authority": authority, "need": need}
    values: dict[str, Any] = {}
    for key, answer in answers.items():
        if answer is not None:
            try:
                values[key] = parse_tri(answer).value
            except ValueError as exc:
                raise InputError(f"{key}: {exc}") from None
    if decider is not None:
        if len(decider) > 200:
            raise InputError("the decision-maker's name is too long (200 characters at most)")
        values["decider"] = decider.strip()
    with db.begin() as conn:
        change = Change(conn, now)
        raw = change.snapshot(prospect_id)
        changed = {k: v for k, v in values.items() if raw[k] != v}
        old_case = man_case(raw["money"], raw["authority"], raw["need"])
        merged = {k: changed.get(k, raw[k]) for k in ("money", "authority", "need")}
        result = assess(Tri(merged["money"]), Tri(merged["authority"]), Tri(merged["need"]))
        if not changed:
            return result
        change.update(prospect_id, changed)
        parts = [
            f"{k} {v}" if k != "decider" else f"decider {v or '(none)'}" for k, v in changed.items()
        ]
        note = f"MAN {old_case} → {result.case} ({result.verdict.label}): {', '.join(parts)}"
        change.activity(prospect_id, ActivityKind.MAN, now, note=note)
        change.label = f"MAN of {raw['name']}: {', '.join(parts)}"
        change.record()
    return result


def set_potential(
    db: Database, now: datetime, prospect_id: int, criterion: str, value: bool
) -> int:
    """Set one of the seven potential criteria; returns the new score (0-7)."""
    labels = dict(POTENTIAL_CRITERIA)
    if criterion not in labels:
        raise InputError(f"unknown criterion {criterion!r}: use one of {', '.join(labels)}")
    with db.begin() as conn:
        change = Change(conn, now)
        raw = change.snapshot(prospect_id)
        score_now = sum(bool(raw[key]) for key in labels) - bool(raw[criterion]) + value
        if bool(raw[criterion]) == value:
            return score_now
        change.update(prospect_id, {criterion: value})
        word = "yes" if value else "no"
        change.activity(
            prospect_id,
            ActivityKind.MAN,
            now,
            note=f"potential: {labels[criterion].lower()} {word} (score {score_now}/7)",
        )
        change.label = f"potential of {raw['name']}: {labels[criterion].lower()} {word}"
        change.record()
    return score_now


def set_priority(db: Database, now: datetime, prospect_id: int, level: int | None) -> None:
    """Set the priority level 1-4 by hand, or None to go back to the suggested level."""
    if level is not None and level not in (1, 2, 3, 4):
        raise InputError(f"invalid priority {level!r}: use 1, 2, 3 or 4")
    with db.begin() as conn:
        change = Change(conn, now)
        raw = change.snapshot(prospect_id)
        if raw["priority"] == level:
            return
        change.update(prospect_id, {"priority": level})
        text = f"priority set to {level}" if level else "priority back to suggested"
        change.activity(prospect_id, ActivityKind.MAN, now, note=text)
        change.label = f"{text} for {raw['name']}"
        change.record()


def man_queue(db: Database, today: date, now: datetime | None = None) -> list[int]:
    """The MAN check queue: live cards with MAN incomplete first, then not qualified ones,
    each group in urgency order. Qualified cards are not in the queue. Given the moment
    ``now`` (on ``today``), an SQLite file answers from the board's keys (the same ids,
    without scoring every card: :mod:`salesdesk.data.key_queues`)."""
    from salesdesk.data import key_queues

    if now is not None and key_queues.usable(db, today, now):
        found = key_queues.man_queue_ids(db, today, now)
        if found is not None:
            return found
    cards = list_cards(db, today)
    incomplete = [c.id for c in cards if c.verdict == Verdict.INCOMPLETE]
    unqualified = [c.id for c in cards if c.verdict not in (Verdict.INCOMPLETE, Verdict.QUALIFIED)]
    return incomplete + unqualified
