"""The card detail: every field editable (saved as you leave it), the urgency breakdown,
and the activity timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input, Label, Static, TextArea

from salesdesk import keys
from salesdesk.data import store
from salesdesk.data.db import busy_message
from salesdesk.enums import Status
from salesdesk.errors import InputError, SalesDeskError, StaleEdit
from salesdesk.render.card_side import detail_title, timeline, urgency_panel
from salesdesk.rules.dates import day_name
from salesdesk.rules.fields import FIELD_BY_NAME, FIELDS, format_field, parse_field
from salesdesk.rules.reasons import reason_said
from salesdesk.screens.base import SalesDeskScreen
from salesdesk.text import clean, one_line
from salesdesk.widgets.date_hint import DateHint
from salesdesk.widgets.fitting_footer import FittingFooter

WATCH_EVERY = 2.0  # seconds between checks for changes by other programs (as the board)
NARROW_BELOW = 100
CLOSING = (Status.DROPPED, Status.LOST)  # a status the detail asks why for
STACKED_BELOW = 64  # labels go above their fields


def _shown(name: str, value: object) -> str:
    """A stored value as its field shows it: control characters removed, and a one-line
    field's tabs and line breaks as spaces (the notes box keeps its lines)."""
    text = clean(format_field(name, value))
    return text if FIELD_BY_NAME[name].kind == "long" else one_line(text)


def _field_id(name: str) -> str:
    return f"field-{name}"


class ProspectScreen(SalesDeskScreen[None]):
    """Open with ``enter`` on a card. Fields save when you leave them (tab, enter, click)."""

    BINDINGS = keys.DETAIL
    HELP_TITLE = "card detail"

    def __init__(self, prospect_id: int) -> None:
        super().__init__()
        self.prospect_id = prospect_id
        self.detail: store.ProspectDetail | None = None
        self.errors: dict[str, str] = {}
        self._warned = False
        self._asking_win = False  # the won-value (or why) dialog is open for the Status field
        # The stored value each field's text started from: a save whose field was changed
        # by another program since (the stored value is no longer this) is refused.
        self.base: dict[str, Any] = {}
        self._seen_version = 0

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        self.detail = store.get_prospect(self.sd_app.db, self.prospect_id, self.sd_app.now())
        self.base = dict(self.detail.fields)
        yield Static(id="detail-title")
        with Horizontal(id="detail-body"):
            with VerticalScroll(id="detail-form", can_focus=False):
                group = ""
                for spec in FIELDS:
                    if spec.group != group:
                        group = spec.group
                        yield Static(group, classes="group-title")
                    value = _shown(spec.name, self.detail.fields.get(spec.name))
                    with Horizontal(classes="detail-row"):
                        yield Label(spec.label)
                        if spec.kind == "long":
                            area = TextArea(
                                value,
                                id=_field_id(spec.name),
                                soft_wrap=True,
                                show_line_numbers=False,
                            )
                            yield area
                        else:
                            hint = {
                                "date": "YYYY-MM-DD, fri, +3d",
                                "money": "12000 or 12k",
                                "bool": "yes / no",
                                "choice": " / ".join(spec.choices),
                            }.get(spec.kind, "empty: suggested" if spec.name == "priority" else "")
                            choices = spec.choices or (("yes", "no") if spec.kind == "bool" else ())
                            yield Input(
                                value,
                                id=_field_id(spec.name),
                                placeholder=hint,
                                # typing replaces a date (the usual edit), not a name
                                select_on_focus=spec.kind == "date",
                                # Typing the start of a choice shows the rest; → takes it.
                                suggester=SuggestFromList(choices, case_sensitive=False)
                                if choices
                                else None,
                            )
                            if spec.kind == "date":
                                yield DateHint(future=spec.name == "next_date",
                                               id=f"hint-{spec.name}")
                    yield Static("", id=f"err-{spec.name}", classes="field-error")
            with VerticalScroll(id="detail-side"):
                yield Static(id="detail-urgency")
                yield Static(id="detail-timeline")
        yield FittingFooter()

    def on_mount(self) -> None:
        for hint in self.query(DateHint):
            name = (hint.id or "").removeprefix("hint-")
            hint.show(self._text_of(self.query_one(f"#{_field_id(name)}")), self.sd_app.today())
        self._render_side()
        # (not scrolled to: the title and the Name label above it stay in view)
        self.query_one(f"#{_field_id('name')}").focus(scroll_visible=False)
        form = self.query_one("#detail-form")
        self.call_after_refresh(form.scroll_home, animate=False)
        self._apply_width()
        self._seen_version = self.sd_app.db.data_version()
        self.set_interval(WATCH_EVERY, self.follow_changes)

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
            self.notify(f"This card: {one_line(exc.message)}", severity="warning",
                        markup=False)
            self.dismiss(None)
            return
        self.detail = fresh
        for spec in FIELDS:
            old, new = before.get(spec.name), fresh.fields.get(spec.name)
            if old == new:
                continue
            widget = self.query_one(f"#{_field_id(spec.name)}")
            if self._text_of(widget) == _shown(spec.name, old):
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

    # ------------------------------------------------------------------ side panel
    def _render_side(self) -> None:
        detail = self.detail
        assert detail is not None
        self.query_one("#detail-title", Static).update(detail_title(detail))
        self.query_one("#detail-urgency", Static).update(urgency_panel(detail))
        self.query_one("#detail-timeline", Static).update(timeline(detail))

    def _reload(self, *, refill: bool = False) -> None:
        try:
            self.detail = store.get_prospect(self.sd_app.db, self.prospect_id, self.sd_app.now())
        except SalesDeskError:
            self.dismiss(None)
            return
        if refill:
            for spec in FIELDS:
                self._put_text(spec.name, self.detail.fields.get(spec.name))
            self._set_errors({})
        self._render_side()

    # ------------------------------------------------------------------ saving
    def _stale(self, name: str, current: Any) -> None:
        """Say under the field that another program stored ``current`` meanwhile."""
        shown = one_line(_shown(name, current)) or "(empty)"
        if len(shown) > 60:
            shown = shown[:59] + "…"
        self._set_error(
            name,
            f"Changed by another program meanwhile; stored now: {shown}. Your text is kept: "
            "save it again to replace that, or retype it.",
        )

    def _put_text(self, name: str, value: Any) -> None:
        """Show a stored value in its field."""
        self.base[name] = value
        widget = self.query_one(f"#{_field_id(name)}")
        text = _shown(name, value)
        if isinstance(widget, TextArea):
            widget.text = text
        elif isinstance(widget, Input):
            widget.value = text

    def _text_of(self, widget: Widget) -> str:
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Input):
            return widget.value
        return ""

    def _set_error(self, name: str, message: str | None) -> None:
        error = self.query_one(f"#err-{name}", Static)
        if message:
            self.errors[name] = message
            error.update(Text(one_line(message)))
            error.add_class("shown")
        else:
            self.errors.pop(name, None)
            error.update("")
            error.remove_class("shown")

    def _set_errors(self, errors: dict[str, str]) -> None:
        for name in list(self.errors):
            self._set_error(name, None)
        for name, message in errors.items():
            self._set_error(name, message)

    def save_field(self, name: str) -> bool:
        """Validate and save one field if it changed. False (with a message) if invalid."""
        assert self.detail is not None
        widget = self.query_one(f"#{_field_id(name)}")
        text = self._text_of(widget)
        if text == _shown(name, self.detail.fields.get(name)):
            self._set_error(name, None)
            return True  # untouched (an overdue next step stays as it is until changed)
        try:
            value = parse_field(name, text, self.sd_app.today(), typed=True)
        except InputError as exc:
            self._set_error(name, exc.message)
            return False
        self._set_error(name, None)
        if name == "status" and value == Status.CUSTOMER != self.detail.fields["status"]:
            self._ask_win()  # a win asks the deal value, as W on the board does
            return True
        if name == "status" and value in CLOSING and value != self.detail.fields["status"]:
            self._ask_why(Status(str(value)))  # a drop or a loss asks why, as x and X do
            return True
        if value == self.detail.fields.get(name):
            if FIELD_BY_NAME[name].kind not in ("text", "long"):
                self._put_text(name, value)  # "c" for the customer it already is
            return True
        if FIELD_BY_NAME[name].kind in ("text", "long") and value == clean(
            self.detail.fields.get(name) or ""
        ):
            return True  # only invisible control characters differ: keep the stored text
        try:
            store.update_fields(
                self.sd_app.db, self.sd_app.now(), self.prospect_id, {name: value},
                expected={name: self.base.get(name)},
            )
        except StaleEdit as exc:
            # Refused once: the next save of this text replaces what is stored now.
            self.base[name] = exc.current
            self._stale(name, exc.current)
            return False
        except SalesDeskError as exc:
            self._set_error(name, exc.message)
            return False
        except Exception as exc:  # a busy database: say so under the field, keep the text
            busy = busy_message(exc)
            if busy is None:
                raise
            self._set_error(name, busy)
            return False
        before = self.detail.fields
        self.base[name] = value
        self._reload()
        self._show_side_effects(before, skip=name)
        if FIELD_BY_NAME[name].kind not in ("text", "long"):
            self._put_text(name, value)  # what was stored: "c" shows as customer, fri as a date
        said = f": {day_name(value, self.sd_app.today())}" if isinstance(value, date) else ""
        self.notify(f"Saved {FIELD_BY_NAME[name].label.lower()}{said}", timeout=2)
        return True

    def _ask_win(self) -> None:
        """Status set to customer: ask the deal value (the same dialog as W). Cancelled, the
        status stays what it was."""
        from salesdesk.screens.won import Won, WonScreen

        app = self.sd_app
        card = store.get_card(app.db, self.prospect_id, app.today())

        def change(result: Won) -> object:
            return store.set_status(app.db, app.now(), self.prospect_id, Status.CUSTOMER,
                                    value=result.value)

        self._ask_closing(WonScreen(card), Status.CUSTOMER, change,
                          "Not won: the status stays {}", lambda _: f"Won {one_line(card.name)}!")

    def _ask_why(self, status: Status) -> None:
        """Status set to dropped or lost: ask why (the board's x / X form). Cancelled, the
        status stays what it was."""
        from salesdesk.screens.reason import Closing, ReasonScreen

        app = self.sd_app
        card = store.get_card(app.db, self.prospect_id, app.today())

        def change(result: Closing) -> object:
            return store.set_status(app.db, app.now(), self.prospect_id, status,
                                    reason=result.reason, reason_note=result.note)

        def done_line(result: Closing) -> str:
            said = reason_said(result.reason, result.note)
            return f"{one_line(card.name)}: {status.value}" + (
                f" · {one_line(said)}" if said else "")

        self._ask_closing(ReasonScreen(card, status), status, change,
                          "The status stays {}", done_line)

    def _ask_closing(
        self,
        dialog: Screen[Any],
        status: Status,
        change: Callable[[Any], object],
        cancelled: str,
        done_line: Callable[[Any], str],
    ) -> None:
        """The Status field's closing dialog (won's value, drop's or loss's why): its
        answer is saved as ``change`` and said as ``done_line``; cancelled (``cancelled``
        names the status kept), the field shows the stored status again."""
        if self._asking_win:
            return
        self._asking_win = True

        def done(result: Any) -> None:
            self._asking_win = False
            assert self.detail is not None
            if result is None:
                self._put_text("status", self.detail.fields["status"])
                self.notify(cancelled.format(self.detail.fields["status"]), timeout=3)
                return
            ok, _ = self.run_change(lambda: change(result))
            if not ok:
                return
            before = self.detail.fields
            self._reload()
            self._show_side_effects(before, skip="status")
            self._put_text("status", status)
            self.notify(done_line(result), markup=False, timeout=3)

        self.app.push_screen(dialog, done)

    def _show_side_effects(self, before: dict[str, Any], skip: str) -> None:
        """Show fields the save changed too (winning clears the next step, sets the stage),
        leaving alone any field the rep has typed into but not saved yet."""
        if self.detail is None:
            return
        for spec in FIELDS:
            old, new = before.get(spec.name), self.detail.fields.get(spec.name)
            if spec.name == skip or old == new:
                continue
            widget = self.query_one(f"#{_field_id(spec.name)}")
            if self._text_of(widget) == _shown(spec.name, old):
                self._put_text(spec.name, new)  # (text typed over it but not saved wins)

    def save_all(self) -> bool:
        ok = True
        for spec in FIELDS:
            ok = self.save_field(spec.name) and ok
        return ok

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
        for hint in self.query(f"#hint-{name}").results(DateHint):
            hint.show(event.value, self.sd_app.today())

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
            ok, _ = self.run_change(lambda: store.record_complaint(
                app.db, app.now(), self.prospect_id, result.said, expected=result.expected,
                channel=result.channel, received_at=result.received_at))
            if ok:
                self._reload()
                self.notify("Complaint recorded: the answer clock runs (K lists them)",
                            timeout=3)

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
            app.db, store.get_setting(app.db, "phone_region"), card["name"], card["phone"],
            card["email"], card["company"], exclude=self.prospect_id,
        )

        def done(other: int | None) -> None:
            if other is None:
                return
            ok, result = self.run_change(lambda: merge(app.db, app.now(), self.prospect_id,
                                                       other))
            if ok and result is not None:
                self._reload(refill=True)
                self.notify(merge_message(other, result.moved), markup=False, timeout=5)

        self.app.push_screen(MergeScreen(self.prospect_id, card["name"], likely), done)

    def action_undo(self) -> None:
        """Undo the last change, if it was an edit of this card (never another card's
        change, nor the card's own creation, from here)."""
        if self.undo_last(only_prospect=self.prospect_id) is not None:
            self._reload(refill=True)
