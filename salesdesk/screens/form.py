"""A small modal form: labelled inputs, inline error messages, nothing typed is ever lost.

Subclasses list their fields and implement :meth:`FormScreen.parse`, which turns the typed
text into a result. A bad field either raises :class:`FieldError` (parsing stops there) or,
to report every bad field at once, is noted with :meth:`FormScreen.invalid` or
``check(..., fallback=...)`` while parsing goes on. Each message shows under its field and
the form stays open with everything the user typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Static

from salesdesk import keys
from salesdesk.errors import InputError
from salesdesk.screens.base import SalesDeskModal
from salesdesk.text import one_line
from salesdesk.widgets.date_hint import DateHint

R = TypeVar("R")
NARROW_BELOW = 64  # columns: shorter labels
_RAISE = object()  # check() without a fallback raises


@dataclass(frozen=True)
class FormField:
    """One field. A ``date`` field (a next step: never in the past) shows the day it
    resolves to beside it as you type, and typing replaces the date it starts with."""

    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    date: bool = False


class FieldError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class FormScreen(SalesDeskModal[R], Generic[R]):
    """Base for the small forms (new prospect, log touch, next step, won value)."""

    BINDINGS = keys.FORM
    title_text = ""
    _invalid: dict[str, str]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Fields holding kept text, not yet focused: whether they select on focus after.
        self._select_once: dict[Input, bool] = {}
        self._restored: dict[str, str] = {}

    def form_fields(self) -> Iterable[FormField]:
        return ()

    def compose_extra_top(self) -> ComposeResult:
        yield from ()

    def hint(self) -> str:
        return "enter or ctrl+s saves · tab next field · escape cancels"

    def compose(self) -> ComposeResult:
        # Not a focus stop itself: tab goes from field to field (and wraps), never to an
        # invisible container that swallows what is typed next.
        # What was typed last time (escape keeps it) is in the fields from the start, so
        # nothing typed before the form has mounted can be overwritten by it.
        self._restored = self._drafts().pop(self.draft_key(), {})
        with VerticalScroll(classes="dialog", can_focus=False):
            yield Static(Text(one_line(self.title_text)), classes="dialog-title")
            yield from self.compose_extra_top()
            for spec in self.form_fields():
                kept = self._restored.get(spec.name, "")
                with Horizontal(classes="form-row"):
                    yield Label(spec.label, classes="field-label")
                    field = Input(
                        value=kept if spec.name in self._restored else spec.value,
                        placeholder=spec.placeholder,
                        id=f"f-{spec.name}",
                        # a date is replaced more often than edited: typing replaces it;
                        # so is kept text, the first time (see on_descendant_focus)
                        select_on_focus=spec.date or bool(kept),
                    )
                    if kept:
                        self._select_once[field] = spec.date
                    yield field
                    if spec.date:
                        yield DateHint(id=f"h-{spec.name}")
                yield Static("", id=f"e-{spec.name}", classes="field-error")
            yield Static(self.hint(), classes="hint")

    def on_mount(self) -> None:
        self.add_class("modal")
        self.on_resize()
        if self._restored:
            self.notify("Back to what you typed before: type to replace it, an arrow key "
                        "to go on with it", timeout=4)
        for hint in self.query(DateHint):
            name = (hint.id or "").removeprefix("h-")
            hint.show(self.value(name), self.sd_app.today())

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A field holding kept text is selected the first time it is focused (the Input
        does it as its focus arrives, before any key typed next): a rep who starts over
        types over it, one who goes on presses an arrow key. Later it behaves as usual."""
        widget = event.widget
        if isinstance(widget, Input) and widget in self._select_once:
            widget.select_on_focus = self._select_once.pop(widget)

    def on_resize(self) -> None:
        self.set_class(self.app.size.width < NARROW_BELOW, "narrow")

    def on_input_changed(self, event: Input.Changed) -> None:
        """A date field's hint follows what is typed."""
        name = (event.input.id or "").removeprefix("f-")
        for hint in self.query(f"#h-{name}").results(DateHint):
            hint.show(event.value, self.sd_app.today())

    # ------------------------------------------------------------------ drafts
    def draft_key(self) -> tuple[str, str]:
        """Which form this is, for keeping what was typed: its kind and its title (which
        names the card)."""
        return type(self).__name__, self.title_text

    def _drafts(self) -> dict[tuple[str, str], dict[str, str]]:
        return self.sd_app.form_drafts

    def _keep_draft(self) -> bool:
        """Remember what was typed, if anything differs from how the form opened."""
        typed = {spec.name: self.value(spec.name) for spec in self.form_fields()}
        opened = {spec.name: spec.value for spec in self.form_fields()}
        if typed == opened:
            return False
        self._drafts()[self.draft_key()] = typed
        return True

    def value(self, name: str) -> str:
        return self.query_one(f"#f-{name}", Input).value

    def show_error(self, name: str, message: str) -> None:
        error = self.query_one(f"#e-{name}", Static)
        error.update(Text(one_line(message)))
        error.add_class("shown")

    def clear_errors(self) -> None:
        for error in self.query(".field-error"):
            if isinstance(error, Static):
                error.update("")
            error.remove_class("shown")

    def parse(self) -> R:
        raise NotImplementedError

    def invalid(self, name: str, message: str) -> None:
        """Note a bad field and go on parsing, so every bad field is shown at once."""
        self._invalid.setdefault(name, message)

    def check(self, name: str, func: Any, *args: Any, fallback: Any = _RAISE) -> Any:
        """Run a parser for one field. Its InputError becomes a FieldError, or, when a
        ``fallback`` is given, is noted with :meth:`invalid` and the fallback returned."""
        try:
            return func(*args)
        except InputError as exc:
            if fallback is _RAISE:
                raise FieldError(name, exc.message) from None
            self.invalid(name, exc.message)
            return fallback

    def action_submit(self) -> None:
        self.clear_errors()
        self._invalid = {}
        try:
            result = self.parse()
        except FieldError as exc:
            self.invalid(exc.field, exc.message)
        if self._invalid:
            order = [spec.name for spec in self.form_fields()]
            bad = sorted(self._invalid, key=lambda n: order.index(n) if n in order else 0)
            for name in bad:
                self.show_error(name, self._invalid[name])
            self.query_one(f"#f-{bad[0]}", Input).focus()
            return
        # Kept until the change is saved: should the database refuse it (busy, a server
        # gone), the same form opens again with it; run_change forgets it on success.
        self._drafts().pop(self.draft_key(), None)
        if self._keep_draft():
            self.sd_app.pending_draft = self.draft_key()
        self.dismiss(result)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_cancel(self) -> None:
        """Close without saving; what was typed is kept for the next time this form opens
        (nothing the rep typed is lost to a stray escape)."""
        if self._keep_draft():
            self.app.notify("Not saved: what you typed is kept for next time", timeout=3)
        self.dismiss(None)
