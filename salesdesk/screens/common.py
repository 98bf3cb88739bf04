"""Small helpers the screens share: run a store change safely, save a logged touch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.screen import Screen

from salesdesk.data import store
from salesdesk.data.db import busy_message
from salesdesk.errors import SalesDeskError
from salesdesk.screens.touch import TouchResult
from salesdesk.text import one_line

if TYPE_CHECKING:
    from salesdesk.app import SalesDeskApp

T = TypeVar("T")


def sd_app(screen: Screen[Any]) -> SalesDeskApp:
    """The running app, typed: its database (``db``) and clock (``now``, ``today``)."""
    return cast("SalesDeskApp", screen.app)


def attempt(screen: Screen[Any], change: Callable[[], T]) -> tuple[bool, T | None]:
    """Run a store command; a user's mistake or a busy database becomes a notification.

    Returns (ok, result). Anything else is a bug and is raised.
    """
    try:
        return True, change()
    except SalesDeskError as exc:
        screen.notify(one_line(exc.message), severity="error", markup=False)
    except Exception as exc:
        busy = busy_message(exc)
        if busy is None:
            raise
        screen.notify(busy, severity="error", markup=False)
    return False, None


def log_touch_result(app: SalesDeskApp, prospect_id: int, result: TouchResult) -> int:
    """Store what :class:`TouchScreen` returned: the touch, and the next step it holds."""
    return store.log_touch(
        app.db,
        app.now(),
        prospect_id,
        result.kind,
        result.note,
        next_date=result.next_date,
        next_action=result.next_action,
        next_topic=result.next_topic or None,
        clear_next=result.next_date is None,
    )


def save_touch(screen: Screen[Any], prospect_id: int, result: TouchResult) -> bool:
    """Log the touch from :class:`TouchScreen`; a mistake becomes a notification."""
    ok, _ = attempt(screen, lambda: log_touch_result(sd_app(screen), prospect_id, result))
    return ok


def undo_last(
    screen: Screen[Any], only_prospect: int | None = None
) -> store.UndoResult | None:
    """Undo the most recent change (any screen, or the CLI) and say what was undone; with
    ``only_prospect``, only if it was an edit of that card (else say why not).

    Returns what was undone so the caller can redraw, or None (nothing to undo, or an error
    that was shown).
    """
    ok, result = attempt(
        screen, lambda: store.undo(sd_app(screen).db, only_prospect=only_prospect)
    )
    if not ok:
        return None
    if result is None:
        screen.notify("Nothing to undo", severity="warning")
        return None
    screen.notify(f"Undone: {one_line(result.label)}", markup=False, timeout=3)
    return result
