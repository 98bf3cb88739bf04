"""A Footer that never cuts a key in half: the keys that do not fit whole are left out.

Textual's Footer lays its keys out in a row and clips the row at the edge, so at 100
columns the board's Footer ended in ``w R``. This one shows as many whole keys as fit,
in the bindings' order (the rest are on ``?`` and in ``ctrl+p``) but with help and back
always among them, and is compact (less space between keys) below :data:`ROOMY_FROM`
columns and leaves ``^p palette`` out below :data:`PALETTE_FROM`, so 80 columns show more
keys.
"""

from __future__ import annotations

from typing import Any, cast

from textual import events
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import (  # (private: pinned by tests/test_small_terminals.py)
    FooterKey,
    FooterLabel,
    KeyGroup,
)

ROOMY_FROM = 120  # columns: below this the keys sit closer together
PALETTE_FROM = 100  # columns: below this ``^p palette`` leaves its room to the keys (it
# stays on the ? screen)
ALWAYS_SHOWN = ("question_mark", "escape")  # help and back: shown whatever else is left out


class FittingFooter(Footer):
    """Whole keys only (see the module)."""

    DEFAULT_CSS = "FittingFooter.-compact FooterLabel { margin: 0 1 0 0; }"
    _shown_for: tuple[object, ...] | None = None  # what the composed keys show
    _showing: tuple[object, ...] | None = None  # what they show now (a part: see _show_part)
    _left_out: frozenset[Widget] = frozenset()  # keys of the composed set not shown now
    _fitted: tuple[int, frozenset[Widget]] | None = None  # (width, keys that fit there)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """Compose the keys again, after the refresh, if what they show changed by then.
        A screen shown again (back from a card) or the focus moving to another field
        leaves the same keys, and composing them again draws the row twice (every key,
        then those that fit): a flicker, and a few hundred ms on a busy machine. Decided
        when the recompose would run, not at the signal: a card shown in the detail
        moves the focus off its field and back (the bindings change twice, and end as
        they were), which composed the keys twice for nothing."""
        self._bindings_ready = True  # (as Textual's: the keys may be composed now)
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    def follow_now(self) -> bool:
        """Show the keys the bindings have now, inside the key that changed them, where
        hiding or showing composed keys does it (the filter's field opening, closing):
        the Footer is then drawn in the same frame as the rest of that key, not a frame
        later (~20-30 ms, the signal's wait for a refresh). False when the keys must be
        composed again: the signal does that, as before."""
        if not self.is_attached or not self.children:
            return False
        shows = _what_shows(self.screen, self.show_command_palette)
        return shows == self._showing or self._show_part(shows)

    async def _recompose_if_changed(self) -> None:
        if self.is_attached and not self.follow_now():
            await self.recompose()

    async def recompose(self) -> None:
        self._shown_for = self._showing = _what_shows(self.screen, self.show_command_palette)
        self._left_out = frozenset()
        self._fitted = None
        await super().recompose()
        self.call_after_refresh(self._leave_out_what_does_not_fit)

    def _show_part(self, shows: tuple[object, ...]) -> bool:
        """Show only the composed keys that ``shows`` has, when it has nothing else (the
        filter's field focused leaves the palette's key alone; Escape brings the board's
        back): composing ~20 keys again, their styles and two layouts, took ~150 ms of
        each ``/`` and Escape at 100,000 cards. False (nothing done) otherwise."""
        composed = self._shown_for
        if composed is None or shows[0] != composed[0]:
            return False
        palette = str(self.app.COMMAND_PALETTE_BINDING)
        entries = [entry for entry in cast("tuple[tuple[Any, ...], ...]", composed[1])
                   if composed[0] or entry[0] != palette]  # (a palette key not composed)
        wanted = {entry for entry in cast("tuple[tuple[Any, ...], ...]", shows[1])
                  if shows[0] or entry[0] != palette}
        if not wanted <= set(entries):
            return False  # a binding the composed keys do not have, or changed
        shown = {(entry[0], entry[1]) for entry in wanted}
        left_out: set[Widget] = set()
        for unit, keys in _units(list(self.children)):
            if not keys:
                continue  # (not a key: stays as it is)
            showing = sum((key.key, key.action) in shown for key in keys)
            if showing == 0:
                left_out.update(unit)
            elif showing < len(keys):
                return False  # part of a group: composed again
        self._showing = shows
        self._left_out = frozenset(left_out)
        fitted = self._fitted
        if fitted is not None and fitted[0] == self.region.width:
            self._set_displays({  # as they fitted here: one layout, no measuring
                child: child not in self._left_out and (
                    child in fitted[1] or child.has_class("-command-palette"))
                for child in self.children})
        else:
            self._measure_again()
        return True

    def _set_displays(self, displays: dict[Widget, bool]) -> None:
        """Show and hide keys with one layout of the Footer, asked for by the Footer: a
        key's ``display`` asks for its own layout and repaint, and ~20 keys' requests
        reached the screen after its next frame (the keys were drawn in that frame, from
        the Footer's layout), so the screen drew the same row again a frame later.
        (Private flags, pinned by tests/test_filter_row.py.)"""
        changed = False
        for child, shown in displays.items():
            if child.display != shown:
                pending = child._layout_required, child._repaint_required
                child.display = shown
                child._layout_required, child._repaint_required = pending
                changed = True
        if changed:
            self.refresh(layout=True)

    def on_resize(self, event: events.Resize) -> None:
        width = self.app.size.width
        self.compact = width < ROOMY_FROM
        if self.show_command_palette != (width >= PALETTE_FROM):
            self.show_command_palette = width >= PALETTE_FROM
            self.call_after_refresh(self.recompose)
            return
        self._fitted = None
        self._measure_again()  # at the new width

    def _measure_again(self) -> None:
        """Show every key not left out, and leave out what does not fit once laid out."""
        self._set_displays({child: child not in self._left_out for child in self.children})
        self.call_after_refresh(self._leave_out_what_does_not_fit)

    def _leave_out_what_does_not_fit(self, tries: int = 20) -> None:
        shown = [c for c in self.children if c.display]
        if not self.region.width or any(not c.region.width for c in shown):
            if tries:  # not laid out yet: measure after the next refresh
                self.call_after_refresh(self._leave_out_what_does_not_fit, tries - 1)
            return
        palette = [c for c in self.children if c.has_class("-command-palette")]
        right = self.region.right - sum(c.outer_size.width for c in palette)
        if palette and any(c.region.width for c in palette):  # where it really starts
            right = min(right, *(c.region.x for c in palette if c.region.width))
        keys = [c for c in self.children if c not in palette and c not in self._left_out]
        room = right - min((c.region.x for c in keys), default=self.region.x)
        kept = _keys_that_fit(keys, room)
        self._set_displays({child: child in kept for child in keys})
        if not self._left_out:  # (the whole set: brought back as it is by _show_part)
            self._fitted = (self.region.width, frozenset(kept))


def _units(children: list[Widget]) -> list[tuple[list[Widget], list[FooterKey]]]:
    """The Footer's children as what is shown or left out together, each with its keys:
    a key alone, or a group of keys with the label after it."""
    units: list[tuple[list[Widget], list[FooterKey]]] = []
    for child in children:
        if isinstance(child, FooterKey):
            units.append(([child], [child]))
        elif isinstance(child, KeyGroup):
            units.append(([child], list(child.query_children(FooterKey))))
        elif units and isinstance(child, FooterLabel):
            units[-1][0].append(child)
        else:
            units.append(([child], []))
    return units


def _what_shows(screen: Screen[Any], palette: bool) -> tuple[object, ...]:
    """What the Footer's keys show on ``screen``: every shown binding, enabled or not, and
    the palette's key."""
    palette_key = screen.app.COMMAND_PALETTE_BINDING
    return (
        palette,
        tuple(
            (key, binding.action, binding.description, binding.group, enabled, tooltip)
            for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items()
            if binding.show or key == palette_key
        ),
    )


def _room_taken(key: Widget) -> int:
    margin = key.styles.margin
    return key.region.width + margin.left + margin.right


def _keys_that_fit(keys: list[Widget], room: int) -> set[Widget]:
    """The keys to show in ``room`` columns: help and back first (a screen's ``esc Back``
    is last in its bindings but is the key a rep must always find), then the others in the
    bindings' order while they fit whole."""
    first = [k for k in keys if getattr(k, "key", "") in ALWAYS_SHOWN]
    kept = set(first)
    room -= sum(_room_taken(k) for k in first)
    for key in keys:
        if key in kept:
            continue
        if _room_taken(key) > room:
            break  # in order: a later, narrower key does not jump the queue
        kept.add(key)
        room -= _room_taken(key)
    return kept
