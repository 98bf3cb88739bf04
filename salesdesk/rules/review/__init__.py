"""The weekly review's figures (the prospect-development checklist). Pure: no database, no clock.

Every function works on plain rows (:class:`ReviewData`, filled by
:mod:`salesdesk.data.review`) for an explicit week, Monday to Sunday. A week with no data
gives zeros; the past is rebuilt from the grade and status changes the app records, so a
past week shows the pool as it was then.

Definitions (the README repeats them for the rep):

- A *touch* is a logged call, visit, message, email or meeting. Notes are counted by kind
  but are not contact with the customer, so they are not touches.
- The state of a card "at day D" is its state at the end of D: the last grade or status
  change dated D or earlier, or, before its first recorded change, that change's "from".
- Time guidance classes (first match wins), for the card as it was on the touch's day:
  no intention (dropped or lost, or live with need = no and not both money and authority:
  MAN verdict "not a prospect", or "nurture" because the need is missing); big (key account,
  a top-20% revenue customer, or a live prospect worth at least the smallest top-20%
  revenue with money not "no"); long-term (a customer won a year or more before, or a card
  linked to an earlier one: a returning customer); small (everything else: other
  customers and live prospects).
- Revenue (80/20) comes from recorded wins: the amount recorded with the win (the status
  change's ``amount`` column), else the card's value; a customer card without a recorded
  win (imported) counts its value on its closed date. One win per card, cards linked by
  "previous card" are one customer.

The package re-exports the public names, so callers import from ``salesdesk.rules.review``:
``weeks`` (review weeks, week words), ``facts`` (the rows in), ``results`` (the figures
out), ``history`` (a card's state on a past day), ``revenue`` (80/20), ``activity``
(touches and where the time went), ``figures`` (every figure of a week), ``slips``
(next-step slips), ``words`` (numbers as words) and ``sections`` (the presenter: the
figures as sections of sentences, named cards and small tables, which every writer draws).
"""


from salesdesk.rules.review.activity import (
    LONG_TERM_DAYS,
    TIME_CLASSES,
    activity,
    visit_counts,
)
from salesdesk.rules.review.facts import (
    CUSTOMER,
    GRADE_RANK,
    GRADES,
    LIVE,
    STAGES,
    CardFact,
    ChangeFact,
    ReviewData,
    TouchFact,
    VisitFact,
)
from salesdesk.rules.review.figures import (
    TREND_WEEKS,
    as_of,
    funnel,
    outcomes,
    pool_health,
    retention,
    trends,
    weekly_review,
)
from salesdesk.rules.review.history import (
    History,
)
from salesdesk.rules.review.results import (
    ActivityFigures,
    CardRef,
    CustomerRevenue,
    GradeMove,
    Outcomes,
    Pareto,
    PoolHealth,
    Retention,
    SilentCustomer,
    TimeShare,
    TrendPoint,
    VisitCounts,
    WeeklyReview,
)
from salesdesk.rules.review.revenue import (
    PARETO_SHARE,
    REVENUE_DAYS,
    pareto,
)
from salesdesk.rules.review.sections import (
    TRENDS,
    Figures,
    Grid,
    Named,
    Names,
    Section,
    Sentence,
    Span,
    Trend,
    present,
)
from salesdesk.rules.review.slips import (
    NextStepEdit,
    Slip,
    next_step_slips,
)
from salesdesk.rules.review.weeks import (
    SELLING_WEEKS_PER_YEAR,
    WEEK,
    iso_week,
    parse_week,
    selling_weeks_left,
    week_end,
    week_label,
    week_start,
)
from salesdesk.rules.review.words import BARS, amount, bars, compact_amount, percent

__all__ = [
    "ActivityFigures",
    "Figures",
    "Grid",
    "Named",
    "Names",
    "Section",
    "Sentence",
    "Span",
    "Trend",
    "BARS",
    "CUSTOMER",
    "CardFact",
    "CardRef",
    "ChangeFact",
    "CustomerRevenue",
    "GRADES",
    "GRADE_RANK",
    "GradeMove",
    "History",
    "LIVE",
    "LONG_TERM_DAYS",
    "NextStepEdit",
    "Outcomes",
    "PARETO_SHARE",
    "Pareto",
    "PoolHealth",
    "REVENUE_DAYS",
    "Retention",
    "ReviewData",
    "SELLING_WEEKS_PER_YEAR",
    "STAGES",
    "SilentCustomer",
    "Slip",
    "TIME_CLASSES",
    "TRENDS",
    "TREND_WEEKS",
    "TimeShare",
    "TouchFact",
    "TrendPoint",
    "VisitCounts",
    "VisitFact",
    "WEEK",
    "WeeklyReview",
    "activity",
    "amount",
    "as_of",
    "bars",
    "compact_amount",
    "funnel",
    "iso_week",
    "next_step_slips",
    "outcomes",
    "pareto",
    "parse_week",
    "percent",
    "present",
    "pool_health",
    "retention",
    "selling_weeks_left",
    "trends",
    "visit_counts",
    "week_end",
    "week_label",
    "week_start",
    "weekly_review",
]
