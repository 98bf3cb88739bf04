"""The Textual app: one factory builds it for the CLI and the tests."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable
from contextlib import suppress
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import SystemCommand
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen

from salesdesk import keys
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database, open_database
from salesdesk.widgets.key_order import KeysInOrder
from salesdesk.widgets.rest_gc import (
    CHECK_SECONDS,
    RestCollector,
    full_passes_held,
    resume_after_start,
)
from salesdesk.widgets.wide_cuts import keep_wide_characters_whole

if TYPE_CHECKING:
    from textual.driver import Driver

    from salesdesk.data.backup import BackupJob
    from salesdesk.screens.base import DeskApp, OnClose

#: Modules the first of each everyday key imports (a change and its journal, undo, the
#: card detail, the touch and next-step forms, the MAN check), imported in a thread once
#: the board has been up for :data:`WARM_AFTER` seconds: at 100,000 cards the first
#: regrade took ~150 ms longer than the next for its imports. (Not before: the first
#: frame never waits for them, see tests/test_cold_start.py.)
WARM_MODULES = (
    "salesdesk.data.card_changes", "salesdesk.data.journal", "salesdesk.data.journal_undo",
    "salesdesk.data.undo_next", "salesdesk.data.today", "salesdesk.screens.prospect",
    "salesdesk.screens.touch", "salesdesk.screens.next_step", "salesdesk.screens.man_check",
)
WARM_AFTER = 0.3
#: How long the selection rests on a card before its detail is made ready (seconds).
PREPARE_AFTER = 0.5
#: Seconds without a key on the board before the visit plan's suggestions are worked out
#: ahead, in a thread, for the data as it is (at 100,000 cards they take about a second:
#: the plan then opens at once, unless the data changes before it does).
PLAN_AHEAD_AFTER = 1.0
#: The same after a change, once the rep has stopped typing for longer: its Python part
#: takes turns with the keys (the interpreter's lock), so not in every short pause of a
#: busy triage.
PLAN_AGAIN_AFTER = 3.0


def warm_up(names: Iterable[str] = WARM_MODULES) -> None:
    """The warm-up thread: the everyday keys' modules imported, then every object made
    so far (Textual's, the modules', the first frame's: most of what the app will ever
    hold) frozen out of the garbage collector's view (``gc.freeze``). Its full collections
    otherwise walked them all, now and then inside a key: ~70 ms at 100,000 cards."""
    import gc

    warm_imports(names)
    gc.freeze()


def warm_imports(names: Iterable[str] = WARM_MODULES) -> None:
    """Import ``names`` (in the warm-up thread). A module that fails to import is left
    for its key to report: nothing may be printed over the board from here."""
    from importlib import import_module

    for name in names:
        try:
            import_module(name)
        except Exception:  # the key that needs it says what went wrong
            continue


def background_priority() -> None:
    """Lower the calling thread's CPU priority (Linux: a thread has a nice value of its
    own): work done ahead yields to the keys and to a screen the rep opened meanwhile."""
    if sys.platform == "linux":
        with suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


#: The smallest terminal every screen is laid out for (columns, lines).
MIN_SIZE = (50, 15)
#: The board's live cards read before the app started, and the day they were scored for.
Prefetched = tuple[date, list[store.CardRow]]


class SalesDeskApp(KeysInOrder):
    """SalesDesk's TUI. Holds the open database and the clock; screens do the rest.

    Typed keys reach the focused widget one at a time, in order, however fast they come
    (:class:`~salesdesk.widgets.key_order.KeysInOrder`)."""

    class BackupFinished(Message):
        """The daily backup beside the board has finished."""

    class WarmedUp(Message):
        """The warm-up thread has imported the everyday keys' modules."""

    TITLE = "SalesDesk"
    CSS_PATH = "app.tcss"
    BINDINGS = keys.APP
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        settings: Settings,
        database: Database | None = None,
        prefetched: Prefetched | None = None,
        backup: BackupJob | None = None,
    ) -> None:
        super().__init__()
        keep_wide_characters_whole()  # toasts over column edges (see widgets.wide_cuts)
        self.settings = settings
        self.db = database if database is not None else open_database(settings.db_path)
        self._prefetched = prefetched
        self._backup = backup
        #: What was typed into a form closed with escape, by form (see FormScreen).
        self.form_drafts: dict[tuple[str, str], dict[str, str]] = {}
        #: The form whose change is being saved (its draft is forgotten once it is).
        self.pending_draft: tuple[str, str] | None = None
        #: The collector's full passes, taken while the rep pauses (widgets.rest_gc).
        self.rest_gc = RestCollector()
        self._gc_thresholds: tuple[int, int, int] | None = None
        #: Whether the detail was made ready since the last key (see _at_rest).
        self._prepared = False
        #: What the plan's suggestions were last worked out ahead for (data version, day).
        self._planned_ahead: tuple[int, date] | None = None
        self._planning: threading.Thread | None = None
        self._planning_stop = threading.Event()  # set: the work ahead stops (a screen opened)

    def get_driver_class(self) -> type[Driver]:
        """Textual's choice, except that its Linux driver becomes one that reports a lone
        Escape without its 100 ms lag (:mod:`salesdesk.widgets.escape_driver`)."""
        chosen = super().get_driver_class()
        from textual.drivers.linux_driver import LinuxDriver

        if chosen is not LinuxDriver:  # Windows, or $TEXTUAL_DRIVER (textual-serve's)
            return chosen
        from salesdesk.widgets.escape_driver import PromptEscapeDriver

        return PromptEscapeDriver

    def push_screen(self, *args: Any, **kwargs: Any) -> Any:
        """Open a screen, unless the app is quitting: keys typed right after `q` (in the
        same burst) must not mount a screen into an app that is closing."""
        if self._exit:
            return None
        return super().push_screen(*args, **kwargs)

    def take_prefetched(self) -> list[store.CardRow] | None:
        """The live cards read while the app started, if still for today (used once)."""
        prefetched, self._prefetched = self._prefetched, None
        if prefetched is None or prefetched[0] != self.today():
            return None
        return prefetched[1]

    # The clock is a parameter: tests and $SALESDESK_NOW fix it.
    def now(self) -> datetime:
        return self.settings.clock()

    def today(self) -> date:
        return self.now().date()

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """The palette's colours as CSS variables (``$sd-grade-a`` ...) for app.tcss."""
        from salesdesk.render.palette import CSS_VARIABLES

        return {**super().get_theme_variable_defaults(), **CSS_VARIABLES}

    def get_default_screen(self) -> Screen[Any]:
        """The board is the first screen (not pushed over Textual's empty default one,
        whose styles, toast rack and tooltip were made and applied for nothing, and whose
        switch to the board re-applied every style: ~10 ms of each start)."""
        from salesdesk.screens.board import BoardScreen

        return BoardScreen()

    def on_mount(self) -> None:
        for notice in self.db.notices:  # what opening did (permissions tightened), once
            self.notify(notice, title="Your database", timeout=8, markup=False)
        self.call_after_refresh(resume_after_start)  # (the launcher held it for the start)
        if self._backup is not None:
            self.call_after_refresh(self._start_backup)
        self.call_after_refresh(self._warm_up_soon)  # once the first frame is up
        self._gc_thresholds = full_passes_held()
        self.set_interval(CHECK_SECONDS, self._at_rest)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):  # a key or click: no full pass now
            self.rest_gc.input_seen()
            self._prepared = False  # (it may change the card, or the database)
        await super().on_event(event)

    def _warm_up_soon(self) -> None:
        self.set_timer(WARM_AFTER, self._warm_up)

    def _warm_up(self) -> None:
        def run() -> None:
            warm_up()
            self.post_message(self.WarmedUp())  # (thread-safe, never waits)

        threading.Thread(target=run, name="warm-imports", daemon=True).start()

    def on_sales_desk_app_warmed_up(self, _message: WarmedUp) -> None:
        """With its module imported, the card detail is composed ahead for the board's
        current card (see :func:`salesdesk.screens.prospect.compose_detail_ahead`)."""
        card_id = self._board_card()
        if card_id is None:  # another screen up, or closing: composed at its first open
            return
        from salesdesk.screens.prospect import compose_detail_ahead

        compose_detail_ahead(self, card_id)

    def _board_card(self) -> int | None:
        """The card selected on the board, when the board is up (not closing, not empty)."""
        from salesdesk.screens.board import BoardScreen

        if self._exit or not self.screen_stack:  # closing (the rest check still ticks)
            return None
        board = self.screen
        if not isinstance(board, BoardScreen) or not board.is_mounted:
            return None
        try:
            card = board.current
        except NoMatches:  # the board is being taken down
            return None
        return None if card is None else card.id

    def _at_rest(self) -> None:
        """Every :data:`CHECK_SECONDS`: once no key has come for a moment, the detail is
        made ready for the card the selection rests on, and later the collector's full
        pass runs (both never inside a key)."""
        if not self._prepared and self.rest_gc.rested() >= PREPARE_AFTER \
                and "salesdesk.screens.prospect" in sys.modules:  # (the warm-up's import)
            card_id = self._board_card()
            if card_id is not None:
                from salesdesk.screens.prospect import prepare_detail

                self._prepared = prepare_detail(self, card_id, lambda: self._prepared)
        wait = PLAN_AHEAD_AFTER if self._planned_ahead is None else PLAN_AGAIN_AFTER
        if self.rest_gc.rested() >= wait:
            self._plan_ahead()
        self.rest_gc.tick()

    def _plan_ahead(self) -> None:
        """Start working out the visit plan's suggestions in a thread, once per version of
        the data, while the board rests (a failure is left for the plan to say)."""
        if self._planning is not None and self._planning.is_alive():
            return
        if self._board_card() is None:
            return
        try:
            version = self.db.data_version()
        except Exception:  # a busy or lost database: the board says so itself
            return
        wanted = (version, self.today())
        if wanted == self._planned_ahead:
            return
        self._planned_ahead = wanted
        db, today, now = self.db, wanted[1], self.now()
        stop = self._planning_stop = threading.Event()

        def run() -> None:
            from salesdesk.data.visits import suggest_ahead

            background_priority()
            try:
                suggest_ahead(db, today, now, version, stop=stop)
            except Exception:  # stopped, or failed: the plan works them out, says why
                if self._planned_ahead == wanted:
                    self._planned_ahead = None  # (again at the next pause)

        self._planning = threading.Thread(target=run, name="plan-ahead", daemon=True)
        self._planning.start()

    def _start_backup(self) -> None:
        """The page check and daily backup start once the first frame is up: on a large
        book they read the whole file, which must not slow the frame down."""
        job = self._backup
        future = job.start() if job is not None else None
        if future is not None:
            future.add_done_callback(self._backup_done)

    def _backup_done(self, _future: object) -> None:
        # Called in the backup's thread (or at once, if it had already finished):
        # post_message is thread-safe and never waits, even for a closing app.
        self.post_message(self.BackupFinished())

    def on_sales_desk_app_backup_finished(self, _message: BackupFinished) -> None:
        job = self._backup
        if job is None:
            return
        for line in job.warnings:
            title = "Damaged file" if self.db.damaged else "Backup"
            self.notify(line.removeprefix("salesdesk: warning: "), title=title,
                        severity="warning", timeout=10, markup=False)
        job.shown = True

    def on_resize(self) -> None:
        """Below 50x15 the screens cannot show what they need: say so, plainly."""
        width, height = self.size
        if width < MIN_SIZE[0] or height < MIN_SIZE[1]:
            self.notify(f"SalesDesk needs at least {MIN_SIZE[0]}x{MIN_SIZE[1]}: this "
                        f"terminal is {width}x{height}. Make the window larger.",
                        severity="warning", timeout=5)

    def on_unmount(self) -> None:
        self.db.close()
        if self._gc_thresholds is not None:  # as it was (tests run many apps in turn)
            import gc

            gc.set_threshold(*self._gc_thresholds)
            gc.unfreeze()

    # ------------------------------------------------------------------ navigation
    # Screens open each other through these (see screens.base.DeskApp), so no screen
    # module imports another; each screen's module is imported when it is first opened.
    def _open(
        self, screen: Screen[Any], on_close: OnClose | None, *, plan: bool = False
    ) -> None:
        if not plan:  # another screen than the plan: its work comes before the plan's
            self._planning_stop.set()
        self.push_screen(screen, None if on_close is None else lambda _result: on_close())

    def open_card(self, prospect_id: int, on_close: OnClose | None = None) -> None:
        """The card detail of ``prospect_id`` (one screen, refilled for each card)."""
        from salesdesk.screens.prospect import detail_for

        self._open(detail_for(self, prospect_id), on_close)

    def open_man_check(
        self, prospect_id: int | None = None, on_close: OnClose | None = None
    ) -> None:
        """The MAN check: of one card, or (no id) the queue of live prospects."""
        from salesdesk.screens.man_check import ManCheckScreen

        self._open(ManCheckScreen(prospect_id), on_close)

    def open_visit_plan(self, on_close: OnClose | None = None) -> None:
        from salesdesk.screens.visit_plan import VisitPlanScreen

        self._open(VisitPlanScreen(), on_close, plan=True)  # (it waits for the work ahead)

    def open_weekly_review(self, on_close: OnClose | None = None) -> None:
        from salesdesk.screens.weekly_review import WeeklyReviewScreen

        self._open(WeeklyReviewScreen(), on_close)

    def open_today(self, on_close: OnClose | None = None) -> None:
        from salesdesk.screens.today import TodayScreen

        self._open(TodayScreen(), on_close)

    def open_import(self, on_close: OnClose | None = None) -> None:
        from salesdesk.screens.import_file import ImportScreen

        self._open(ImportScreen(), on_close)

    def open_complaints(self, on_close: OnClose | None = None) -> None:
        """The Complaints screen: open ones by deadline, then recently resolved."""
        from salesdesk.screens.complaints import ComplaintsScreen

        self._open(ComplaintsScreen(), on_close)

    def open_conflicts(self, on_close: OnClose | None = None) -> None:
        """A check-out file's check-in conflicts (``salesdesk conflicts`` as a screen)."""
        from salesdesk.screens.conflicts import ConflictsScreen

        if not isinstance(self.screen, ConflictsScreen):
            self._open(ConflictsScreen(), on_close)

    def action_open_conflicts(self) -> None:
        self.open_conflicts(on_close=self._refresh_board)

    def _refresh_board(self) -> None:
        """After settling conflicts the file's rows may differ: the board reads them."""
        board = self.screen
        load = getattr(board, "load", None)
        if callable(load):
            load()

    def action_help(self) -> None:
        from salesdesk.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette lists every described binding of the current screen, then the app's,
        each action once, with its keys as the ? screen names them. Textual's own commands
        (theme, screenshot, a second Quit...) are left out: they are not SalesDesk's."""
        seen: set[str] = set()
        for binding in [*getattr(screen, "BINDINGS", []), *keys.APP]:
            if not isinstance(binding, keys.Binding) or not binding.description:
                continue
            action = binding.action.removeprefix("app.")  # "? Help" is on screens too
            if action in seen:
                continue
            seen.add(action)
            target = self if binding in keys.APP else screen
            yield SystemCommand(
                binding.tooltip or binding.description,
                f"key: {keys.key_label(binding)}",
                lambda action=binding.action, node=target: self.call_later(
                    self.run_action, action, node
                ),
            )


if TYPE_CHECKING:  # mypy checks that the app gives the screens all they may ask for
    _implements: type[DeskApp] = SalesDeskApp


def make_app(
    settings: Settings,
    database: Database | None = None,
    prefetched: Prefetched | None = None,
    backup: BackupJob | None = None,
) -> SalesDeskApp:
    """Build the app (the CLI and the tests use this same factory)."""
    return SalesDeskApp(settings, database, prefetched, backup)


def run_app(
    settings: Settings,
    database: Database | None = None,
    prefetched: Prefetched | None = None,
    backup: BackupJob | None = None,
) -> None:
    make_app(settings, database, prefetched, backup).run()
    # The process ends now: its exit need not have the collector walk every object.
    import gc

    gc.freeze()
