"""The board's keys that ask something first (t, d, n, W, x, X; p asks nothing): each
opens a small form, then changes the selected card.

:class:`BoardScreen` builds on this; the hooks below are what it provides (the selected
card, redrawing changed cards, the live view).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from salesdesk.data import store
from salesdesk.data.store import CardRow
from salesdesk.enums import Status
from salesdesk.rules.dates import next_step_said
from salesdesk.rules.reasons import reason_said
from salesdesk.screens.base import SalesDeskScreen
from salesdesk.text import one_line


class BoardForms(SalesDeskScreen[None]):
    """The board's form-driven changes of the selected card."""

    # ------------------------------------------------------------------ hooks
    @property
    def closed_view(self) -> bool:
        """Whether the customers and closed cards are shown instead of the live ones."""
        raise NotImplementedError

    def _card_to_change(self) -> CardRow | None:
        """The selected card, if the board is up to date (else None, and a message)."""
        raise NotImplementedError

    def refresh_cards(self, ids: Iterable[int], keep_id: int | None = None) -> None:
        """Read these cards again and redraw."""
        raise NotImplementedError

    def show_live_board(self, keep_id: int | None = None) -> None:
        """Leave the closed view for the live cards."""
        raise NotImplementedError

    # ------------------------------------------------------------------ changes
    def _do(
        self,
        change: Callable[[], object],
        ids: Iterable[int],
        message: str,
        keep_id: int | None = None,
    ) -> None:
        """Run a store command (a mistake is said on the status line), then redraw those
        cards and say what was done."""
        ok, _ = self.run_change(change)
        if ok:
            self.refresh_cards(ids, keep_id)
            if message:
                self.tell(message)

    def action_complaint(self) -> None:
        """``!``: record a complaint on the selected card; the answer clock starts."""
        card = self._card_to_change()
        if card is None:
            return
        from salesdesk.screens.complaint_form import ComplaintScreen, NewComplaint

        app = self.sd_app

        def done(result: NewComplaint | None) -> None:
            if result is None:
                return
            hours = store.answer_hours(app.db)
            due = result.received_at + timedelta(hours=hours)
            self._do(
                lambda: store.record_complaint(
                    app.db, app.now(), card.id, result.said, expected=result.expected,
                    channel=result.channel, received_at=result.received_at),
                [card.id],
                f"Complaint from {card.name} recorded · answer by {due:%a %d %b %H:%M}",
                keep_id=card.id,
            )

        self.app.push_screen(ComplaintScreen(card.name, app.now()), done)

    def action_log_touch(self) -> None:
        card = self._card_to_change()
        if card is None:
            return
        from salesdesk.screens.touch import TouchResult, TouchScreen

        app = self.sd_app

        def done(result: TouchResult | None) -> None:
            if result is not None:
                step = next_step_said(result.next_date, app.today())
                self._do(lambda: result.log(app.db, app.now(), card.id), [card.id],
                         f"Logged {result.kind} with {card.name} · {step}", keep_id=card.id)

        self.app.push_screen(TouchScreen(card, app.today()), done)

    def action_next_date(self) -> None:
        card = self._card_to_change()
        if card is None:
            return
        from salesdesk.screens.next_step import NextStep, NextStepScreen

        app = self.sd_app

        def done(result: NextStep | None) -> None:
            if result is None:
                return
            when = next_step_said(result.next_date, app.today())
            self._do(
                lambda: store.set_next_step(
                    app.db, app.now(), card.id, result.next_date, result.action, result.kind
                ),
                [card.id],
                f"{card.name}: {when} ({result.kind})" if result.next_date else
                f"{card.name}: {when}",
                keep_id=card.id,
            )

        self.app.push_screen(NextStepScreen(card, app.today()), done)

    def action_new_prospect(self) -> None:
        from salesdesk.screens.new_prospect import NewProspectScreen

        app = self.sd_app

        def done(values: dict[str, object] | None) -> None:
            if values is None:
                return
            fields = dict(values)
            name = str(fields.pop("name"))
            ok, new_id = self.run_change(
                lambda: store.add_prospect(app.db, app.now(), name, **fields)
            )
            if not ok or new_id is None:
                return
            if self.closed_view:
                self.show_live_board(keep_id=new_id)
            else:
                self.refresh_cards([new_id], keep_id=new_id)
            step = next_step_said(fields.get("next_date"), app.today())  # type: ignore[arg-type]
            self.tell(f"Added {one_line(name)} · {step}")
            self._warn_duplicate(name, fields, new_id)

        self.app.push_screen(NewProspectScreen(app.today()), done)

    def _warn_duplicate(self, name: str, fields: dict[str, object], new_id: int) -> None:
        """A likely duplicate of the card just added is said at once, with the way to merge
        (a few indexed queries: the book is never scanned)."""
        from salesdesk.data.merge import likely_duplicates

        db = self.sd_app.db
        found = likely_duplicates(
            db, store.get_setting(db, "phone_region"), name, str(fields.get("phone") or ""),
            str(fields.get("email") or ""), str(fields.get("company") or ""), exclude=new_id,
        )
        if found:
            pid, other, reason = found[0]
            self.tell(
                f"Likely a duplicate of #{pid} {one_line(other)} ({reason}): "
                f"salesdesk merge {pid} {new_id} folds them into one", "warning",
            )

    def _close(self, status: Status, verb: str, ask_why: bool) -> None:
        card = self._card_to_change()
        if card is None:
            return
        app = self.sd_app
        if not ask_why:
            self._do(lambda: store.set_status(app.db, app.now(), card.id, status),
                     [card.id], f"{card.name}: {verb} (u undoes)")
            return
        from salesdesk.screens.reason import Closing, ReasonScreen

        def done(result: Closing | None) -> None:
            if result is None:  # escape: the card stays as it was
                return
            said = reason_said(result.reason, result.note)
            self._do(
                lambda: store.set_status(
                    app.db, app.now(), card.id, status,
                    reason=result.reason, reason_note=result.note,
                ),
                [card.id],
                f"{card.name}: {verb}" + (f" · {said}" if said else "") + " (u undoes)",
            )

        self.app.push_screen(ReasonScreen(card, status), done)

    def action_park(self) -> None:
        self._close(Status.PARKED, "parked", ask_why=False)

    def action_drop(self) -> None:
        self._close(Status.DROPPED, "dropped", ask_why=True)

    def action_lost(self) -> None:
        self._close(Status.LOST, "lost", ask_why=True)

    def action_won(self) -> None:
        card = self._card_to_change()
        if card is None:
            return
        from salesdesk.screens.won import Won, WonScreen

        app = self.sd_app

        def done(result: Won | None) -> None:
            if result is not None:
                self._do(
                    lambda: store.set_status(
                        app.db, app.now(), card.id, Status.CUSTOMER, value=result.value
                    ),
                    [card.id],
                    f"Won {card.name}!",
                )

        self.app.push_screen(WonScreen(card), done)

