"""A Footer that never cuts a key in half: the keys that do not fit whole are left out.

Textual's Footer lays its keys out in a row and clips the row at the edge, so at 100
columns the board's Footer ended in ``w R``. This one shows as many whole keys as fit,
in the bindings' order (the rest are on ``?`` and in ``ctrl+p``), and is compact (less
space between keys) below :data:`ROOMY_FROM` columns and leaves ``^p palette`` out below
:data:`PALETTE_FROM`, so 80 columns show more keys.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Footer

ROOMY_FROM = 120  # columns: below this the keys sit closer together
PALETTE_FROM = 100  # columns: below this ``^p palette`` leaves its room to the keys (it
# stays on the ? screen)


class FittingFooter(Footer):
    """Whole keys only (see the module)."""

    DEFAULT_CSS = "FittingFooter.-compact FooterLabel { margin: 0 1 0 0; }"

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self._leave_out_what_does_not_fit)

    def on_resize(self, event: events.Resize) -> None:
        width = self.app.size.width
        self.compact = width < ROOMY_FROM
        if self.show_command_palette != (width >= PALETTE_FROM):
            self.show_command_palette = width >= PALETTE_FROM
            self.call_after_refresh(self.recompose)
            return
        for child in self.children:
            child.display = True  # measure everything again at the new width
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
        cut = False
        for child in self.children:
            if child in palette:
                continue
            cut = cut or child.region.right > right
            if cut:
                child.display = False
