"""A column of cards drawn with Textual's line API: only visible lines are rendered.

However many prospects a column holds, it is one widget; each card is a fixed number of
lines, so the card under any screen line is found by arithmetic, and its cards are a
:class:`~salesdesk.data.board_view.Column` that reads from the database only the cards
drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from math import ceil
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.style import Style as TextualStyle
from textual.timer import Timer

from salesdesk.data.board_view import Column, ListColumn
from salesdesk.data.store import CardRow
from salesdesk.render.cards import card_height, render_card
from salesdesk.widgets.plain_lines import plain_lines

FLASH_SECONDS = 1.2  # how long a card that just moved column stays lit
#: A column's ground before it is first drawn (see ``render_lines``): a style, never None
#: (NO_COLOR's line filter reads every segment's style, and a None one stopped the app).
BLANK = Style()
#: What a drawn card looks like: id, width, selected, selected in the active column,
#: compact, flashing, the column's background.
CardLook = tuple[int, int, bool, bool, bool, bool, Style]


def _day(moment: date) -> date:
    """The day of a moment (a datetime is a date too)."""
    return moment.date() if isinstance(moment, datetime) else moment


def _ticking(card: CardRow) -> bool:
    """A running clock's "time left" moves with the minute: such a card is drawn anew."""
    return card.complaint_due is not None or card.first_contact_due is not None


def _thumb(bar: ScrollBar) -> list[Segment]:
    """The scroll bar as Textual draws it (its shape: colours aside)."""
    window = bar.window_size if bar.window_size < bar.window_virtual_size else 0
    drawn = ScrollBarRender.render_bar(
        size=bar.size.height, virtual_size=ceil(bar.window_virtual_size),
        window_size=ceil(window), position=bar.position, thickness=bar.thickness,
    )
    return list(drawn.segments)


class CardColumn(ScrollView, can_focus=False):
    """One board column: a virtual, scrollable stack of cards with one selected card."""

    flash_seconds: ClassVar[float] = FLASH_SECONDS  # a test gives the light its own length

    DEFAULT_CSS = """
    CardColumn { height: 1fr; scrollbar-size-vertical: 1; overflow-x: hidden; }
    """

    @dataclass
    class Clicked(Message):
        """A card was clicked (``chain`` 2 means double-click)."""

        column: CardColumn
        index: int
        chain: int

    def __init__(self, key: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.key = key
        self.cards: Column = ListColumn([])
        self.selected = 0
        self.active = False
        self.compact = False
        self.today = date.today()
        # Drawn cards by what they look like (id, width, selected, selected in the active
        # column, compact, flashing, background), with the row they were drawn from and,
        # for a card whose clock ticks, the moment: a card is drawn again only when it
        # changed (or its moment moved), however often the column is given new cards.
        self._cache: dict[CardLook, tuple[CardRow, date | None, list[Strip]]] = {}
        self.flashing: int | None = None  # the id of a card that just moved here
        self._flash_timer: Timer | None = None  # puts out the light of ``flashing``
        self._bars_for: Size | None = None  # the virtual size the scroll bar last showed
        self._ground = BLANK  # the style of the column's background (see render_lines)

    # ------------------------------------------------------------------ data
    def set_cards(self, cards: Column, today: date, *, keep_id: int | None = None) -> None:
        """Replace the cards; keep the selection on ``keep_id`` if it is still here.

        Only the lines of cards drawn differently are redrawn: a regrade changes one or two
        columns' windows, and repainting the unchanged lines of all three was most of a
        key's time."""
        new_day = _day(today) != _day(self.today)
        before = None if new_day else self._drawn()
        self.cards = cards
        if new_day:
            self._cache.clear()
        self.today = today
        if keep_id is not None:
            index = self.index_of(keep_id)
            if index is not None:
                self.selected = index
        self.selected = max(0, min(self.selected, len(cards) - 1))
        self._update_size()
        self._redraw_changed(before)
        if keep_id is not None and self.is_mounted:
            # The kept card may have moved far down (regraded into this column): show it.
            self._now_or_after_layout(self.scroll_to_selected)

    def _window(self) -> range:
        """The indexes of the cards on screen, whole or in part."""
        height = self.card_lines
        top, view = self.scroll_offset.y, self.scrollable_content_region.height
        if view <= 0:
            return range(0)
        return range(top // height, (top + view - 1) // height + 1)

    def _drawn(self) -> list[tuple[CardRow | None, bool]] | None:
        """What each card place on screen shows: its card and whether it is selected, or
        None when that cannot be told (not shown yet, or a card removed meanwhile)."""
        if not self.is_mounted or self.size.height <= 0:
            return None
        try:
            return [
                (self.cards[i] if i < len(self.cards) else None, i == self.selected)
                for i in self._window()
            ]
        except IndexError:
            return None

    def _redraw_changed(self, before: list[tuple[CardRow | None, bool]] | None) -> None:
        after = self._drawn()
        if before is None or after is None or len(before) != len(after):
            self.refresh()
            return
        for index, old, new in zip(self._window(), before, after, strict=True):
            if old != new or (new[0] is not None and _ticking(new[0])):
                self._redraw_card(index)

    def refresh_lines(self, y_start: int, line_count: int = 1) -> None:
        """ScrollView's, but only over the cards' width: the scroll bar beside them is not
        drawn again with every card (it redraws itself when its range or place moves)."""
        width = self.scrollable_content_region.width
        if width <= 0:
            super().refresh_lines(y_start, line_count)
            return
        self.refresh(Region(0, y_start - self.scroll_offset.y, width, line_count))

    def _redraw_card(self, index: int) -> None:
        """Draw the lines of the card at ``index`` again (the rest stay as drawn)."""
        self.refresh_lines(index * self.card_lines, self.card_lines)

    def index_of(self, prospect_id: int) -> int | None:
        return self.cards.index_of(prospect_id)

    @property
    def current(self) -> CardRow | None:
        try:
            return self.cards[self.selected] if self.cards else None
        except IndexError:  # removed since the column was read: the board reloads
            return None

    @property
    def card_lines(self) -> int:
        return card_height(self.compact)

    def set_compact(self, compact: bool) -> None:
        if compact != self.compact:
            first_card = self.scroll_offset.y // self.card_lines  # the card at the top
            self.compact = compact
            self._update_size()
            # Keep the same card at the top, whole: cards just changed height.
            self.scroll_to(y=first_card * self.card_lines, animate=False, force=True)
            self.refresh()

    def set_active(self, active: bool) -> None:
        """Only the selected card is drawn differently in the active column."""
        if active != self.active:
            self.active = active
            if self.cards:
                self._redraw_card(self.selected)

    def _update_size(self) -> None:
        # Only the height scrolls (overflow-x is hidden), so the width stays 0: a resize
        # then leaves the virtual size alone and costs no second layout of the board.
        size = Size(0, len(self.cards) * self.card_lines)
        if size == self.virtual_size:
            return
        view = self.scrollable_content_region.height
        if self.is_mounted and view > 0 and min(size.height, self.virtual_size.height) > view:
            # The scrollbar stays (a long column got longer or shorter): no layout of the
            # board, only the scrollbar's range, the scroll position and the lines redrawn.
            self.set_reactive(CardColumn.virtual_size, size)
            bar = self.vertical_scrollbar
            before = _thumb(bar)
            bar.set_reactive(ScrollBar.window_virtual_size, size.height)
            if _thumb(bar) != before:  # a card more or less in thousands: mostly not
                bar.refresh()
            self._bars_for = size
            self.scroll_y = self.validate_scroll_y(self.scroll_y)
        else:
            self.virtual_size = size

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """Textual's, but only when something changed: every layout of the screen calls
        this, and a ScrollView compares its own virtual size with the laid-out size of its
        content (never equal), so each layout redrew the three scroll bars (``/`` and
        Escape: two frames of them). (Private Textual API, written against 8.2.)"""
        if (size == self._size and container_size == self.container_size
                and self.virtual_size == self._bars_for):
            return False
        self._bars_for = self.virtual_size
        return super()._size_updated(size, virtual_size, container_size, layout)

    def on_resize(self, event: events.Resize) -> None:
        # Cached card lines are keyed by width, so a resize needs no cache clearing.
        self._update_size()
        self.scroll_to_selected()

    # ------------------------------------------------------------------ moving
    def select(self, index: int) -> None:
        if not self.cards:
            return
        index = max(0, min(index, len(self.cards) - 1))
        if index != self.selected:
            self._redraw_card(self.selected)  # only the two cards
            self.selected = index
            self._redraw_card(index)
        self.scroll_to_selected()

    def move(self, delta: int) -> None:
        self.select(self.selected + delta)

    @property
    def page_cards(self) -> int:
        return max(1, self.size.height // self.card_lines)

    def scroll_to_selected(self) -> None:
        """Bring the selected card into view, moving as little as possible but always by
        whole cards, so the column never starts with the tail of a card cut in half."""
        if self.cards:
            self._bring_into_view(self.selected)

    def _bring_into_view(self, index: int) -> None:
        height = self.card_lines
        top, view = self.scroll_offset.y, self.scrollable_content_region.height
        start = index * height
        if view <= 0:
            return
        if start < top:
            target = start
        elif start + height > top + view:
            target = -(-(start + height - view) // height) * height  # rounded up to a card
        else:
            return  # already in view
        # At once: in the same frame as the change that moved it, not one frame later.
        self.scroll_to(y=target, animate=False, force=True, immediate=True)

    def _now_or_after_layout(self, scroll: Callable[[], None]) -> None:
        """Scroll now when the column has its size (a vertical scroll does not depend on
        the scrollbar a layout may add), else once it is laid out."""
        if self.scrollable_content_region.height > 0:
            scroll()
        else:
            self.call_after_refresh(scroll)

    # ------------------------------------------------------------------ drawing
    def flash(self, prospect_id: int, seconds: float | None = None) -> None:
        """Light up a card that just moved here (a regrade) and bring it into view for
        ``seconds`` (:attr:`flash_seconds` by default); the selection stays where it is."""
        index = self.index_of(prospect_id)
        if index is None:
            return
        before = None if self.flashing is None else self.index_of(self.flashing)
        if before is not None:  # the card lit before goes out
            self._redraw_card(before)
        self.flashing = prospect_id
        self._redraw_card(index)
        self._now_or_after_layout(lambda: self._show_index(index))
        if self._flash_timer is not None:  # a card lit earlier must not put this one out
            self._flash_timer.stop()
        length = self.flash_seconds if seconds is None else seconds
        self._flash_timer = self.set_timer(length, self._flash_over)

    def _flash_over(self) -> None:
        self._flash_timer = None
        flashed, self.flashing = self.flashing, None
        index = None if flashed is None else self.index_of(flashed)
        if index is None:
            self.refresh()
        else:
            self._redraw_card(index)

    def _show_index(self, index: int) -> None:
        if 0 <= index < len(self.cards):
            self._bring_into_view(index)

    def _strips_for(self, index: int, width: int) -> list[Strip]:
        selected = index == self.selected
        card = self.cards[index]
        flashing = card.id == self.flashing
        ground = self._ground
        key = (card.id, width, selected, selected and self.active, self.compact, flashing,
               ground)
        # A card whose clock ticks is drawn for the moment the column was given
        # (``today``): it is drawn again when that moment moves, not at every frame.
        moment = self.today if _ticking(card) else None
        cached = self._cache.get(key)
        if cached is not None and cached[0] == card and cached[1] == moment:
            return cached[2]
        lines = render_card(
            card, width, self.today, compact=self.compact, selected=selected,
            active=self.active, flashing=flashing,
        )
        console = self.app.console
        strips = [
            # Every cell on the column's background, as Textual's own widgets draw: a cell
            # left to the terminal's default was drawn on the screen's background under a
            # dialog, and stayed so in the terminal once the dialog's box alone was drawn
            # again. (A line without spans has no style from Rich: it gets the ground.)
            Strip([Segment(seg.text, ground + seg.style if seg.style else ground)
                   for seg in line.render(console)],
                  line.cell_len).adjust_cell_length(width, ground)
            for line in lines
        ]
        if len(self._cache) > 400:
            self._cache.clear()
        self._cache[key] = (card, moment, strips)
        return strips

    def render_lines(self, crop: Region) -> list[Strip]:
        # A column's style adds nothing to its cards' lines: they go to the screen as
        # drawn (see plain_lines), not through Textual's styles cache line by line.
        base, background = self.background_colors  # (looked up once, not per line)
        self._ground = TextualStyle(background=base + background).rich_style
        lines = plain_lines(self, crop, self._content_lines)
        return super().render_lines(crop) if lines is None else lines

    def _content_lines(self, rows: range) -> list[Strip]:
        """The lines ``rows`` of the view: each card's lines looked up once (a screen
        update asks for the whole column after a regrade: ~40 lines, ~9 cards)."""
        width = self.scrollable_content_region.width
        blank = self._blank(width)
        height, top, count = self.card_lines, self.scroll_offset.y, len(self.cards)
        lines: list[Strip] = []
        y = rows.start
        while y < rows.stop:
            index, row = divmod(y + top, height)
            take = min(height - row, rows.stop - y)
            strips: list[Strip] = []
            if index < count and width > 0:
                try:
                    strips = self._strips_for(index, width)[row : row + take]
                except IndexError:  # removed since the column was read: the board reloads
                    strips = []
            lines.extend(strips)
            lines.extend([blank] * (take - len(strips)))
            y += take
        return lines

    def render_line(self, y: int) -> Strip:
        return self._content_lines(range(y, y + 1))[0]

    def _blank(self, width: int) -> Strip:
        return Strip([Segment(" " * max(0, width), self._ground)], max(0, width))

    # ------------------------------------------------------------------ mouse
    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (offset.y + self.scroll_offset.y) // self.card_lines
        if 0 <= index < len(self.cards):
            event.stop()
            self.post_message(self.Clicked(self, index, event.chain))
