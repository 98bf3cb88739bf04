"""Next-step slips: a next date pushed later, or cleared, by a change that logged no touch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class NextStepEdit:
    """One recorded change of a card (from the undo journal): its next date before the
    change, and whether the change logged a touch."""

    day: date
    before: date | None
    touched: bool


@dataclass(frozen=True)
class Slip:
    """A next step pushed later (``to`` set) or cleared (``to`` None) without a touch."""

    day: date
    old: date
    new: date | None


def next_step_slips(edits: Sequence[NextStepEdit], current: date | None) -> list[Slip]:
    """Slips among a card's changes, oldest first. The date after change i is the date
    before change i + 1 (or the current one). Moving a step later when a touch was logged
    in the same change is progress, not a slip."""
    if not edits:
        return []
    after = [edit.before for edit in edits[1:]] + [current]
    slips = []
    for edit, new in zip(edits, after, strict=True):
        if edit.touched or edit.before is None or new == edit.before:
            continue
        if new is None or new > edit.before:
            slips.append(Slip(edit.day, edit.before, new))
    return slips
