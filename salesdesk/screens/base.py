"""The base of every SalesDesk screen: typed access to the app, and one way to run a change.

Screens never import each other's modules to move around: they ask the app
(``self.sd_app.open_card(id)``, ``open_man_check``, ...), which alone knows the screen
classes. The app is reached through :class:`DeskApp`, the small interface screens may use,
so no screen imports :mod:`salesdesk.app` either (``SalesDeskApp`` implements it; mypy
checks that it does).

Every change a key makes runs through :func:`run_change` (``self.run_change``): a user's mistake
or a busy database becomes a message, never a traceback, and success can say what was
done. Messages go through :func:`tell`: on the screen's status line when it has one (the
board: one row repainted, where a toast costs a relayout and a full repaint twice), else
in a toast.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from time import monotonic
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast
from weakref import WeakKeyDictionary

from textual.app import App
from textual.await_complete import AwaitComplete
from textual.await_remove import AwaitRemove
from textual.reactive import Reactive
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

from salesdesk.data.db import busy_message
from salesdesk.errors import SalesDeskError
from salesdesk.text import one_line
from salesdesk.widgets.repaint import covered_region, repaint_only, repaint_pending
from salesdesk.widgets.status_line import Severity, StatusLine

if TYPE_CHECKING:
    from salesdesk.data import store
    from salesdesk.data.db import Database

T = TypeVar("T")
R = TypeVar("R")
#: Called when a screen the app opened closes (it may have changed cards: redraw).
OnClose = Callable[[], None]


class DeskApp(Protocol):
    """What a screen may ask of the app: the database, the clock, form drafts, and the
    screens it opens."""

    db: Database
    form_drafts: dict[tuple[str, str], dict[str, str]]
    pending_draft: tuple[str, str] | None

    def now(self) -> datetime: ...

    def today(self) -> date: ...

    def take_prefetched(self) -> list[store.CardRow] | None: ...

    def open_card(self, prospect_id: int, on_close: OnClose | None = None) -> None: ...

    def open_man_check(
        self, prospect_id: int | None = None, on_close: OnClose | None = None
    ) -> None: ...

    def open_visit_plan(self, on_close: OnClose | None = None) -> None: ...

    def open_weekly_review(self, on_close: OnClose | None = None) -> None: ...

    def open_import(self, on_close: OnClose | None = None) -> None: ...

    def open_today(self, on_close: OnClose | None = None) -> None: ...
    def open_complaints(self, on_close: OnClose | None = None) -> None: ...

    def open_conflicts(self, on_close: OnClose | None = None) -> None: ...


def status_line(screen: Screen[Any]) -> StatusLine | None:
    """The screen's status line: a :class:`StatusLine` among its own children, if any."""
    if not screen.is_attached:
        return None
    for line in screen.query_children(StatusLine):
        return line
    return None


def tell(
    screen: Screen[Any], text: str, severity: Severity = "information",
    timeout: float | None = None,
) -> None:
    """Say ``text`` (literally) for ``screen``: on its status line when it has one, else in a
    toast. A warning or an error too wide for the line is a toast too, so it is read whole
    (a success is cut to the line instead: it only confirms what the key did)."""
    line = status_line(screen)
    if line is not None and (severity == "information" or line.fits(text)):
        line.say(text, severity, timeout)
        return
    if timeout is None and severity == "information":
        timeout = 3
    toast = one_line(text)
    if timeout is None:
        timeout = screen.app.NOTIFICATION_TIMEOUT
    # The same words already on screen are not stacked again (a board polling a server
    # that is down hears the same trouble every couple of seconds): one toast says it.
    shown = _TOASTS.setdefault(screen.app, {})
    now = monotonic()
    if shown.get((toast, severity), 0.0) > now:
        return
    for gone in [key for key, until in shown.items() if until <= now]:
        del shown[gone]
    shown[(toast, severity)] = now + timeout
    screen.notify(toast, severity=severity, markup=False, timeout=timeout)


#: Per app, the toasts on screen (text, severity) and when each goes.
_TOASTS: WeakKeyDictionary[App[Any], dict[tuple[str, str], float]] = WeakKeyDictionary()


def run_change(
    screen: Screen[Any], change: Callable[[], T], done: str = ""
) -> tuple[bool, T | None]:
    """Run a store command for ``screen``. A user's mistake or a busy database is said as
    an error (see :func:`tell`) and gives (False, None); on success, ``done`` (if any) is
    said and the result comes back as (True, result). Anything else is a bug and is
    raised."""
    app = screen.app
    # A form just submitted keeps what was typed until its change is saved (see
    # FormScreen.action_submit): forgotten on success, kept for the retry on failure.
    draft = getattr(app, "pending_draft", None)
    if draft is not None:
        cast("DeskApp", app).pending_draft = None
    kept = " (what you typed is kept: open it again)" if draft is not None else ""
    try:
        result = change()
    except SalesDeskError as exc:
        tell(screen, one_line(exc.message) + kept, "error")
        return False, None
    except Exception as exc:
        busy = busy_message(exc)
        if busy is None:
            raise
        tell(screen, busy + kept, "error")
        return False, None
    if draft is not None:
        cast("DeskApp", app).form_drafts.pop(draft, None)
    if done:
        tell(screen, done)
    return True, result


def why_ask(pending: store.NextUndo) -> str:
    """What makes an undo worth a question (empty: undo at once): another program's
    change, an import, or a change of more than one card."""
    reasons = []
    if not pending.ours:
        reasons.append("it was made by another program, not this board")
    if pending.import_batch:
        reasons.append(f"it is an import of {pending.cards:,} cards")
    elif pending.cards > 1:
        reasons.append(f"it changes {pending.cards:,} cards")
    return "; ".join(reasons)


def undo_last(screen: Screen[Any], only_prospect: int | None = None) -> store.UndoResult | None:
    """Undo the most recent change (made on any screen, or by the CLI) and say what was
    undone; with ``only_prospect``, only if it was an edit of that card (else say why not).
    Without it (the plan, the review), a change the board would ask about first (see
    :func:`why_ask`) is not undone here: the line says so and sends the rep to the board.
    Returns what was undone, so the caller can redraw, or None."""
    from salesdesk.data import store

    app = cast("DeskApp", screen.app)
    db = app.db
    expect: int | None = None
    if only_prospect is None:
        ok, pending = run_change(screen, lambda: store.next_undo(db))
        if not ok:
            return None
        reasons = why_ask(pending) if pending is not None and not pending.restore else ""
        if pending is not None and reasons:
            tell(screen, f"The newest change is {one_line(pending.label)} ({reasons}): undo "
                "it on the board, which asks first", "warning")
            return None
        expect = pending.journal_id if pending is not None and pending.journal_id else None
    ok, result = run_change(screen, lambda: store.undo(
        db, only_prospect=only_prospect, now=app.now(), expect=expect))
    if not ok:
        return None
    if result is None:
        tell(screen, "Nothing to undo", "warning")
        return None
    tell(screen, f"Undone: {one_line(result.label)}")
    return result


def redo_last(screen: Screen[Any]) -> store.UndoResult | None:
    """Put back what the last undo reversed (any screen's, or the CLI's) and say so."""
    from salesdesk.data import store

    app = cast("DeskApp", screen.app)
    ok, result = run_change(screen, lambda: store.redo(app.db, now=app.now()))
    if not ok:
        return None
    if result is None:
        tell(screen, "Nothing to redo (only what undo reversed, before another change)",
             "warning")
        return None
    tell(screen, f"Redone: {one_line(result.label)}")
    return result


class DeskScreenMixin:
    """The API both screen bases share (see :class:`SalesDeskScreen`)."""

    #: Textual's ``Screen.focused`` repaints the whole screen when focus moves (a full
    #: update: every line of the board, or of a dialog and the dimmed screen beneath).
    #: The widgets gaining and losing focus repaint themselves as their ``:focus``
    #: styles change, and the Footer follows the bindings (``_watch_focused``): nothing
    #: else draws differently. On the board, ``/`` and Escape each cost a full frame.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def _as_screen(self) -> Screen[Any]:
        return cast("Screen[Any]", self)

    @property
    def sd_app(self) -> DeskApp:
        """The running app, typed: ``db``, ``now()``, ``today()``, ``open_...()``."""
        return cast("DeskApp", self._as_screen().app)

    def tell(
        self, text: str, severity: Severity = "information", timeout: float | None = None
    ) -> None:
        """Say the outcome of a key: the status line, or a toast; see :func:`tell`."""
        tell(self._as_screen(), text, severity, timeout)

    def run_change(self, change: Callable[[], T], done: str = "") -> tuple[bool, T | None]:
        """Run a store command; see :func:`run_change`."""
        return run_change(self._as_screen(), change, done)

    def undo_last(self, only_prospect: int | None = None) -> store.UndoResult | None:
        """Undo the last change and say what was undone; see :func:`undo_last`."""
        return undo_last(self._as_screen(), only_prospect)

    def redo_last(self) -> store.UndoResult | None:
        """Redo what the last undo reversed and say so; see :func:`redo_last`."""
        return redo_last(self._as_screen())


def covered(screen: Screen[Any]) -> bool:
    """Whether a full screen with an opaque background is above ``screen`` in the stack:
    nothing of ``screen`` shows then (a dialog above it leaves it in view)."""
    try:
        stack = screen.app.screen_stack
    except Exception:  # no app, or no stack yet
        return False
    if screen not in stack:
        return False
    above = stack[stack.index(screen) + 1 :]
    return any(
        not isinstance(top, ModalScreen) and top.styles.background.a == 1 for top in above
    )


def start_screen(app: Any, screen: Screen[Any]) -> bool:
    """Start ``screen`` (its styles read, composed and mounted, all in the background)
    without showing it, as Textual starts a screen at its first push; False (nothing done)
    on a Textual without the two steps, where it is composed at its first push as usual.
    (Private Textual API, written against 8.2: tests/test_detail_ahead.py pins it.)"""
    load_css = getattr(app, "_load_screen_css", None)
    start = getattr(app, "_get_screen", None)
    if load_css is None or start is None:
        return False
    load_css(screen)
    start(screen)
    return True


def lay_out_ahead(
    screen: Screen[Any], rounds: int = 4, wanted: Callable[[], bool] | None = None
) -> None:
    """Lay out and draw a started screen that is not shown (into its widgets' line
    caches, nothing to the terminal), as its first push would: that push then finds the
    screen laid out at the terminal's size and its lines drawn. Widgets answer their first
    layout (their sizes, shown) with more refreshes: they are laid out again once those
    are handled, up to ``rounds`` times, while ``wanted()`` holds (work done at rest stops
    at a key: the key's own work must not wait behind the rounds), and drawn once, when
    nothing more is to be laid out (drawing every round drew lines the next layout threw
    away: at 100,000 cards each round took 30-50 ms, a key arriving waited for one; a key
    that stops the rounds leaves the drawing to the screen's push, which draws anyway).
    Nothing once the screen is shown, or on a Textual without these steps. (Private
    Textual API, as :func:`start_screen`.)"""
    refresh_layout = getattr(screen, "_refresh_layout", None)
    if screen.is_current or rounds <= 0 or refresh_layout is None \
            or not hasattr(screen, "_compositor") or not hasattr(screen, "_dirty_widgets"):
        return
    refresh_layout(screen.app.size)
    _settle_ahead(screen, draw=rounds == 1)
    if rounds > 1:
        screen.call_after_refresh(_lay_out_again, screen, rounds - 1, wanted)


def _settle_ahead(screen: Screen[Any], draw: bool) -> None:
    """Draw the hidden screen (``draw``), then count it drawn and laid out as it is."""
    if draw:
        screen._compositor.render_full_update()
    screen._dirty_widgets.clear()
    for flag in ("_layout_required", "_scroll_required", "_repaint_required"):
        setattr(screen, flag, False)


def _lay_out_again(screen: Screen[Any], rounds: int, wanted: Callable[[], bool] | None) -> None:
    if (wanted is not None and not wanted()) or screen.is_current:
        return
    if getattr(screen, "_layout_required", False) or getattr(screen, "_dirty_widgets", None):
        lay_out_ahead(screen, rounds, wanted)
    else:
        _settle_ahead(screen, draw=True)


class SalesDeskScreen(DeskScreenMixin, Screen[R]):
    """A full screen (the board, the card detail, the MAN check, the plan, the review...).

    ``ready`` is False while the screen still works something out in the background (the
    plan's suggestions, an import's preview): the tests' snapshots wait for it.
    """

    @property
    def is_current(self) -> bool:
        """Visible to the user: as Textual's, but False under a full screen (see
        :func:`covered`). Textual counts the screen just beneath the top one as visible
        (for a translucent top screen), so the board under a card's detail kept laying
        out and drawing what changed, and each of its repaints (one at every open) drew
        the whole detail again. Nothing is lost: what the board would have drawn waits,
        pending, and is drawn when the board is on top again; its timers that follow
        other programs wait too (it reads what changed on its return)."""
        return super().is_current and not covered(self)

    @property
    def ready(self) -> bool:
        return self.is_mounted


class SalesDeskModal(DeskScreenMixin, ModalScreen[R]):
    """A dialog over another screen (the small forms, confirmations, help)."""

    def dismiss(self, result: R | None = None) -> AwaitComplete:
        """Close the dialog, and draw the screen beneath once, as soon as it is ready.

        Closing a dialog made Textual draw the board three times: what the dialog's
        callback changed (a card, the header, the status line), its whole screen when it
        resumed, and again with a layout when the dialog had been removed (see
        :meth:`remove`). Repaints wait (``App.batch_update``) from here until the screen
        beneath has run the callback and resumed, and Textual has begun to remove the
        dialog (its last request for a whole frame is made just before), so all of it is
        one update; the repaints the callback's widgets asked for are handed to the
        screen then (:func:`repaint_pending`: each widget's own queue would tell it later,
        as a second update). Removing the dialog's widgets (~10 ms for a form) changes
        nothing beneath and is not waited for. The dialog tints nothing beneath it: only
        the box it covered is drawn again there (see :func:`repaint_only`), with what
        changed."""
        app = self.app
        batch = app.batch_update()
        batch.__enter__()
        held = [True]
        stack = app.screen_stack
        beneath = stack[-2] if len(stack) > 1 and stack[-1] is self else None
        covered = covered_region(self)
        size = app.size

        def end() -> None:
            if not held[0]:
                return
            held[0] = False
            batch.__exit__(None, None, None)
            # Wake the screen on top (it may wait for nothing else), drawing what it must.
            screen = app.screen
            if covered is not None and screen is beneath and app.size == size:
                repaint_pending(screen)
                repaint_only(screen, covered)
            else:
                screen.refresh()

        # A callback that raises stops the app before ``gone`` runs: the unmount ends it.
        self._end_hold = end
        waiting = {"resumed", "removing"} if beneath is not None else set()

        def ready(what: str) -> None:
            waiting.discard(what)
            if not waiting:
                end()

        self._removing = lambda: ready("removing")
        try:
            closing = super().dismiss(result)
        except BaseException:
            end()
            raise
        if beneath is not None:
            # The callback and the resume are ahead of this in the queue of the screen
            # beneath.
            beneath.call_later(ready, "resumed")

        async def gone() -> None:
            try:
                await closing
            finally:
                end()

        app.call_next(gone)
        return closing

    _end_hold: Callable[[], None] | None = None
    _removing: Callable[[], None] | None = None  # tells dismiss removal has begun

    def on_unmount(self) -> None:
        """Let repaints go if the dialog went without ``dismiss`` finishing (see there)."""
        if self._end_hold is not None:
            self._end_hold()

    def remove(self) -> AwaitRemove:
        """Remove the closed dialog without a layout of the screen beneath.

        Textual removes a widget through ``App._prune(widget, parent=...)``, which
        refreshes the parent with a layout when it is done; a screen's parent is the app,
        whose refresh lays out the screen now on top: nothing of the board moved, but each
        column's scroll bar is drawn again, a frame of its own after the board's. Textual
        prunes a screen without a parent itself (closing a mode). The board's own layout
        needs (a resize while the dialog was up: its resume) are not affected. Textual
        calls this just after its last request for a whole frame of the screen beneath,
        so here :meth:`dismiss` is told it may draw. (Private Textual API, written against
        8.2; tests/test_dialog_close.py pins what a close draws.)"""
        removing, self._removing = self._removing, None
        if removing is not None:
            removing()
        prune = getattr(self.app, "_prune", None)
        if prune is None:  # another Textual: its own way
            return super().remove()
        return cast("AwaitRemove", prune(self))

    @property
    def ready(self) -> bool:
        return self.is_mounted
