"""Saving the card detail's fields: one field as the rep leaves it, all of them on ctrl+s
and escape, and the Status field's closing dialogs (a win's value, a drop's or loss's why)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from textual.screen import Screen

from salesdesk.data import store
from salesdesk.data.db import busy_message
from salesdesk.enums import Status
from salesdesk.errors import InputError, SalesDeskError, StaleEdit
from salesdesk.rules.dates import day_name
from salesdesk.rules.fields import FIELD_BY_NAME, FIELDS, parse_field
from salesdesk.rules.reasons import reason_said
from salesdesk.screens.prospect_fields import DetailForm, shown
from salesdesk.text import clean, one_line

CLOSING = (Status.DROPPED, Status.LOST)  # a status the detail asks why for


class DetailSaving(DetailForm):
    """The detail's saves (see the module)."""

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

    def save_field(self, name: str) -> bool:
        """Validate and save one field if it changed. False (with a message) if invalid."""
        assert self.detail is not None
        text = self._text_of(self.field(name))
        if text == shown(name, self.detail.fields.get(name)):
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
                self.sd_app.db,
                self.sd_app.now(),
                self.prospect_id,
                {name: value},
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
            return store.set_status(
                app.db, app.now(), self.prospect_id, Status.CUSTOMER, value=result.value
            )

        self._ask_closing(
            WonScreen(card),
            Status.CUSTOMER,
            change,
            "Not won: the status stays {}",
            lambda _: f"Won {one_line(card.name)}!",
        )

    def _ask_why(self, status: Status) -> None:
        """Status set to dropped or lost: ask why (the board's x / X form). Cancelled, the
        status stays what it was."""
        from salesdesk.screens.reason import Closing, ReasonScreen

        app = self.sd_app
        card = store.get_card(app.db, self.prospect_id, app.today())

        def change(result: Closing) -> object:
            return store.set_status(
                app.db,
                app.now(),
                self.prospect_id,
                status,
                reason=result.reason,
                reason_note=result.note,
            )

        def done_line(result: Closing) -> str:
            said = reason_said(result.reason, result.note)
            return f"{one_line(card.name)}: {status.value}" + (
                f" · {one_line(said)}" if said else ""
            )

        self._ask_closing(
            ReasonScreen(card, status), status, change, "The status stays {}", done_line
        )

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
            if self._text_of(self.field(spec.name)) == shown(spec.name, old):
                self._put_text(spec.name, new)  # (text typed over it but not saved wins)

    def save_all(self) -> bool:
        ok = True
        for spec in FIELDS:
            ok = self.save_field(spec.name) and ok
        return ok
