"""Undo on the board, with care: the journal is shared with every other program (a
command in another terminal, an import), so ``u`` undoes at once only what this board did
to one card. Another program's change, an import, or a change of more than one card is
named first and asked about; the first undo after a restore says what it is instead."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from rich.text import Text
from textual.screen import Screen

from salesdesk.data import store
from salesdesk.screens.base import DeskApp, run_change, tell, why_ask
from salesdesk.screens.confirm import ConfirmScreen
from salesdesk.text import one_line


def careful_undo(screen: Screen[Any], done: Callable[[store.UndoResult], None]) -> None:
    """Undo the newest change for the board (asking first when :func:`why_ask` says so);
    ``done`` gets what was undone, to redraw those cards."""
    app = cast("DeskApp", screen.app)
    db = app.db
    ok, pending = run_change(screen, lambda: store.next_undo(db))
    if not ok:
        return
    if pending is None:
        tell(screen, "Nothing to undo", "warning")
        return

    def undo_now() -> None:
        ok, result = run_change(
            screen, lambda: store.undo(db, now=app.now(), expect=pending.journal_id or None)
        )
        if ok and result is not None:
            tell(screen, f"Undone: {one_line(result.label)}")
            done(result)

    if pending.restore:
        # Says that the restore cannot be undone and how to go back (run_change shows it).
        run_change(screen, lambda: store.undo(db, now=app.now()))
        return
    reasons = why_ask(pending)
    if not reasons:
        undo_now()
        return
    question = Text("Undo ")
    question.append(one_line(pending.label), style="bold")
    question.append(f"? ({reasons})")

    def answer(yes: bool | None) -> None:
        if yes:
            undo_now()
        else:
            tell(screen, "Nothing was undone", timeout=2)

    screen.app.push_screen(ConfirmScreen(question), answer)
