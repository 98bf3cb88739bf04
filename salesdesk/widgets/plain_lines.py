"""Lines of a line-API widget handed to the screen as drawn, when its style adds nothing.

Textual passes every line a widget draws through its styles cache: the line is fitted to
the width, padded, bordered, outlined, hatched, tinted and faded as the widget's CSS asks,
each step a new ``Strip`` (with its own caches, so a line filter applied to it is never
reused). A card column has none of these: after a regrade about 80 of its lines shift,
and the styles cache was most of that screen update's time (~0.2 ms a line). Here a line
is the widget's own strip, fitted to the width with the background Textual would use, and
filtered (the app's line filters, such as ``NO_COLOR``'s) through the strip's own cache;
the drawn strips are the card column's cached ones, so an unchanged card costs lookups.

Whenever the widget's style does add something (a border, padding, an outline, a tint,
opacity, a hatch, text opacity, a border title, links to light on hover), Textual's own
path draws it, unchanged. The test compares both paths line by line.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.geometry import Region, Spacing
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget

NO_SPACING = Spacing(0, 0, 0, 0)


def adds_nothing(widget: Widget) -> bool:
    """Whether Textual's styles cache would pass ``widget``'s content lines through as
    they are (only fitted to the width and filtered)."""
    styles = widget.styles
    if styles.gutter != NO_SPACING or widget._border_title is not None:
        return False
    if any(edge for edge, _color in styles.outline):
        return False
    if styles.text_opacity != 1.0 or styles.tint.a or widget.opacity != 1.0:
        return False
    if styles.has_rule("hatch") and styles.hatch != "none":
        return False
    return not (widget.auto_links and widget.hover_style._link_id)


def plain_lines(
    widget: Widget, crop: Region, content_lines: Callable[[range], list[Strip]] | None = None
) -> list[Strip] | None:
    """The lines of ``crop`` (widget coordinates) as Textual would draw them, or None when
    the widget's style adds something (then Textual's own path must draw them).

    ``content_lines`` gives the widget's lines for a range of rows at once (by default
    ``render_line`` for each row): a card column looks each card up once, not per line."""
    if not adds_nothing(widget):
        return None
    base_background, background = widget.background_colors
    inner = Style(background=base_background + background).rich_style
    width = widget.content_region.width
    rows = crop.line_range
    if content_lines is None:
        render_line = widget.render_line
        drawn = [render_line(y) for y in rows]
    else:
        drawn = content_lines(rows)
    strips = [strip.adjust_cell_length(width, inner) for strip in drawn]
    for line_filter in widget.get_line_filters():
        strips = [strip.apply_filter(line_filter, background) for strip in strips]
    if crop.column_span != (0, widget.region.width):
        x1, x2 = crop.column_span
        strips = [strip.crop(x1, x2) for strip in strips]
    return strips
