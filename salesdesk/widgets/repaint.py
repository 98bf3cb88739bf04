"""Hand a widget's repaint to its screen inside the key that asked for it.

Textual's ``refresh`` marks a widget and lets the widget's own message queue tell the
screen, once that queue is idle. A key that changes the field and the board's header
(or columns) thus sends the screen one message from each widget's queue; the screen draws
when the first arrives and the frame-rate timer fires, and on a loaded machine the
header's message came after that frame: the field was drawn in one frame, the header ~20
ms later in a second (seen as a flaky one-frame test in CI). Marked dirty on the screen
at once, everything the key changed is in the screen's next frame.

(Private Textual API: ``Widget._repaint_required`` and ``Screen._dirty_widgets``, as
``Widget._check_refresh`` and ``Screen._on_update`` use them; without them this does
nothing and the widget's queue tells the screen, as before.)
"""

from __future__ import annotations

from typing import Any

from textual.dom import NoScreen
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget


def repaint_now(*widgets: Widget) -> None:
    """Give each widget's pending repaint to its screen now, not from the widget's queue."""
    for widget in widgets:
        if not getattr(widget, "_repaint_required", False) or not widget.display:
            continue
        try:
            screen = widget.screen
        except NoScreen:  # not mounted on a screen yet
            continue
        dirty = getattr(screen, "_dirty_widgets", None)
        compositor = getattr(screen, "_compositor", None)
        if not isinstance(dirty, set) or compositor is None or screen not in compositor:
            continue  # not laid out yet: its first layout draws everything
        widget._repaint_required = False
        dirty.add(widget)
        screen.check_idle()


def repaint_pending(screen: Screen[Any]) -> None:
    """Hand every repaint ``screen``'s widgets have asked for and not yet told the screen
    (see :func:`repaint_now`): what a dialog's callback changed on the board, in the
    board's next frame, whichever widgets it was."""
    repaint_now(*screen.walk_children(Widget))  # (it skips those with none pending)


def covered_region(modal: Screen[Any]) -> Region | None:
    """The part of the screen beneath that a dialog draws over (the box around everything
    it shows: its form, and a Footer of its own as the help has), when its own background
    is clear; None when it tints the screen (all of it then changes when it goes)."""
    if modal.styles.background.a > 0:
        return None
    boxes = [child.region for child in modal.children if child.display and child.region]
    return Region.from_union(boxes) if boxes else None


def repaint_only(screen: Screen[Any], region: Region) -> None:
    """Have ``screen``'s next frame draw ``region`` of it again, not all of it, with what
    its widgets asked for meanwhile: what a resumed screen draws when the dialog that
    covered ``region`` has gone. Textual's resume asks for the whole screen; after a form
    at 100,000 cards that was 45 full rows, the largest part of the close. (A screen's own
    ``refresh(region)`` would not do: a screen to be repainted draws itself in place of
    its dirty widgets, and only ``region`` of it would be drawn. Private Textual API:
    ``_repaint_regions``, ``_repaint_required``, ``_dirty_widgets``; without them the
    whole screen is drawn.)"""
    regions = getattr(screen, "_repaint_regions", None)
    dirty = getattr(screen, "_dirty_widgets", None)
    if not isinstance(regions, set) or not isinstance(dirty, set):
        screen.refresh()
        return
    regions.clear()
    regions.add(region)
    screen._repaint_required = False
    dirty.add(screen)
    screen.check_idle()
