"""The morning board: three columns of cards (A, B, C) in urgency order.

Cards are plain rows from the store (:class:`BoardCards`); each column is one line-API
widget, so opening a board of 100,000 prospects mounts the same dozen widgets as ten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, Static

from salesdesk import keys
from salesdesk.data import store
from salesdesk.data.store import CardRow
from salesdesk.enums import Status
from salesdesk.render.board_header import summary_line
from salesdesk.render.marks import legend_line
from salesdesk.rules.man import Verdict
from salesdesk.screens.board_cards import LIVE_COLUMNS, BoardCards
from salesdesk.screens.board_forms import BoardForms
from salesdesk.screens.undo import careful_undo
from salesdesk.widgets.board_columns import BoardColumns
from salesdesk.widgets.card_column import CardColumn
from salesdesk.widgets.filter_bar import FilterBar
from salesdesk.widgets.fitting_footer import FittingFooter
from salesdesk.widgets.fixed_line import set_line
from salesdesk.widgets.repaint import repaint_now
from salesdesk.widgets.status_line import StatusLine

COMPACT_BELOW_HEIGHT = 32
WATCH_EVERY = 2.0  # seconds between checks for changes by other programs
NEEDS_CARD = {
    "regrade", "open_card", "log_touch", "next_date", "park", "drop", "lost", "won", "complaint",
}

EMPTY_TEXT = (
    "No prospects yet.\n\n"
    "Press  n  to add your first prospect,\n"
    "i  to import your contacts (CSV, vCard),\n"
    "or  D  to load demo data and look around.\n\n"
    'From the shell:  salesdesk add "Name" --grade A --next fri\n'
    "Press  ?  for every key."
)
NO_MATCH_TEXT = (
    "No card matches the filter.\n\n"
    "It looks in the name, company, phone, email, WeChat, area, tags and notes,\n"
    "and in the pinyin of Chinese names (wang, or wh for 王海燕).\n\n"
    "backspace  widens it  ·  esc  clears it"
)


class BoardScreen(BoardForms):
    """Home screen: triage by keyboard (or mouse)."""

    BINDINGS = keys.BOARD
    HELP_TITLE = "the board"
    SHOWS_MARKS = True  # the ? screen explains the cards' marks too
    AUTO_FOCUS = ""  # keys go to the board, not the (hidden) filter field

    def __init__(self) -> None:
        super().__init__()
        self.verdict_filter: Verdict | None = None
        self.col = 0
        self._view: BoardCards | None = None
        self.today_left: int | None = None  # items on today's list (T), once counted
        self._card_open: int | None = None  # the card whose detail is open over the board
        self._no_match = False  # the filter matches no card: said instead of the columns
        self._awaiting_text = False  # a filter waits for the view's text (text_coming)

    class TextRead(Message):
        """The filter's text was read in its thread (posted from there)."""

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static(id="summary")
        yield BoardColumns(tuple(key for key, _title in LIVE_COLUMNS), id="columns")
        yield Static(Text(EMPTY_TEXT), id="empty")
        # What a key did: one row under the cards (above the footer and whatever is docked
        # on it), so saying it repaints that row, never the screen as a toast does.
        yield StatusLine(id="status")
        # The filter's field, in the status line's row while it is open (see FilterBar).
        yield FilterBar(id="filter-bar", answer=self._filter_typed, covers="#status")
        yield Static(legend_line(), id="legend")
        yield FittingFooter()

    @property
    def view(self) -> BoardCards:
        if self._view is None:
            self._view = BoardCards(self.sd_app.db)
            self._view.text_read = self._text_read
        return self._view

    @property
    def cards(self) -> list[CardRow]:
        """The cards of the view (live, or closed), filtered by text but not by verdict."""
        return self.view.cards

    @property
    def closed_view(self) -> bool:
        return self.view.closed_view

    @property
    def filter_text(self) -> str:
        return self.view.filter_text

    @property
    def columns(self) -> list[CardColumn]:
        return self.query_one(BoardColumns).columns

    @property
    def column(self) -> CardColumn:
        return self.query_one(BoardColumns).column(self.col)

    @property
    def current(self) -> CardRow | None:
        return self.column.current

    def _current_id(self) -> int | None:
        return self.current.id if self.current else None

    def on_mount(self) -> None:
        legend = store.get_setting(self.sd_app.db, "board_legend")
        self.query_one("#legend").display = legend == "on"
        self._apply_compact()
        self.load()
        self.set_interval(WATCH_EVERY, self.follow_changes)

    def on_resize(self) -> None:
        self._apply_compact()
        if self.view.pool is not None:  # the header shows as much as the width holds
            self._update_summary()

    def _apply_compact(self) -> None:
        self.query_one(BoardColumns).set_compact(self.app.size.height < COMPACT_BELOW_HEIGHT)

    # ------------------------------------------------------------------ other programs
    def on_screen_resume(self) -> None:
        """Back from another screen (which may have changed cards): catch up quietly (back
        from a card's detail: see :meth:`_back_from_card`)."""
        if self._card_open is None and self.view.changed_elsewhere():
            self._reload_everything()

    def follow_changes(self) -> None:
        """What the timer runs every few seconds: follow changes made by other programs
        (a `salesdesk` command, a restore) while the board shows."""
        if not self.is_current:
            return
        ok, changed = self.run_change(self.view.changed_elsewhere)
        if ok and changed:
            self._reload_everything()

    def _reload_everything(self) -> None:
        """Read the shown cards and the header's counts again."""
        self.view.forget_counts()
        self.load(keep_id=self._current_id())

    def _card_to_change(self) -> CardRow | None:
        """The selected card, if the board is up to date. After a change by another program
        (a card restored away, its id reused), the board reloads first and says so, so a
        key never acts on a card that is no longer what it shows."""
        if self.view.changed_elsewhere(exact=True):
            came_back = self.view.connection_lost_since_read()
            self._reload_everything()
            why = "The connection to the server was lost and is back" if came_back \
                else "The database was changed by another program"
            self.tell(f"{why}: the board is up to date again. Check the card and press "
                      "the key again.", "warning")
            return None
        return self.current

    # ------------------------------------------------------------------ data
    def load(self, keep_id: int | None = None) -> None:
        """Read every card of the view from the database, then redraw. A fault (a damaged
        file, a full disk, a search too long) is said on screen; the board stays up."""
        self._awaiting_text = False  # (this answers the filter, whatever it is)
        ok, _ = self.run_change(
            lambda: self.view.load(self.sd_app.now(), self.sd_app.take_prefetched())
        )
        if ok:
            self._distribute(keep_id)

    def refresh_cards(self, ids: Iterable[int], keep_id: int | None = None) -> None:
        """Read only the given cards again (fast on a huge board), then redraw."""
        ok, _ = self.run_change(lambda: self.view.refresh(self.sd_app.now(), ids))
        if ok:
            self._distribute(keep_id)

    def _distribute(self, keep_id: int | None) -> None:
        """Put the cards in their columns; keep ``keep_id`` selected, or stay in a column
        that has cards."""
        spec = self.view.columns
        buckets = self.view.buckets(self.verdict_filter)
        keys_in_order = [key for key, _title in spec]
        holding = [i for i, key in enumerate(keys_in_order) if keep_id is not None
                   and buckets[key].index_of(keep_id) is not None]
        if holding:
            self.col = holding[0]
        elif not buckets[keys_in_order[self.col]]:
            # The selected card left the view (filtered out, dropped): go where cards are.
            filled = [i for i, key in enumerate(keys_in_order) if buckets[key]]
            if filled:
                self.col = filled[0]
        self.query_one(BoardColumns).show(spec, buckets, self.col, self.sd_app.now(), keep_id)
        self._update_summary()

    def _update_summary(self) -> None:
        """Redraw the header, and count today's list again (from the key table, or on a
        server in the background: it reads every card there)."""
        if self.view.in_sql:
            self.today_left = self.view.today_left
            self._draw_summary()
            return
        self._draw_summary()
        self.count_today(self.sd_app.today())

    def _draw_summary(self) -> None:
        view = self.view
        empty = view.is_empty()
        no_match = not empty and bool(view.filter_text) and not view.matches()
        if no_match != self._no_match or empty != self.query_one("#empty").display:
            # (only when the state changes: each character of a query nothing matches
            # would lay the screen out again)
            self._no_match = no_match
            self.query_one("#empty", Static).update(Text(NO_MATCH_TEXT if no_match else EMPTY_TEXT))
        self.query_one("#empty").display = empty or no_match
        self.query_one("#columns").display = not (empty or no_match)
        verdict = self.verdict_filter
        line = summary_line(
            view.pool,
            closed_view=view.closed_view,
            verdict=verdict,
            verdict_count=view.verdict_count(verdict) if verdict else 0,
            filter_text=view.filter_text,
            matches=None if self._awaiting_text else view.matches(),
            today_left=self.today_left,
            now=self.sd_app.now(),
            width=max(0, self.app.size.width - 2),
        )
        # One line whatever it says (it is cut to the width); most keys leave it alone.
        set_line(self.query_one("#summary", Static), line)

    @work(thread=True, exclusive=True, group="today-count")
    def count_today(self, today: date) -> None:
        """How many items today's list holds (it reads every card: off the UI thread)."""
        from salesdesk.data.today import today_list

        try:
            left: int | None = len(today_list(self.sd_app.db, today))
        except Exception:  # a busy database: the count waits for the next change
            left = None
        self.app.call_from_thread(self._counted, left)

    def _counted(self, left: int | None) -> None:
        if self.is_mounted and left is not None and left != self.today_left:
            self.today_left = left
            self._draw_summary()

    # ------------------------------------------------------------------ moving
    def action_column(self, delta: int) -> None:
        target = self.col + delta
        if 0 <= target <= 2:
            self.col = target
            if self.columns[target].cards:  # the cards stay where they are
                self.query_one(BoardColumns).activate(self.view.columns, target)
            else:  # an empty column: _distribute goes to one that has cards
                self._distribute(None)

    def action_move(self, delta: int) -> None:
        self.column.move(delta)

    def action_page(self, delta: int) -> None:
        self.column.move(delta * self.column.page_cards)

    def action_jump(self, where: str) -> None:
        self.column.select(0 if where == "top" else len(self.column.cards) - 1)

    @on(CardColumn.Clicked)
    def _clicked(self, event: CardColumn.Clicked) -> None:
        self.col = self.columns.index(event.column)
        event.column.select(event.index)
        self._distribute(event.column.current.id if event.column.current else None)
        if event.chain >= 2:
            self.action_open_card()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NEEDS_CARD and self.is_mounted:
            try:
                return True if self.current is not None else None
            except Exception:
                return True
        if action == "filter":  # typing / into the filter field types a /
            return not isinstance(self.focused, Input)
        if action == "clear_filter":
            return bool(self.filter_text) or self.query_one(FilterBar).shown
        return True

    # ------------------------------------------------------------------ changes
    def action_regrade(self, grade: str) -> None:
        card = self._card_to_change()
        if card is None:
            return
        app = self.sd_app
        same = card.grade.value == grade and card.status == Status.LIVE
        message = (
            f"{card.name}: kept {grade} (reviewed)"
            if same
            else f"{card.name}: {card.grade.value} → {grade}"
        )
        if self.closed_view and card.status != Status.LIVE:
            message = f"{card.name}: back on the board as {grade}"
        # stay (the default): the selection stays where you work, on the next card, and the
        # card flashes in its new column; follow: the selection goes with the card.
        follow = same or store.get_setting(app.db, "after_regrade") == "follow"
        self._do(
            lambda: store.regrade(app.db, app.now(), card.id, grade),
            [card.id],
            message,
            keep_id=card.id if follow else None,
        )
        if not follow and not self.closed_view:
            self.query_one(BoardColumns).flash(card.id)

    def action_open_card(self) -> None:
        card = self._card_to_change()
        if card is None:
            return
        app = self.sd_app
        ok, _ = self.run_change(lambda: store.get_card(app.db, card.id, app.today()))
        if not ok:  # removed meanwhile (another terminal's undo, an undo-import)
            self.load()
            return
        self._card_open = card.id
        app.open_card(card.id, on_close=lambda: self._back_from_card(card.id))

    def _back_from_card(self, card_id: int) -> None:
        """Back from a card's detail: nothing written, nothing to read or redraw; else the
        card is read again (on an SQLite file every key made stale meanwhile is rescored
        with it, whoever wrote; on a server everything is read again)."""
        self._card_open = None
        if not self.view.changed_elsewhere():
            return
        if self.view.in_sql:
            self.refresh_cards([card_id], keep_id=card_id)
        else:
            self._reload_everything()

    def _open_elsewhere(self, opener: Callable[..., None]) -> None:
        """Open another screen; reload the board when it closes (it may have changed cards)."""
        keep = self._current_id()
        opener(on_close=lambda: self.load(keep_id=keep))

    def action_man_check(self) -> None:
        self._open_elsewhere(self.sd_app.open_man_check)

    def action_visit_plan(self) -> None:
        self._open_elsewhere(self.sd_app.open_visit_plan)

    def action_weekly_review(self) -> None:
        self._open_elsewhere(self.sd_app.open_weekly_review)

    def action_today(self) -> None:
        self._open_elsewhere(self.sd_app.open_today)

    def action_complaints(self) -> None:
        self._open_elsewhere(self.sd_app.open_complaints)

    def action_import_file(self) -> None:
        self._open_elsewhere(self.sd_app.open_import)

    def action_undo(self) -> None:
        """Undo this board's last change; another program's, an import or a change of
        several cards is named and asked about first (see screens/undo.py)."""
        def done(result: store.UndoResult) -> None:
            keep = result.prospect_ids[0] if result.prospect_ids else None
            self.refresh_cards(result.prospect_ids, keep_id=keep)

        careful_undo(self, done)

    def action_redo(self) -> None:
        result = self.redo_last()
        if result is not None:
            keep = result.prospect_ids[0] if result.prospect_ids else None
            if self.closed_view:  # a redone card may be live again, or closed
                self.load(keep_id=keep)
            else:
                self.refresh_cards(result.prospect_ids, keep_id=keep)

    # ------------------------------------------------------------------ view and filters
    def action_verdict_filter(self) -> None:
        """Cycle the MAN verdict filter: all → qualified → contact → nurture → drop → incomplete."""
        order: list[Verdict | None] = [None, *Verdict]
        self.verdict_filter = order[(order.index(self.verdict_filter) + 1) % len(order)]
        self._distribute(self._current_id())

    def show_live_board(self, keep_id: int | None = None) -> None:
        """Back from the closed view to the live cards."""
        self.view.closed_view = False
        self.load(keep_id=keep_id)

    def action_toggle_closed(self) -> None:
        self.view.closed_view = not self.view.closed_view
        self.col = 0
        for column in self.columns:
            column.selected = 0
        self.load()

    def action_legend(self) -> None:
        """Show or hide the line that explains the marks (kept for the next start)."""
        legend = self.query_one("#legend")
        legend.display = not legend.display
        self.run_change(lambda: store.set_setting(
            self.sd_app.db, "board_legend", "on" if legend.display else "off"))
        self.view.seen_own_write()

    def action_reload(self) -> None:
        self.load(keep_id=self._current_id())

    def action_load_demo(self) -> None:
        db = self.sd_app.db
        if store.count_prospects(db):
            self.tell("Demo data only loads into an empty database", "warning")
            return
        from salesdesk.data.demo import fill_demo

        fill_demo(db, self.sd_app.today())
        self.load()
        self.tell("Demo data loaded: 120 prospects")

    def action_filter(self) -> None:
        bar = self.query_one(FilterBar)
        self.view.prepare_filter()  # the board's text, read while the first word is typed
        bar.instant = self.view.in_sql
        bar.open(self.filter_text)
        self.query_one(FittingFooter).follow_now()

    @on(FilterBar.Changed)
    def _filter_changed(self, event: FilterBar.Changed) -> None:
        bar = self.query_one(FilterBar)
        if event.text != bar.field.value:
            return  # more was typed (or it was cleared) since: only the latest text counts
        self._filter_to(event.text)

    def _filter_to(self, text: str) -> None:
        if text != self.filter_text:
            self.view.filter_text = text
            if self.view.text_coming():  # answered when the text is read (TextRead)
                self._awaiting_text = True
                self._draw_summary()  # ("searching…" meanwhile)
                return
            self.load(keep_id=self._current_id())

    def _filter_typed(self, text: str) -> None:
        """The filter answered inside the key that typed it (FilterBar.typed_now): what it
        changed goes to the screen now, to be drawn in one frame with the field (the
        field's own repaint follows at the end of its key, before the screen draws). Told
        by each widget's own queue, a late header was drawn a frame after the field on a
        loaded machine (see :mod:`salesdesk.widgets.repaint`)."""
        self._filter_to(text)
        repaint_now(self.query_one("#summary", Static), *self.query_one(BoardColumns).drawn())

    def _text_read(self) -> None:
        self.post_message(self.TextRead())  # (from the reading thread: thread-safe)

    def on_board_screen_text_read(self, _message: TextRead) -> None:
        if self._awaiting_text and not self.view.text_coming():
            self.load(keep_id=self._current_id())

    @on(FilterBar.Done)
    def _filter_done(self) -> None:
        self.set_focus(None)
        self.query_one(FittingFooter).follow_now()

    def action_clear_filter(self) -> None:
        self.query_one(FilterBar).close()
        self.set_focus(None)
        self.query_one(FittingFooter).follow_now()
        if self.filter_text:
            self.view.filter_text = ""
            self.load(keep_id=self._current_id())
