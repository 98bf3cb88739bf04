"""The screens' shared helpers as plain functions, for a screen not yet on the base class.

New code uses :class:`salesdesk.screens.base.SalesDeskScreen` (``self.sd_app``,
``self.run_change``, ``self.undo_last``) instead; this module only keeps the older
spelling working until every screen has moved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from textual.screen import Screen

from salesdesk.screens.base import DeskApp, run_change, undo_last
from salesdesk.screens.touch import TouchResult

__all__ = ["attempt", "log_touch_result", "sd_app", "undo_last"]

T = TypeVar("T")


def sd_app(screen: Screen[Any]) -> DeskApp:
    """The running app, typed: its database (``db``) and clock (``now``, ``today``)."""
    return cast("DeskApp", screen.app)


def attempt(screen: Screen[Any], change: Callable[[], T]) -> tuple[bool, T | None]:
    """:func:`salesdesk.screens.base.run_change`, without a message on success."""
    return run_change(screen, change)


def log_touch_result(app: DeskApp, prospect_id: int, result: TouchResult) -> int:
    """Store what :class:`TouchScreen` returned: the touch, and the next step it holds."""
    return result.log(app.db, app.now(), prospect_id)
