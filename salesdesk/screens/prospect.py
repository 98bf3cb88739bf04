"""The card detail: every field editable (saved as you leave it), the urgency breakdown,
and the activity timeline.

One detail screen is composed per app and shown again for each card opened
(:func:`detail_for`): its fields are filled with the card's stored values, its messages,
warnings and edit histories cleared, so opening a card on a board of any size mounts no
widget and nothing typed for one card shows on another. The form's rows are in
:mod:`salesdesk.screens.prospect_fields`, its saving in :mod:`salesdesk.screens.prospect_save`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from salesdesk import keys
from salesdesk.data import store
from salesdesk.errors import SalesDeskError
from salesdesk.rules.fields import FIELDS
from salesdesk.screens.base import lay_out_ahead, start_screen
from salesdesk.screens.prospect_fields import field_rows, shown
from salesdesk.screens.prospect_save import DetailSaving
from salesdesk.text import one_line
from salesdesk.widgets.fitting_footer import FittingFooter

WATCH_EVERY = 2.0  # seconds between checks for changes by other programs (as the board)
NARROW_BELOW = 100
STACKED_BELOW = 64  # labels go above their fields
DATES = frozenset(spec.name for spec in FIELDS if spec.kind == "date")
REUSED = "card-detail"  # the name the app's one detail screen is installed under


def detail_for(app: App[Any], prospect_id: int) -> ProspectScreen:
    """The app's detail screen showing ``prospect_id``: composed at the first open and
    refilled at each later one. A fresh screen when it is already open under another
    (the MAN check opened from a card's detail opens a card again)."""
    if not app.is_screen_installed(REUSED):
        screen = ProspectScreen(prospect_id)
        app.install_screen(screen, REUSED)
        return screen
    installed = app.get_screen(REUSED)
    if not isinstance(installed, ProspectScreen) or installed in app.screen_stack:
        return ProspectScreen(prospect_id)
    screen = installed
    if not screen.is_mounted:  # pushed, or composed ahead, but not yet mounted
        screen.prospect_id = prospect_id  # (on_mount shows it)
        return screen
    if screen.made_ready_for(prospect_id):
        screen.prepared_version = None  # (shown now: the next open fills it again)
        screen.restart_blink()
    else:
        screen.show_card(prospect_id)
    return screen


def compose_detail_ahead(app: App[Any], prospect_id: int) -> None:
    """Compose the app's detail screen now, showing ``prospect_id``, without showing it:
    called once the board has been up a moment, so the first card opened (at 100,000
    cards ~200 ms more than any later one: the detail's styles read, ~160 widgets
    composed, styled and mounted) costs what every other open does. Nothing if it is
    composed already, or on another Textual (see :func:`start_screen`)."""
    if app.is_screen_installed(REUSED):
        return
    screen = ProspectScreen(prospect_id)
    if start_screen(app, screen):
        app.install_screen(screen, REUSED)


def prepare_detail(
    app: App[Any], prospect_id: int, resting: Callable[[], bool] | None = None
) -> bool:
    """Fill and lay out the app's detail screen for ``prospect_id`` while it is not shown:
    called when the selection has rested on a card a moment, so ``enter`` then finds that
    card's detail drawn, as a new screen shows it (filling its fields and laying it out
    took ~40 ms of an open). Filled again when the database changed since (any card: a
    regrade, another program), or when it was shown since (then left as the rep left it).
    Its layout rounds stop once ``resting()`` no longer holds (a key came: the open it
    may be then shows what is filled, laid out as any screen is). Whether it is ready:
    False while no detail is composed, while it is open, or when the card is gone."""
    if not app.is_screen_installed(REUSED):
        return False
    screen = app.get_screen(REUSED)
    if not isinstance(screen, ProspectScreen) or not screen.is_mounted \
            or screen in app.screen_stack:
        return False
    if screen.made_ready_for(prospect_id):
        return True
    version = screen.sd_app.db.data_version()
    try:
        screen.show_card(prospect_id)
    except SalesDeskError:  # removed meanwhile: its open will say so
        return False
    screen.prepared_version = version
    lay_out_ahead(screen, rounds=8, wanted=resting)
    return True


class ProspectScreen(DetailSaving):
    """Open with ``enter`` on a card. Fields save when you leave them (tab, enter, click)."""

    BINDINGS = keys.DETAIL
    HELP_TITLE = "card detail"
    # Its styles, read (by Textual) at its first open: not parsed at every start.
    CSS_PATH = "../detail.tcss"
    _look: tuple[object, ...] | None = None  # the app's look when the detail was left
    #: The database's data_version when :func:`prepare_detail` filled the screen unseen
    #: (None once it is shown, or filled at an open): unchanged since, it opens as it is.
    prepared_version: int | None = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        self.detail = store.get_prospect(self.sd_app.db, self.prospect_id, self.sd_app.now())
        self.base = dict(self.detail.fields)
        yield Static(id="detail-title")
        with Horizontal(id="detail-body"):
            with VerticalScroll(id="detail-form", can_focus=False):
                yield from field_rows(self.detail.fields)
            with VerticalScroll(id="detail-side"):
                yield Static(id="detail-urgency")
                yield Static(id="detail-timeline")
        yield FittingFooter()

    def _app_look(self) -> tuple[object, ...]:
        """What the app's own state gives the styles of every screen (theme, terminal
        focus, classes): only a screen in the stack follows a change of it."""
        app = self.app
        return (app.theme, app.app_focus, frozenset(app.classes))

    def on_screen_suspend(self) -> None:
        self._look = self._app_look()

    def post_message(self, message: Message) -> bool:
        """Shown again with the app looking as when it was left, the detail's styles are
        not worked out again for every widget (a third of an open's time): each change
        made to the form since (a class, a focus, a value) restyled what it touched. Textual
        does the same for the screen under one that closes."""
        if (
            isinstance(message, events.ScreenResume)
            and message.refresh_styles
            and self._look == self._app_look()
        ):
            message = events.ScreenResume(refresh_styles=False)
        return super().post_message(message)

    def on_mount(self) -> None:
        if not self.app.is_running:
            # Composed ahead as the app shut down: the shutdown is taking this screen's
            # widgets down while it mounts, so there is nothing to fill.
            return
        self.set_interval(WATCH_EVERY, self.follow_changes)
        if self.detail is not None and self.detail.id != self.prospect_id:
            self.show_card(self.prospect_id)  # composed ahead for one card, opened for another
        else:
            self._show_top()
            self._apply_width()
        if not self.is_current:  # composed ahead: styled as the app looks now
            self._look = self._app_look()
            self.call_after_refresh(lay_out_ahead, self)

    def made_ready_for(self, prospect_id: int) -> bool:
        """Whether :func:`prepare_detail` filled this screen for ``prospect_id`` unseen and
        nothing was written to the database since: it can be shown as it is."""
        return self.prospect_id == prospect_id and self.prepared_version is not None \
            and self.prepared_version == self.sd_app.db.data_version()

    def restart_blink(self) -> None:
        """The focused field's cursor shown now and blinking half a second later, as in a
        field just focused (its blink went on unseen since the detail was made ready).
        (Private Textual API; without it the cursor blinks from where it was.)"""
        restart = getattr(self.focused, "_restart_blink", None)
        if callable(restart):
            restart()

    def show_card(self, prospect_id: int) -> None:
        """Show another card (or the same again) in this composed screen, as a new screen
        would: its stored values, no messages, no warning given yet, the top in view."""
        detail = store.get_prospect(self.sd_app.db, prospect_id, self.sd_app.now())
        self.prospect_id = prospect_id
        self.detail = detail
        self._warned = False
        self._asking_win = False
        self.base = {}
        for spec in FIELDS:
            self._put_text(spec.name, detail.fields.get(spec.name))
        for spec in FIELDS:
            field = self.field(spec.name)
            if isinstance(field, Input) and field.cursor_position != len(field.value):
                field.cursor_position = len(field.value)  # as in a new field: at the end
        self._set_errors({})
        self.remove_class("show-side")
        self._apply_width()  # (the terminal may have been resized meanwhile)
        # The field focused when the detail was left (Name, usually) would keep its
        # cursor's blink going from then, so its first blink fell anywhere in the open;
        # focused afresh (by _show_top), as in a new screen, the cursor shows at once and
        # blinks half a second later.
        self.set_focus(None)
        self.prepared_version = None
        self._show_top()

    def _show_top(self) -> None:
        """The card's hints and side panel, the Name field focused, the top in view."""
        for name in DATES:
            self.hint(name).show(self._text_of(self.field(name)), self.sd_app.today())
        self._render_side()
        # (not scrolled to: the title and the Name label above it stay in view)
        self.field("name").focus(scroll_visible=False)
        for scroll in ("detail-form", "detail-side"):
            self.call_after_refresh(self._find(scroll).scroll_home, animate=False)
        self._seen_version = self.sd_app.db.data_version()

    # ------------------------------------------------------------------ other programs
    def follow_changes(self) -> None:
        """Follow changes made by other programs while the card shows (a command, an
        update import): untouched fields show the new value; a field the rep has typed
        into keeps the typing and says what is stored now (saving it is then refused
        once, so nothing is overwritten unseen)."""
        if not self.is_current or self.detail is None:
            return
        ok, version = self.run_change(self.sd_app.db.data_version)
        if not ok or version is None or version == self._seen_version:
            return
        self._seen_version = version
        before = self.detail.fields
        try:
            fresh = store.get_prospect(self.sd_app.db, self.prospect_id, self.sd_app.now())
        except SalesDeskError as exc:
            self.notify(f"This card: {one_line(exc.message)}", severity="warning", markup=False)
            self.dismiss(None)
            return
        self.detail = fresh
        for spec in FIELDS:
            old, new = before.get(spec.name), fresh.fields.get(spec.name)
            if old == new:
                continue
            if self._text_of(self.field(spec.name)) == shown(spec.name, old):
                self._put_text(spec.name, new)
            else:
                self._stale(spec.name, new)
        self._render_side()

    def on_resize(self) -> None:
        self._apply_width()

    def _apply_width(self) -> None:
        """Below 100 columns the side panel (urgency, timeline) is shown on demand."""
        self.set_class(self.app.size.width < NARROW_BELOW, "narrow")
        self.set_class(self.app.size.width < STACKED_BELOW, "stacked")

    def action_toggle_side(self) -> None:
        self.toggle_class("show-side")

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        widget_id = event.widget.id or ""
        if widget_id.startswith("field-") and self.is_attached:
            self.save_field(widget_id.removeprefix("field-"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def on_input_changed(self, event: Input.Changed) -> None:
        """A date field's hint follows what is typed: ``fri`` → ``Fri 4 Dec``."""
        name = (event.input.id or "").removeprefix("field-")
        if name in DATES:  # (only they have a hint: no search of the form for the others)
            self.hint(name).show(event.value, self.sd_app.today())

    # ------------------------------------------------------------------ actions
    def action_save(self) -> None:
        if self.save_all():
            self.notify("All fields saved", timeout=2)
        else:
            self.notify("Some fields are not valid: see the red messages", severity="error")

    def action_back(self) -> None:
        ok = self.save_all()
        if self._asking_win:  # the won (or why) dialog is up: answer it first
            return
        if ok or self._warned:
            self.dismiss(None)
            return
        self._warned = True
        self.notify(
            "Some fields are not valid and were not saved. Fix them, or press escape "
            "again to leave without them.",
            severity="warning",
            timeout=6,
        )

    def action_log_touch(self) -> None:
        from salesdesk.screens.touch import TouchResult, TouchScreen

        app = self.sd_app
        card = store.get_card(app.db, self.prospect_id, app.today())

        def done(result: TouchResult | None) -> None:
            if result is None:
                return
            ok, _ = self.run_change(lambda: result.log(app.db, app.now(), self.prospect_id))
            if ok:
                self._reload(refill=True)
                self.notify(f"Logged {result.kind}", timeout=2)

        self.app.push_screen(TouchScreen(card, app.today()), done)

    def action_complaint(self) -> None:
        """ctrl+r: record a complaint on this card (the answer clock starts)."""
        from salesdesk.screens.complaint_form import ComplaintScreen, NewComplaint

        app = self.sd_app
        name = str(self.detail["name"]) if self.detail is not None else ""

        def done(result: NewComplaint | None) -> None:
            if result is None:
                return
            ok, _ = self.run_change(
                lambda: store.record_complaint(
                    app.db,
                    app.now(),
                    self.prospect_id,
                    result.said,
                    expected=result.expected,
                    channel=result.channel,
                    received_at=result.received_at,
                )
            )
            if ok:
                self._reload()
                self.notify("Complaint recorded: the answer clock runs (K lists them)", timeout=3)

        self.app.push_screen(ComplaintScreen(name, app.now()), done)

    def action_man_check(self) -> None:
        if not self.save_all():
            self.notify("Fix the red fields first", severity="warning")
            return
        self.sd_app.open_man_check(self.prospect_id, on_close=lambda: self._reload(refill=True))

    def action_merge(self) -> None:
        """Fold a duplicate into this card (its likely duplicates are offered first)."""
        from salesdesk.data.merge import likely_duplicates, merge
        from salesdesk.screens.merge_card import MergeScreen, merge_message

        if not self.save_all():
            self.notify("Fix the red fields first", severity="warning")
            return
        app = self.sd_app
        card = store.get_prospect(app.db, self.prospect_id, app.today())
        likely = likely_duplicates(
            app.db,
            store.get_setting(app.db, "phone_region"),
            card["name"],
            card["phone"],
            card["email"],
            card["company"],
            exclude=self.prospect_id,
        )

        def done(other: int | None) -> None:
            if other is None:
                return
            ok, result = self.run_change(lambda: merge(app.db, app.now(), self.prospect_id, other))
            if ok and result is not None:
                self._reload(refill=True)
                self.notify(merge_message(other, result.moved), markup=False, timeout=5)

        self.app.push_screen(MergeScreen(self.prospect_id, card["name"], likely), done)

    def action_undo(self) -> None:
        """Undo the last change, if it was an edit of this card (never another card's
        change, nor the card's own creation, from here)."""
        if self.undo_last(only_prospect=self.prospect_id) is not None:
            self._reload(refill=True)
