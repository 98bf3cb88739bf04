"""The cycle collector's full passes run while the rep pauses, never inside a key.

Python's collector walks every object it tracks on a full (oldest-generation) pass. The
board's drawn lines are Textual ``Strip`` objects, each holding seven small caches, and a
card column keeps the strips of the cards it drew: a few thousand strips are some 30,000
tracked objects. Left to itself the collector ran a full pass every few regrades, each
30–75 ms, inside whichever key happened to allocate last: one key in ten took twice as
long as the others.

So the full passes are taken off the keys: the oldest generation's automatic pass is
pushed out of reach (:data:`FULL_PASS_THRESHOLD`; the young generations still collect as
usual), and once no key or click has come for :data:`REST_SECONDS` the survivors of
what the keys made are collected and frozen (``gc.collect`` then ``gc.freeze``), so later
passes never walk them again. Frozen objects are not collected; when the frozen set has
grown by half since it was last thawed (closed screens, cards read again), one pause
thaws it all, collects and freezes again, so nothing is kept for good.

The start itself runs with the collector off (:func:`hold_through_start`): Textual's and
the app's imports, the first screen's widgets and lines are nearly all objects that live
as long as the app, yet some 130 young passes walked them before the first frame (~28 ms
of it). Once the frame is up they are frozen and the collector runs again
(:func:`resume_after_start`); what the start left as garbage is collected at the first
thaw.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from time import monotonic

#: How long without a key or click counts as a pause (a full pass may run then).
REST_SECONDS = 1.0
#: How often the pause is looked for.
CHECK_SECONDS = 0.25
#: The oldest generation's threshold while the app runs: thousands of young passes, in
#: practice never while keys come (CPython's default is 10).
FULL_PASS_THRESHOLD = 100_000
#: A thaw-collect-freeze pass once the frozen set is this much larger than after the last.
THAW_GROWTH = 1.5


@dataclass
class RestCollector:
    """When to collect: :meth:`input_seen` on each key or click, :meth:`tick` now and then.

    ``collect``, ``freeze``, ``unfreeze`` and ``frozen`` are the ``gc`` module's by
    default (tests pass their own); ``clock`` is ``time.monotonic``."""

    clock: Callable[[], float] = monotonic
    collect: Callable[[], object] = gc.collect
    freeze: Callable[[], None] = gc.freeze
    unfreeze: Callable[[], None] = gc.unfreeze
    frozen: Callable[[], int] = gc.get_freeze_count
    #: The last key or click; the app's start counts as one (no pass while it starts).
    last_input: float = field(default=-1.0)
    #: Whether anything happened since the last pass (nothing to collect otherwise).
    pending: bool = True
    #: The frozen count right after the last thaw-collect-freeze pass.
    thawed_at: int = 0
    #: Passes taken (frozen only, and with a thaw), for the tests and the curious.
    passes: int = 0
    thaws: int = 0

    def __post_init__(self) -> None:
        if self.last_input < 0:
            self.last_input = self.clock()

    def input_seen(self) -> None:
        """A key or click: no pass for :data:`REST_SECONDS` from now."""
        self.last_input = self.clock()
        self.pending = True

    def rested(self) -> float:
        """Seconds since the last key or click."""
        return self.clock() - self.last_input

    def tick(self) -> str | None:
        """Run a pass if the rep is pausing and something happened; say which ran."""
        if not self.pending or self.clock() - self.last_input < REST_SECONDS:
            return None
        self.pending = False
        if self.thawed_at and self.frozen() > self.thawed_at * THAW_GROWTH:
            self.unfreeze()
            self.collect()
            self.freeze()
            self.thawed_at = self.frozen()
            self.thaws += 1
            return "thaw"
        self.collect()
        self.freeze()
        if not self.thawed_at:
            self.thawed_at = max(1, self.frozen())
        self.passes += 1
        return "freeze"


def full_passes_held() -> tuple[int, int, int]:
    """Push the oldest generation's automatic pass out of reach; return the thresholds
    before (to restore them when the app ends)."""
    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], FULL_PASS_THRESHOLD)
    return before


def hold_through_start() -> None:
    """No collection until the first frame is up (the launcher, before its imports)."""
    gc.disable()


def resume_after_start() -> None:
    """Once the first frame is up: what the start made frozen out of the passes (the
    young generation would otherwise hold all of it, and its next pass walk it all), and
    the collector on again. Nothing when the start did not hold it (tests, the server)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
