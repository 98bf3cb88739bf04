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
and filters per update. A partial update also says which stretch of each line it draws
(``render_partial_update``), and a widget no stretch crosses on a line is not rendered
there, only kept covering its part (the scroll bars beside redrawn cards, ~40% of a
regrade's lines). tests/test_wide_cuts.py checks that lines and stretches drawn alone
come out exactly as in a full frame.
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


Spans = Mapping[int, list[tuple[int, int]]]


def _rendered_bands(
    self: Any, crop: Region, is_rendered_line: Callable[[int], bool],
    spans: Spans | None = None, taken: Callable[[int, Region], bool] = lambda y, r: False,
) -> Iterator[tuple[Region, Region | None, list[Strip]]]:
    """Each visible widget over ``crop``, front to back: its visible part, the band of it
    from its first to its last line being rendered (None: none), and that band's strips. Textual's
    ``_get_renders`` has every such widget render all its visible lines, though a key
    redraws a card and the status line: at 140x45 about 460 lines went through the
    widgets' line caches and filters per update, for some 50 drawn. With ``spans`` (a
    partial update: the stretches of each line that are drawn), a line counts for a
    widget only where a stretch crosses it: the scroll bar beside a card drawn again,
    or the footer under a status line, is not rendered for nothing. Nor is a line whose
    every piece a widget in front has already taken (``taken``, asked as the bands are
    drawn front to back): the screen, the columns' container and each column's frame lie
    under the cards and titles, and drew ~180 hidden lines in the first frame."""
    visible_widgets: Mapping[Any, tuple[Region, Region]] = self.visible_widgets
    for widget, (region, clip) in visible_widgets.items():
        if not crop.overlaps(clip):
            continue
        visible = region.intersection(clip)
        if spans is None:
            rows = [y for y in visible.line_range
                    if is_rendered_line(y) and not taken(y, visible)]
        else:
            left, right = visible.x, visible.right
            rows = [y for y in visible.line_range
                    if any(x1 < right and x2 > left for x1, x2 in spans.get(y, ()))
                    and not taken(y, visible)]
        if not visible.width:
            continue
        if not rows:
            yield visible, None, []
            continue
        band = Region(visible.x, rows[0], visible.width, rows[-1] + 1 - rows[0])
        yield visible, band, widget.render_lines(band.translate(-region.offset))


def _render_chops(
    self: Any, crop: Region, is_rendered_line: Callable[[int], bool],
    spans: Spans | None = None,
) -> Sequence[Mapping[int, Strip]]:
    """Textual's ``Compositor._render_chops``, dividing each line only at the edges of
    the stretches where this widget is on top, and rendering of each widget only the
    lines being drawn (:func:`_rendered_bands`)."""
    cuts: list[list[int]] = self.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(line[:-1]) for line in cuts]

    def taken(y: int, visible: Region) -> bool:
        """Whether widgets in front have every piece of ``visible`` on line ``y``."""
        line = chops[y]
        first, last = visible.column_span
        return all(line.get(cut) is not None for cut in cuts[y] if first <= cut < last)

    for visible, band, strips in _rendered_bands(self, crop, is_rendered_line, spans, taken):
        if spans is not None:
            _cover(chops, cuts, visible, band, is_rendered_line)
        if band is None:
            continue
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


def _cover(
    chops: list[dict[int, Strip | None]], cuts: list[list[int]], visible: Region,
    band: Region | None, is_rendered_line: Callable[[int], bool],
) -> None:
    """A widget not rendered on a drawn line (no stretch drawn crosses it there) still
    covers its part of that line: the widget beneath must not take that part, or its
    piece, drawn whole from a stretch's start, would paint over this widget."""
    first_cut, last_cut = visible.column_span
    for y in visible.line_range:
        if not is_rendered_line(y) or (band is not None and band.y <= y < band.bottom):
            continue
        line = chops[y]
        for cut in cuts[y]:
            if first_cut <= cut < last_cut and cut in line and line[cut] is None:
                line[cut] = _EMPTY


def _render_partial_update(self: Any) -> Any:
    """Textual's ``Compositor.render_partial_update``, telling :func:`_render_chops` which
    stretch of each line is drawn (Textual tells it only which lines)."""
    from textual._compositor import ChopsUpdate

    update_regions = self._dirty_regions.copy()
    self._dirty_regions.clear()
    if not update_regions:
        return None
    crop = Region.from_union(update_regions).intersection(self.size.region)
    spans = list(self._regions_to_spans(update_regions))
    by_line: dict[int, list[tuple[int, int]]] = {}
    for y, x1, x2 in spans:
        by_line.setdefault(y, []).append((x1, x2))
    chops = _render_chops(self, crop, by_line.__contains__, by_line)
    chop_ends = [cut_set[1:] for cut_set in self.cuts]
    return ChopsUpdate(chops, spans, chop_ends)


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
        # (Textual's own kept beside it: tests compare the frames both draw.)
        Compositor._textuals_render_chops = Compositor._render_chops  # type: ignore[attr-defined]
        Compositor._render_chops = _render_chops  # type: ignore[method-assign]
        Compositor.render_partial_update = _render_partial_update  # type: ignore[method-assign]
    return True
