"""Wide characters (Chinese) in a toast stay whole over the board's column edges, and a
screen update renders only the lines it draws.

Where the cut happens: Textual's compositor splits every line of every widget at the
x of *each* widget edge on that line ("cuts"), also the edges of the widgets beneath an
overlay, and keeps, per piece, the topmost widget's. A double-width character that
straddles such an edge is split by ``Strip.divide``, and Rich turns both halves into
spaces: a toast over the board showed ``Undone: add   伟`` for 王伟, where 王 sat on the
edge between two columns (Textual issue #6357, open in 8.2).

The fix divides a widget's line only where it stops or starts being the one on top, so
inside a stretch it covers, a character is never cut; the pieces it covers beyond the
first of a stretch get an empty strip, so no widget beneath claims them. Applied once,
to the Textual this was written against (8.2.x; the pin in pyproject is <9); a test
(tests/test_wide_cuts.py) draws a toast over column edges and fails if a character goes
missing, with this fix or without.

While at it, the replacement asks each widget only for the band of lines the update draws
(Textual asks every widget over the updated area for all its visible lines, cached or
not): a regrade redraws one card and the status line, and went through ~460 lines' caches
and filters per update. tests/test_wide_cuts.py also checks that lines drawn alone come
out exactly as in a full frame.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import textual
from textual.geometry import Region
from textual.strip import Strip

FIXED_FOR = "8.2."
_EMPTY = Strip([], 0)


def _rendered_bands(
    self: Any, crop: Region, is_rendered_line: Callable[[int], bool]
) -> Iterator[tuple[Region, list[Strip]]]:
    """Each visible widget over ``crop``, front to back: the band of its visible part
    from its first to its last line being rendered, and that band's strips. Textual's
    ``_get_renders`` has every such widget render all its visible lines, though a key
    redraws a card and the status line: at 140x45 about 460 lines went through the
    widgets' line caches and filters per update, for some 50 drawn."""
    visible_widgets: Mapping[Any, tuple[Region, Region]] = self.visible_widgets
    for widget, (region, clip) in visible_widgets.items():
        if not crop.overlaps(clip):
            continue
        visible = region.intersection(clip)
        rows = [y for y in visible.line_range if is_rendered_line(y)]
        if not visible.width or not rows:
            continue
        band = Region(visible.x, rows[0], visible.width, rows[-1] + 1 - rows[0])
        yield band, widget.render_lines(band.translate(-region.offset))


def _render_chops(
    self: Any, crop: Region, is_rendered_line: Callable[[int], bool]
) -> Sequence[Mapping[int, Strip]]:
    """Textual's ``Compositor._render_chops``, dividing each line only at the edges of
    the stretches where this widget is on top, and rendering of each widget only the
    lines being drawn (:func:`_rendered_bands`)."""
    cuts: list[list[int]] = self.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(line[:-1]) for line in cuts]
    for band, strips in _rendered_bands(self, crop, is_rendered_line):
        render_x = band.x
        first_cut, last_cut = band.column_span
        for y, strip in zip(band.line_range, strips, strict=False):
            if not is_rendered_line(y):
                continue
            line = chops[y]
            edges = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
            if len(edges) < 2:
                continue
            free = [line.get(cut) is None for cut in edges[:-1]]
            starts = [edges[0]] + [
                edges[i] for i in range(1, len(free)) if free[i] != free[i - 1]
            ]
            ends = [*starts[1:], edges[-1]]
            pieces = strip.divide([end - render_x for end in ends])
            for start, end, piece in zip(starts, ends, pieces, strict=False):
                if line.get(start) is not None:
                    continue  # a widget above has this stretch
                line[start] = piece
                for cut in edges:
                    if start < cut < end:
                        line[cut] = _EMPTY
    return cast("Sequence[Mapping[int, Strip]]", chops)  # every piece is filled by now


def textual_version() -> str:
    """Textual's version, from the name of its installed ``textual-X.Y.Z.dist-info``
    folder when there is one: ``textual.__version__`` asks importlib.metadata, whose
    import (email, csv, zipfile) and search of every installed package cost about 20 ms
    of every start."""
    for folder in Path(textual.__file__).parent.parent.glob("textual-*.dist-info"):
        return folder.name.removeprefix("textual-").removesuffix(".dist-info")
    return str(textual.__version__)


def keep_wide_characters_whole() -> bool:
    """Install the fix (once); False when this Textual is not the one it was written for."""
    if not textual_version().startswith(FIXED_FOR):
        return False
    from textual._compositor import Compositor

    if Compositor._render_chops is not _render_chops:
        Compositor._render_chops = _render_chops  # type: ignore[method-assign]
    return True
