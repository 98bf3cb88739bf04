"""Visits in the database, for both shells: ``visits.plan_visit(...)``, ``visits.plan_view(...)``.

Modules: ``rows`` (a visit as a plain row, the visits of some days, the search for a card
to visit), ``facts`` (every card as the facts the pure rules in
:mod:`salesdesk.rules.planning` read, and the plan's pre-filter), ``ranks`` (the plan's
ranking of the cards in SQL: only the shown ones are read), ``plan`` (settings,
suggestions, a week or a month of days) and ``changes``
(the commands, each one transaction and one undo-journal entry). The demo's visits live in
:mod:`salesdesk.data.demo_visits`, imported only by the demo.
"""

from __future__ import annotations

from salesdesk.data.visits.changes import (
    cancel_visit,
    delete_visit,
    mark_done,
    mark_missed,
    move_visit,
    plan_visit,
    set_time,
    shift_visit,
    step_day,
)
from salesdesk.data.visits.plan import (
    DayPlan,
    PlanView,
    after_hours,
    full_suggestions,
    plan_facts,
    plan_settings,
    plan_view,
    plan_visits,
    ranked_suggestions,
    span_suggestions,
    suggest_ahead,
    suggestions,
)
from salesdesk.data.visits.rows import (
    ACTIVE,
    ProspectPick,
    VisitRow,
    get_visit,
    list_visits,
    search_prospects,
)

__all__ = [
    # rows
    "ACTIVE",
    "ProspectPick",
    "VisitRow",
    "get_visit",
    "list_visits",
    "search_prospects",
    # plan
    "DayPlan",
    "PlanView",
    "after_hours",
    "full_suggestions",
    "plan_facts",
    "plan_settings",
    "plan_view",
    "plan_visits",
    "ranked_suggestions",
    "span_suggestions",
    "suggest_ahead",
    "suggestions",
    # changes
    "cancel_visit",
    "delete_visit",
    "mark_done",
    "mark_missed",
    "move_visit",
    "plan_visit",
    "set_time",
    "shift_visit",
    "step_day",
]
