"""A card's state on a past day: grades, statuses and stages rebuilt from the recorded
changes."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from salesdesk.rules.review.facts import CUSTOMER, LIVE, CardFact, ChangeFact


@dataclass(slots=True)
class _Track:
    days: list[date]
    before: list[str]
    after: list[str]
    values: list[float | None]


def _track_at(track: _Track, day: date) -> str:
    index = bisect_right(track.days, day)
    return track.after[index - 1] if index else track.before[0]


class History:
    """Grades, statuses and stages of every card at any past day, from the recorded
    changes."""

    def __init__(self, cards: Iterable[CardFact], changes: Iterable[ChangeFact]) -> None:
        self.cards: dict[int, CardFact] = {card.id: card for card in cards}
        self.status: dict[int, _Track] = {}
        self.grade: dict[int, _Track] = {}
        self.stage: dict[int, _Track] = {}
        # Stable sort: same-day changes keep their recorded order.
        tables = {"status": self.status, "grade": self.grade, "stage": self.stage}
        for change in sorted(changes, key=lambda c: c.day):
            table = tables.get(change.kind)
            if table is None or change.prospect_id not in self.cards:
                continue
            if not (change.old and change.new):  # (a change recorded without its facts)
                continue
            track = table.get(change.prospect_id)
            if track is None:
                track = table[change.prospect_id] = _Track([], [], [], [])
            track.days.append(change.day)
            track.before.append(change.old)
            track.after.append(change.new)
            track.values.append(change.amount if change.kind == "status" else None)
        self._reconcile()
        self._status_days = _change_index(self.status)
        self._grade_days = _change_index(self.grade)
        self._live_days, self._live_sums = self._live_steps()

    def _reconcile(self) -> None:
        """Regrading a closed card reopens it but records only the grade change: when a
        card's status differs from its last recorded one, it changed at the first grade
        change since (else on the day of the last status change)."""
        for card_id, track in self.status.items():
            status = self.cards[card_id].status
            if track.after[-1] == status:
                continue
            grades = self.grade.get(card_id)
            later = [d for d in grades.days if d >= track.days[-1]] if grades else []
            track.days.append(later[0] if later else track.days[-1])
            track.before.append(track.after[-1])
            track.after.append(status)
            track.values.append(None)

    def _live_steps(self) -> tuple[list[date], list[int]]:
        """Days on which the number of live cards changes, and the count from that day."""
        steps: dict[date, int] = defaultdict(int)
        for card in self.cards.values():
            track = self.status.get(card.id)
            current = track.before[0] if track else card.status
            steps[card.created_on] += current == LIVE
            if track is None:
                continue
            for day, new in zip(track.days, track.after, strict=True):
                steps[max(day, card.created_on)] += (new == LIVE) - (current == LIVE)
                current = new
        days = sorted(steps)
        sums, total = [], 0
        for day in days:
            total += steps[day]
            sums.append(total)
        return days, sums

    def status_at(self, card: CardFact, day: date) -> str | None:
        """The card's status at the end of ``day`` (None before it was created)."""
        if card.created_on > day:
            return None
        track = self.status.get(card.id)
        return _track_at(track, day) if track else card.status

    def grade_at(self, card: CardFact, day: date) -> str:
        track = self.grade.get(card.id)
        return _track_at(track, day) if track else card.grade

    def stage_at(self, card: CardFact, day: date) -> str:
        """The card's stage at the end of ``day``: before its first recorded stage change
        it had that change's "from" stage; a card with none has its current stage
        (databases from before stage changes were recorded included)."""
        track = self.stage.get(card.id)
        return _track_at(track, day) if track else card.stage

    def live_count(self, day: date) -> int:
        """Live cards at the end of ``day``."""
        index = bisect_right(self._live_days, day)
        return self._live_sums[index - 1] if index else 0

    def status_moves(self, start: date, end: date) -> list[tuple[CardFact, str, str, float | None]]:
        """Cards whose status changed (net) between the start and the end of the days:
        (card, before, after, amount of the last win in the period)."""
        moves = []
        for card_id in _changed_between(self._status_days, start, end):
            track = self.status[card_id]
            lo = bisect_right(track.days, start - timedelta(days=1))
            hi = bisect_right(track.days, end)
            card = self.cards[card_id]
            before = track.after[lo - 1] if lo else track.before[0]
            after = track.after[hi - 1]
            if before == after:
                continue
            amount = next(
                (
                    track.values[i]
                    for i in range(hi - 1, lo - 1, -1)
                    if track.after[i] == CUSTOMER and track.values[i] is not None
                ),
                None,
            )
            moves.append((card, before, after, amount))
        return moves

    def grade_moves(self, start: date, end: date) -> list[tuple[CardFact, str, str]]:
        """Cards whose grade changed (net) during the days: (card, first from, last to)."""
        moves = []
        for card_id in _changed_between(self._grade_days, start, end):
            track = self.grade[card_id]
            lo = bisect_right(track.days, start - timedelta(days=1))
            hi = bisect_right(track.days, end)
            if track.before[lo] != track.after[hi - 1]:
                moves.append((self.cards[card_id], track.before[lo], track.after[hi - 1]))
        return moves

    def last_win(self, card: CardFact, until: date) -> tuple[date, float | None] | None:
        """The latest recorded win of the card on or before ``until``: (day, amount)."""
        track = self.status.get(card.id)
        if track is None:
            return None
        for i in range(bisect_right(track.days, until) - 1, -1, -1):
            if track.after[i] == CUSTOMER:
                return track.days[i], track.values[i]
        return None


def _change_index(tracks: Mapping[int, _Track]) -> list[tuple[date, int]]:
    """(day, card id) of every change, sorted: finds the cards changed in a week fast."""
    return sorted((day, card_id) for card_id, track in tracks.items() for day in track.days)


def _changed_between(index: list[tuple[date, int]], start: date, end: date) -> list[int]:
    """Ids of the cards with a change dated ``start`` to ``end``, in id order."""
    lo = bisect_right(index, (start, -1))
    hi = bisect_right(index, (end, 2**63))
    return sorted({card_id for _day, card_id in index[lo:hi]})
