"""The data layer's public API in one place, for the shells: ``store.list_cards(...)``.

A facade only: each name lives in the module that explains it (:mod:`~salesdesk.data.cards`
reads, :mod:`~salesdesk.data.card_changes` commands, :mod:`~salesdesk.data.journal` undo,
:mod:`~salesdesk.data.settings`, :mod:`~salesdesk.data.man`, :mod:`~salesdesk.data.sql`).
Data modules import from those homes, never from here. Each name is imported from its home
on first use (``__getattr__``), so importing the store costs nothing: a board start loads
only the modules its first frame reads, and the commands' modules with the first change.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salesdesk.data.card_changes import (
        add_prospect,
        last_touch,
        log_touch,
        next_step_values,
        regrade,
        set_next_step,
        set_status,
        update_fields,
    )
    from salesdesk.data.card_rows import CardRow, urgency_key
    from salesdesk.data.cards import (
        ActivityRow,
        BoardSummary,
        NameMatch,
        ProspectDetail,
        card_exists,
        closed_counts,
        count_prospects,
        find_by_name,
        get_card,
        get_prospect,
        list_cards,
        pipeline,
        summarise,
        summary,
    )
    from salesdesk.data.complaints import (
        ComplaintBoard,
        ComplaintCounts,
        ComplaintRow,
        answer_hours,
        complaint_board,
        complaint_counts,
        complaint_ids_of,
        get_complaint,
        list_complaints,
        record_complaint,
        take_step,
    )
    from salesdesk.data.db import Database
    from salesdesk.data.journal import JOURNAL_TABLES, Change
    from salesdesk.data.journal_undo import UndoResult, last_change, undo
    from salesdesk.data.man import (
        ManState,
        get_man,
        man_queue,
        set_man,
        set_potential,
        set_priority,
    )
    from salesdesk.data.redo import HistoryEntry, next_redo, redo, undo_history
    from salesdesk.data.settings import (
        DEFAULT_POOL_TARGET,
        SETTINGS_DEFAULTS,
        get_setting,
        get_settings,
        pool_target,
        set_setting,
    )
    from salesdesk.data.sql import MAX_ID, sql_value
    from salesdesk.data.undo_next import NextUndo, next_undo
    from salesdesk.errors import InputError, NotFound

#: Where each name of the facade lives.
_HOMES: dict[str, tuple[str, ...]] = {
    "salesdesk.data.card_rows": ("CardRow", "urgency_key"),
    "salesdesk.data.card_changes": (
        "add_prospect", "last_touch", "log_touch", "next_step_values", "regrade", "set_next_step",
        "set_status", "update_fields",
    ),
    "salesdesk.data.cards": (
        "ActivityRow", "BoardSummary", "NameMatch", "ProspectDetail", "card_exists",
        "closed_counts", "count_prospects", "find_by_name", "get_card", "get_prospect",
        "list_cards", "pipeline", "summarise", "summary",
    ),
    "salesdesk.data.complaints": (
        "ComplaintBoard", "ComplaintCounts", "ComplaintRow", "answer_hours", "complaint_board",
        "complaint_counts", "complaint_ids_of", "get_complaint", "list_complaints",
        "record_complaint", "take_step",
    ),
    "salesdesk.data.db": ("Database",),
    "salesdesk.data.journal": ("JOURNAL_TABLES", "Change"),
    "salesdesk.data.journal_undo": ("UndoResult", "last_change", "undo"),
    "salesdesk.data.man": (
        "ManState", "get_man", "man_queue", "set_man", "set_potential", "set_priority",
    ),
    "salesdesk.data.redo": ("HistoryEntry", "next_redo", "redo", "undo_history"),
    "salesdesk.data.settings": (
        "DEFAULT_POOL_TARGET", "SETTINGS_DEFAULTS", "get_setting", "get_settings", "pool_target",
        "set_setting",
    ),
    "salesdesk.data.sql": ("MAX_ID", "sql_value"),
    "salesdesk.data.undo_next": ("NextUndo", "next_undo"),
    "salesdesk.errors": ("InputError", "NotFound"),
}


def __getattr__(name: str) -> object:
    """A name of the facade, imported from its home the first time it is asked for."""
    for module, names in _HOMES.items():
        if name in names:
            value = getattr(importlib.import_module(module), name)
            globals()[name] = value  # (asked for once: later reads find it here)
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    # cards: reading
    "ActivityRow",
    "BoardSummary",
    "CardRow",
    "ProspectDetail",
    "closed_counts",
    "NameMatch",
    "card_exists",
    "count_prospects",
    "find_by_name",
    "get_card",
    "get_prospect",
    "list_cards",
    "pipeline",
    "summarise",
    "summary",
    "urgency_key",
    # card_changes: commands
    "add_prospect",
    "last_touch",
    "log_touch",
    "next_step_values",
    "regrade",
    "set_next_step",
    "set_status",
    "update_fields",
    # complaints
    "ComplaintBoard",
    "ComplaintCounts",
    "ComplaintRow",
    "answer_hours",
    "complaint_board",
    "complaint_counts",
    "complaint_ids_of",
    "get_complaint",
    "list_complaints",
    "record_complaint",
    "take_step",
    # journal: undo
    "JOURNAL_TABLES",
    "Change",
    "NextUndo",
    "UndoResult",
    "last_change",
    "next_undo",
    "undo",
    "HistoryEntry",
    "next_redo",
    "redo",
    "undo_history",
    # man: the MAN check
    "ManState",
    "get_man",
    "man_queue",
    "set_man",
    "set_potential",
    "set_priority",
    # settings
    "DEFAULT_POOL_TARGET",
    "SETTINGS_DEFAULTS",
    "get_setting",
    "get_settings",
    "pool_target",
    "set_setting",
    # sql helpers
    "MAX_ID",
    "sql_value",
    # what callers of the store used to reach through it (store.Database, store.InputError)
    "Database",
    "InputError",
    "NotFound",
]
