"""The visit plan (``v`` from the board): a week (Monday to Saturday) or a month calendar,
with suggestions from the planning rules in a side panel.

The plan is drawn by one line-built widget (:class:`PlanGrid`), not a widget per visit;
suggestions are computed in a thread so a large database never blocks the keys. The keys
that change visits are in :mod:`salesdesk.screens.visit_plan_changes`.
"""

from __future__ import annotations

from datetime import date, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import OptionList, Static

from salesdesk import keys
from salesdesk.data import store, visits
from salesdesk.data.db import busy_message
from salesdesk.render.plan_lines import SUNDAY, day_detail, plan_title, visit_detail
from salesdesk.rules.planning import Period, Suggestions, planning_day, suggestion_period
from salesdesk.screens.visit_plan_changes import VisitPlanChanges
from salesdesk.widgets.fitting_footer import FittingFooter
from salesdesk.widgets.plan_grid import PlanGrid
from salesdesk.widgets.suggestion_panel import SuggestionPanel

__all__ = ["PlanGrid", "VisitPlanScreen"]


NARROW_BELOW = 80  # columns: the days take the whole width, the suggestions are on tab


class VisitPlanScreen(VisitPlanChanges):
    """Plan the week or the month: visits by day, suggestions with their reasons."""

    BINDINGS = keys.VISITS
    HELP_TITLE = "visit plan"
    AUTO_FOCUS = "#plan-grid"
    DEFAULT_CSS = """
    VisitPlanScreen #plan-title { height: 1; padding: 0 1; background: $panel; }
    VisitPlanScreen #plan-body { height: 1fr; }
    VisitPlanScreen #plan-side { width: 30; height: 1fr; border-left: vkey $panel; }
    VisitPlanScreen #side-title { height: 1; padding: 0 1; }
    VisitPlanScreen #side-hint { height: auto; padding: 0 1; color: $text-muted; }
    VisitPlanScreen #suggestions {
        height: 1fr; border: none; padding: 0; scrollbar-gutter: stable;
    }
    VisitPlanScreen #suggestions:focus { border: none; }
    VisitPlanScreen #side-empty { height: auto; padding: 0 1; color: $text-muted; }
    VisitPlanScreen #plan-detail { height: 2; padding: 0 1; background: $panel; }
    VisitPlanScreen.narrow #plan-side { display: none; }
    VisitPlanScreen.narrow.show-side #plan-side { display: block; width: 1fr; border-left: none; }
    VisitPlanScreen.narrow.show-side PlanGrid { display: none; }
    """

    def __init__(self) -> None:
        super().__init__()
        # One computation for the month of the selected day (planning.suggestion_period),
        # shared by the week and the month views: (span, today, result).
        self._computed: tuple[Period, date, Suggestions] | None = None
        self.suggestion_error = ""

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static(id="plan-title")
        with Horizontal(id="plan-body"):
            yield PlanGrid()
            yield SuggestionPanel()
        yield Static(id="plan-detail")
        yield FittingFooter()

    @property
    def ready(self) -> bool:
        """Mounted, and the suggestions worked out and shown."""
        return self.is_mounted and self.query_one(SuggestionPanel).found is not None

    @property
    def grid(self) -> PlanGrid:
        return self.query_one(PlanGrid)

    @property
    def span(self) -> Period:
        """The days suggestions are worked out for: the same for the week and the month."""
        return suggestion_period(self.day)

    def home_day(self) -> date:
        """Where the plan opens and where ``.`` goes back to: today, or on a Sunday the
        Monday after (the coming week), as ``salesdesk plan`` decides."""
        return planning_day(self.today)

    def on_mount(self) -> None:
        self.selected = self.home_day()
        self._apply_width()
        self.load()

    def on_resize(self) -> None:
        self._apply_width()

    def _apply_width(self) -> None:
        # Narrow: the days need the width more than the suggestions (which wrap); below
        # NARROW_BELOW columns the suggestions take the whole width, on tab.
        width = self.app.size.width
        self.set_class(width < NARROW_BELOW, "narrow")
        if width >= NARROW_BELOW:
            self.query_one(SuggestionPanel).styles.width = 28 if width < 100 else 30

    def on_unmount(self) -> None:
        self.workers.cancel_group(self, "suggest")

    # ------------------------------------------------------------------ data
    def load(self, keep_visit: int | None = None, suggest: bool = True) -> None:
        """Read the shown period's visits again; recompute suggestions in a thread (with
        ``suggest=False``, reuse those worked out for the selected day's month, if any)."""
        try:
            self.view = visits.plan_view(self.sd_app.db, self.period)
        except Exception as exc:  # a busy database: say so, keep the screen
            message = busy_message(exc)
            if message is None:
                raise
            self.notify(message, severity="error", markup=False)
            return
        if keep_visit is not None:
            for day, plan in self.view.days.items():
                ids = [v.id for v in plan.visits]
                if keep_visit in ids:
                    self.selected, self.index = day, ids.index(keep_visit)
                    break
        self._clamp_index()
        self._draw()
        self._show_suggestions(recompute=suggest)

    def _show_suggestions(self, recompute: bool) -> None:
        """Show the shown period's slice of the suggestions, worked out again when asked or
        when the selected day moved to another month."""
        span, today = self.span, self.today
        if recompute or self._computed is None or self._computed[:2] != (span, today):
            self._computed = None
            self.query_one(SuggestionPanel).show_working()
            self.compute_suggestions(span, today, self._data_version())
            return
        self._draw_side(self._computed[2].within(self.period))

    def _clamp_index(self) -> None:
        count = len(self._day_visits())
        self.index = max(0, min(self.index, count - 1))

    def _data_version(self) -> int | None:
        """The database's data version before a computation (the result is kept for it:
        the plan opened again on unchanged data shows it at once); None: unknown."""
        try:
            return self.sd_app.db.data_version(exact=True)
        except Exception:  # a busy or lost database: the computation will say so
            return None

    @work(thread=True, exclusive=True, group="suggest")
    def compute_suggestions(self, span: Period, today: date, version: int | None) -> None:
        db = self.sd_app.db
        try:
            late = visits.after_hours(db, self.sd_app.now())
            found = visits.span_suggestions(db, span, today, after_hours=late, version=version)
            error = ""
        except Exception as exc:
            error = busy_message(exc) or f"suggestions failed: {exc}"
            found = Suggestions(())
        self.app.call_from_thread(self._suggested, span, today, found, error)

    def _suggested(self, span: Period, today: date, found: Suggestions, error: str) -> None:
        if not self.is_mounted or (span, today) != (self.span, self.today):
            return
        self._computed = None if error else (span, today, found)
        self.suggestion_error = error
        self._draw_side(found.within(self.period))

    # ------------------------------------------------------------------ drawing
    def _draw(self) -> None:
        if self.view is None:
            return
        self.grid.show(self.view, self.day, self.index, self.today)
        self.query_one("#plan-title", Static).update(plan_title(self.view))
        visit = self.visit
        detail = (
            visit_detail(self.view, visit, self.day)
            if visit is not None
            else day_detail(self.view, self.day, self.kind)
        )
        self.query_one("#plan-detail", Static).update(detail)
        self.query_one(SuggestionPanel).show_hint(self.day)

    def _draw_side(self, found: Suggestions) -> None:
        self.query_one(SuggestionPanel).show(
            found, self.period, self.today, self.day, self._why_no_suggestions
        )

    def _why_no_suggestions(self) -> str:
        if self.suggestion_error:
            return self.suggestion_error
        if self.period.end < self.today:
            return "This period is over: ] goes to a later one."
        if store.count_prospects(self.sd_app.db) == 0:
            return (
                "No prospects yet: add them on the board (n) or import your contacts "
                "(i), and visits will be suggested here."
            )
        return "Nothing to suggest: every card is in its rhythm. n adds a visit for any prospect."

    # ------------------------------------------------------------------ moving
    def _select(self, day: date, index: int = 0) -> None:
        old, span = self.period, self.span
        self.selected, self.index = day, index
        if self.period != old:
            self.load(suggest=False)  # the same computation while in the same month
        else:
            self._clamp_index()
            self._draw()
            if self.span != span:  # a week across two months: the other month's
                self._show_suggestions(recompute=False)

    def action_day(self, delta: int) -> None:
        day = self.day + timedelta(days=delta)
        if self.kind == "week" and day.weekday() == SUNDAY:
            assert self.view is not None
            sunday_used = day in self.view.days and self.view.days[day].visits
            if not sunday_used:
                day += timedelta(days=delta)
        self._select(day)

    def action_vertical(self, delta: int) -> None:
        options = self.query_one(SuggestionPanel).options
        if self.focused is options:
            options.action_cursor_down() if delta > 0 else options.action_cursor_up()
            return
        if self.kind == "month":
            self._select(self.day + timedelta(days=7 * delta))
            return
        count = len(self._day_visits())
        if count:
            self.index = max(0, min(count - 1, self.index + delta))
            self._draw()

    def action_period(self, delta: int) -> None:
        target = self.period.shifted(delta)
        day = self.day
        if self.kind == "week":
            day = day + timedelta(weeks=delta)
        else:
            home = self.home_day()
            day = home if home in target else self.today if self.today in target else target.start
        self._select(day)

    def action_today(self) -> None:
        self._select(self.home_day())

    def action_toggle_view(self) -> None:
        self.kind = "month" if self.kind == "week" else "week"
        self.index = 0
        self.load(suggest=False)  # both views show the same suggestions

    def action_switch_focus(self) -> None:
        options = self.query_one(SuggestionPanel).options
        if self.has_class("narrow"):  # one of the two at a time, whether or not the
            # suggestions are worked out yet (the panel says so while they are)
            to_grid = self.has_class("show-side")
            self.set_class(not to_grid, "show-side")
        else:
            to_grid = self.focused is options or not options.display
        if to_grid:
            self.grid.focus()
        else:
            options.focus()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self.load(keep_visit=self.visit.id if self.visit else None)

    @on(PlanGrid.DayClicked)
    def _clicked(self, event: PlanGrid.DayClicked) -> None:
        self.grid.focus()
        self._select(event.day, event.index or 0)
        if event.chain >= 2:
            self.action_open()

    @on(OptionList.OptionSelected, "#suggestions")
    def _suggestion_chosen(self, event: OptionList.OptionSelected) -> None:
        self.action_accept()

    def action_open(self) -> None:
        if self.kind == "month":
            self.kind = "week"
            self.index = 0
            self.load()
            return
        visit = self._need_visit()
        if visit is None:
            return
        keep = visit.id
        self.sd_app.open_card(visit.prospect_id, on_close=lambda: self.load(keep))
