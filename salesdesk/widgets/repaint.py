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

from textual.dom import NoScreen
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
