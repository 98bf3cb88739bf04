"""Visit-plan rules (pure): who to visit in a week or a month, on which day, and why.

No database, no clock: the store loads plain rows (:class:`ProspectFacts`,
:class:`PlannedVisit`) and passes ``today`` explicitly, so every rule is tested with fixed
dates. The shells show :class:`Suggestion` rows; each one says why it is there.

The package re-exports the public names, so callers import from ``salesdesk.rules.planning``:
``periods`` (weeks and months), ``rows`` (the plain rows in and out), ``preferences``
(preferred days and times, typed times and lengths), ``words`` (how a day is said),
``needs`` (the reasons to see a card: one small function each, in the table ``REASONS``),
``suggestions`` (a card's needs made into one suggestion), ``placing`` (which day each
suggestion goes on), ``ranked`` (the same placing from a ranking worked out elsewhere: the
database's) and ``days`` (each day's load and a visit's flags).
"""

from salesdesk.rules.planning.days import DayInfo, VisitFlags, day_infos, visit_flags
from salesdesk.rules.planning.needs import (
    A_WINDOW_DAYS,
    CADENCE_DAYS,
    REASONS,
    SEASON_LEAD_DAYS,
    THANK_YOU_DAYS,
    W_A_PAST,
    W_A_WINDOW,
    W_B,
    W_BIRTHDAY,
    W_C,
    W_CUSTOMER,
    W_KEY_ACCOUNT,
    W_NEXT_OVERDUE,
    W_NEXT_STEP,
    W_RETENTION,
    W_REVISIT,
    W_SEASON,
    W_THANK_YOU,
)
from salesdesk.rules.planning.periods import (
    SUNDAY,
    Period,
    after_hours,
    month_of,
    planning_day,
    selected_day,
    suggestion_period,
    week_of,
)
from salesdesk.rules.planning.placing import WAITING_LIMIT, suggest
from salesdesk.rules.planning.preferences import (
    DEFAULT_MINUTES,
    WEEKDAY_NAMES,
    new_customer_days,
    parse_minutes,
    parse_time,
    parse_visit_days,
    parse_visit_time,
)
from salesdesk.rules.planning.ranked import Rank, RankMismatch, RankShort, suggest_ranked
from salesdesk.rules.planning.rows import (
    PlannedVisit,
    PlanSettings,
    ProspectFacts,
    Suggestion,
    Suggestions,
)
from salesdesk.rules.planning.suggestions import FIRM_KINDS, NO_ROOM, NO_ROOM_BY_KIND
from salesdesk.rules.planning.words import due_words, when

__all__ = [
    "after_hours",
    "A_WINDOW_DAYS",
    "CADENCE_DAYS",
    "DEFAULT_MINUTES",
    "FIRM_KINDS",
    "NO_ROOM",
    "NO_ROOM_BY_KIND",
    "REASONS",
    "SEASON_LEAD_DAYS",
    "SUNDAY",
    "THANK_YOU_DAYS",
    "WAITING_LIMIT",
    "WEEKDAY_NAMES",
    "W_A_PAST",
    "W_A_WINDOW",
    "W_B",
    "W_BIRTHDAY",
    "W_C",
    "W_CUSTOMER",
    "W_KEY_ACCOUNT",
    "W_NEXT_OVERDUE",
    "W_NEXT_STEP",
    "W_RETENTION",
    "W_REVISIT",
    "W_SEASON",
    "W_THANK_YOU",
    "DayInfo",
    "Period",
    "PlanSettings",
    "PlannedVisit",
    "Rank",
    "RankMismatch",
    "RankShort",
    "ProspectFacts",
    "Suggestion",
    "Suggestions",
    "VisitFlags",
    "day_infos",
    "due_words",
    "month_of",
    "new_customer_days",
    "parse_minutes",
    "parse_time",
    "parse_visit_days",
    "parse_visit_time",
    "planning_day",
    "selected_day",
    "suggest",
    "suggest_ranked",
    "suggestion_period",
    "visit_flags",
    "week_of",
    "when",
]
