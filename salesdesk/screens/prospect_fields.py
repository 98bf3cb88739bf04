"""The card detail's form: its rows (one per field), showing stored values in them, and the
messages under them. The screen (:mod:`salesdesk.screens.prospect`) builds these rows once
and fills them again for each card it shows, so opening a card mounts nothing."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input, Label, Static, TextArea

from salesdesk.data import store
from salesdesk.render.card_side import detail_title, timeline, urgency_panel
from salesdesk.rules.fields import FIELD_BY_NAME, FIELDS, FieldSpec, format_field
from salesdesk.screens.base import SalesDeskScreen
from salesdesk.text import clean, one_line
from salesdesk.widgets.date_hint import DateHint


def shown(name: str, value: object) -> str:
    """A stored value as its field shows it: control characters removed, and a one-line
    field's tabs and line breaks as spaces (the notes box keeps its lines)."""
    text = clean(format_field(name, value))
    return text if FIELD_BY_NAME[name].kind == "long" else one_line(text)


def field_id(name: str) -> str:
    return f"field-{name}"


def text_of(widget: Widget) -> str:
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Input):
        return widget.value
    return ""


def _hint(spec: FieldSpec) -> str:
    return {
        "date": "YYYY-MM-DD, fri, +3d",
        "money": "12000 or 12k",
        "bool": "yes / no",
        "choice": " / ".join(spec.choices),
    }.get(spec.kind, "empty: suggested" if spec.name == "priority" else "")


def field_rows(fields: dict[str, Any]) -> ComposeResult:
    """Every field's row (label, field, a date's hint) and its message line, in groups."""
    group = ""
    for spec in FIELDS:
        if spec.group != group:
            group = spec.group
            yield Static(group, classes="group-title")
        value = shown(spec.name, fields.get(spec.name))
        with Horizontal(classes="detail-row"):
            yield Label(spec.label)
            if spec.kind == "long":
                yield TextArea(
                    value, id=field_id(spec.name), soft_wrap=True, show_line_numbers=False
                )
            else:
                choices = spec.choices or (("yes", "no") if spec.kind == "bool" else ())
                yield Input(
                    value,
                    id=field_id(spec.name),
                    placeholder=_hint(spec),
                    # typing replaces a date (the usual edit), not a name
                    select_on_focus=spec.kind == "date",
                    # Typing the start of a choice shows the rest; → takes it.
                    suggester=SuggestFromList(choices, case_sensitive=False) if choices else None,
                )
                if spec.kind == "date":
                    yield DateHint(future=spec.name == "next_date", id=f"hint-{spec.name}")
        yield Static("", id=f"err-{spec.name}", classes="field-error")


def keeps_height(widget: Widget) -> bool:
    """Whether ``widget`` (its height set by its content) takes as many rows with its new
    content as it has: then nothing else moves, and drawing it again is enough."""
    width = widget.content_size.width
    if not width:
        return False  # never laid out yet
    parent = widget.parent
    container = parent.size if isinstance(parent, Widget) else widget.app.size
    height = widget.get_content_height(container, widget.app.size, width)
    return height == widget.content_size.height


class DetailForm(SalesDeskScreen[None]):
    """The card detail's state and its fields (see the module); saving is in
    :class:`salesdesk.screens.prospect_save.DetailSaving`."""

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
        # Each field's widgets, found once (a search of the form per field, 51 of them at
        # each open and each escape, was a good part of their time).
        self._widgets: dict[str, Widget] = {}
        self._side_shows: dict[str, object] = {}  # what each side panel was drawn from

    def _find(self, key: str) -> Widget:
        widget = self._widgets.get(key)
        if widget is None:
            widget = self._widgets[key] = self.query_one(f"#{key}")
        return widget

    def field(self, name: str) -> Widget:
        return self._find(field_id(name))

    def hint(self, name: str) -> DateHint:
        hint = self._find(f"hint-{name}")
        assert isinstance(hint, DateHint)
        return hint

    def _render_side(self) -> None:
        """Draw the title and the side panels again where what they show changed, and lay
        the detail out again (all of it: its second costliest step at each open) only when
        one of them now takes more or fewer rows: a card opened again as it was, or a
        field saved that none of them shows, skips both."""
        detail = self.detail
        assert detail is not None
        for key, render, shows in (
            ("detail-title", detail_title, (detail.id, detail.fields)),
            ("detail-urgency", urgency_panel, (detail.urgency, detail["status"])),
            ("detail-timeline", timeline, detail.activities),
        ):
            if self._side_shows.get(key) != shows:
                self._side_shows[key] = shows
                panel = self._find(key)
                assert isinstance(panel, Static)
                panel.update(render(detail), layout=False)
                if not keeps_height(panel):
                    panel.refresh(layout=True)

    def _put_text(self, name: str, value: Any) -> None:
        """Show a stored value in its field (a notes box forgets its edit history)."""
        self.base[name] = value
        widget = self.field(name)
        text = shown(name, value)
        if isinstance(widget, TextArea):
            widget.text = text
        elif isinstance(widget, Input):
            widget.value = text

    def _text_of(self, widget: Widget) -> str:
        return text_of(widget)

    def _stale(self, name: str, current: Any) -> None:
        """Say under the field that another program stored ``current`` meanwhile."""
        said = one_line(shown(name, current)) or "(empty)"
        if len(said) > 60:
            said = said[:59] + "…"
        self._set_error(
            name,
            f"Changed by another program meanwhile; stored now: {said}. Your text is kept: "
            "save it again to replace that, or retype it.",
        )

    def _set_error(self, name: str, message: str | None) -> None:
        error = self._find(f"err-{name}")
        assert isinstance(error, Static)
        if message:
            self.errors[name] = message
            error.update(Text(one_line(message)))
            error.add_class("shown")
        elif self.errors.pop(name, None) is not None or error.has_class("shown"):
            # (only a message shown is cleared: every field's, at each escape, was a
            # layout of the detail each)
            error.update("")
            error.remove_class("shown")

    def _set_errors(self, errors: dict[str, str]) -> None:
        for name in list(self.errors):
            self._set_error(name, None)
        for name, message in errors.items():
            self._set_error(name, message)
