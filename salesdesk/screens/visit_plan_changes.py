"""The visit plan's state (the view, the selected day and visit) and the keys that change
visits: accept a suggestion, add, move, change the time, done, missed, cancel, delete,
undo, export. :class:`~salesdesk.screens.visit_plan.VisitPlanScreen` adds the layout,
the loading and the moving around.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from salesdesk.data import store, visits
from salesdesk.data.visits import PlanView, VisitRow
from salesdesk.render.plan_lines import day_name
from salesdesk.rules.dates import next_step_said
from salesdesk.rules.planning import Period, Suggestion, Suggestions, month_of, week_of
from salesdesk.screens.base import SalesDeskScreen
from salesdesk.text import one_line
from salesdesk.widgets.suggestion_panel import SuggestionPanel


class VisitPlanChanges(SalesDeskScreen[None]):
    """What is shown (``kind``, ``selected``, ``index``, ``view``) and the changes."""

    def __init__(self) -> None:
        super().__init__()
        self.kind = "week"
        self.selected: date | None = None
        self.index = 0
        self.view: PlanView | None = None

    def load(self, keep_visit: int | None = None, suggest: bool = True) -> None:
        """Read the shown period again (the screen does it)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ what is shown
    @property
    def today(self) -> date:
        return self.sd_app.today()

    @property
    def day(self) -> date:
        return self.selected or self.today

    @property
    def period(self) -> Period:
        return month_of(self.day) if self.kind == "month" else week_of(self.day)

    def _day_visits(self) -> tuple[VisitRow, ...]:
        if self.view is None or self.day not in self.view.days:
            return ()
        return self.view.days[self.day].visits

    @property
    def visit(self) -> VisitRow | None:
        """The selected visit (week view only)."""
        shown = self._day_visits()
        if self.kind != "week" or not shown:
            return None
        return shown[min(self.index, len(shown) - 1)]

    @property
    def suggestions(self) -> Suggestions | None:
        """The suggestions the side panel shows (None while they are worked out)."""
        return self.query_one(SuggestionPanel).found

    @property
    def suggestion(self) -> Suggestion | None:
        """The highlighted suggestion, if any."""
        return self.query_one(SuggestionPanel).suggestion

    # ------------------------------------------------------------------ changes
    def _do(
        self,
        change: Callable[[], object],
        message: str,
        keep: int | None = None,
        day: date | None = None,
    ) -> bool:
        """Run a store command; show a mistake inline instead of raising. ``day``: the day
        to show afterwards (a suggestion accepted onto a day of another week)."""
        ok, result = self.run_change(change)
        if not ok:
            return False
        if keep is None and isinstance(result, int) and not isinstance(result, bool):
            keep = result
        if day is not None:
            self.selected, self.index = day, 0
        self.load(keep_visit=keep)
        if message:
            self.notify(one_line(message), markup=False, timeout=3)
        return True

    def _need_visit(self) -> VisitRow | None:
        visit = self.visit
        if visit is None:
            if self.kind == "month":
                self.notify("Open the week (enter) to pick a visit", severity="warning")
            else:
                self.notify("No visit on this day: n adds one", severity="warning")
        return visit

    def _accept(self, day: date | None) -> None:
        s = self.suggestion
        if s is None:
            self.notify("No suggestion to accept", severity="warning")
            return
        if day is None:
            self.notify("No room left for it: select a day and press A", severity="warning")
            return
        app = self.sd_app
        self._do(
            lambda: visits.plan_visit(
                app.db,
                app.now(),
                s.prospect_id,
                day,
                start=s.start,
                purpose=s.purpose,
            ),
            f"Planned {s.name} on {day_name(day)}",
            day=day,
        )

    def action_accept(self) -> None:
        s = self.suggestion
        self._accept(s.day if s else None)

    def action_accept_here(self) -> None:
        self._accept(self.day)

    def action_add_visit(self) -> None:
        from salesdesk.screens.visit_edit import VisitEdit, VisitEditScreen
        from salesdesk.screens.visit_pick import ProspectPickScreen

        day = self.day
        if day < self.today:
            self.notify("That day is past: pick today or a later day", severity="warning")
            return
        app = self.sd_app

        def picked(pick: visits.ProspectPick | None) -> None:
            if pick is None:
                return

            def edited(edit: VisitEdit | None) -> None:
                if edit is None:
                    return
                self._do(
                    lambda: visits.plan_visit(
                        app.db,
                        app.now(),
                        pick.id,
                        day,
                        start=edit.start,
                        minutes=edit.minutes,
                        purpose=edit.purpose,
                    ),
                    f"Planned {pick.name} on {day_name(day)}",
                )

            title = f"Visit {one_line(pick.name)} on {day_name(day)}"
            purpose = pick.next_action if pick.next_date and pick.next_date >= day else ""
            self.app.push_screen(VisitEditScreen(title, purpose=purpose), edited)

        self.app.push_screen(ProspectPickScreen(day, self.today), picked)

    def action_move(self, step: int) -> None:
        visit = self._need_visit()
        if visit is None:
            return
        app = self.sd_app
        target = visits.step_day(visit.day, step)
        self._do(
            lambda: visits.move_visit(app.db, app.now(), visit.id, target),
            f"{visit.name}: moved to {day_name(target)}",
            keep=visit.id,
        )

    def action_edit_time(self) -> None:
        visit = self._need_visit()
        if visit is None:
            return
        from salesdesk.screens.visit_edit import VisitEdit, VisitEditScreen

        app = self.sd_app

        def edited(edit: VisitEdit | None) -> None:
            if edit is None:
                return
            self._do(
                lambda: visits.set_time(
                    app.db,
                    app.now(),
                    visit.id,
                    edit.start,
                    edit.minutes,
                    edit.purpose,
                ),
                f"{visit.name}: {edit.start or 'any time'}",
                keep=visit.id,
            )

        title = f"Visit {one_line(visit.name)} on {day_name(visit.day)}"
        self.app.push_screen(
            VisitEditScreen(title, visit.start, visit.minutes, visit.purpose), edited
        )

    def action_done(self) -> None:
        visit = self._need_visit()
        if visit is None:
            return
        if visit.status == "done":
            self.notify("This visit is already done (u undoes)", severity="warning")
            return
        from salesdesk.screens.visit_outcome import Outcome, OutcomeScreen

        app = self.sd_app

        def done(outcome: Outcome | None) -> None:
            if outcome is None:
                return
            self._do(
                lambda: visits.mark_done(
                    app.db,
                    app.now(),
                    visit.id,
                    outcome.note,
                    next_date=outcome.next_date,
                    next_action=outcome.next_action,
                    next_topic=outcome.next_topic or None,
                    clear_next=outcome.next_date is None,
                ),
                f"{message} · {next_step_said(outcome.next_date, self.today)}",
                keep=visit.id,
            )

        message = f"Visit to {visit.name} done: on the card's timeline"
        if visit.day > self.today:  # done ahead of its day: it is dated today
            message += f" (dated today, {self.today:%a} {self.today.day} {self.today:%b}"
            if self.today.weekday() == 6:  # the week view shows Monday to Saturday
                message += "; the month view shows it)"
            else:
                message += ")" if self.today in self.period else "; . shows it)"
        self.app.push_screen(OutcomeScreen(visit, self.today), done)

    def _status(self, verb: str, func: Callable[..., None]) -> None:
        visit = self._need_visit()
        if visit is None:
            return
        app = self.sd_app
        self._do(
            lambda: func(app.db, app.now(), visit.id),
            f"{visit.name}: {verb} (u undoes)",
            keep=visit.id,
        )

    def action_missed(self) -> None:
        self._status("missed", visits.mark_missed)

    def action_cancel_visit(self) -> None:
        self._status("cancelled", visits.cancel_visit)

    def action_delete_visit(self) -> None:
        visit = self._need_visit()
        if visit is None:
            return
        app = self.sd_app
        from rich.text import Text

        from salesdesk.screens.confirm import ConfirmScreen

        def answer(ok: bool | None) -> None:
            if ok:
                self._do(
                    lambda: visits.delete_visit(app.db, app.now(), visit.id),
                    f"Deleted the visit to {visit.name} on {day_name(visit.day)} (u undoes)",
                )

        question = Text("Delete the visit to ")
        question.append(one_line(visit.name), style="bold")
        question.append(f" on {day_name(visit.day)}? (c cancels it instead, kept for the "
                        "calendar)")
        self.app.push_screen(ConfirmScreen(question), answer)

    def action_undo(self) -> None:
        if self.undo_last() is not None:
            self.load(keep_visit=self.visit.id if self.visit else None)

    def action_redo(self) -> None:
        if self.redo_last() is not None:
            self.load(keep_visit=self.visit.id if self.visit else None)

    def action_export(self) -> None:
        from salesdesk.data.io.ics import default_ics_path, write_ics
        from salesdesk.screens.ics_export import ExportScreen

        if self.view is None:
            return
        rows = self.view.visits
        app = self.sd_app
        what = "this week" if self.kind == "week" else self.period.title

        alarm = int(store.get_setting(app.db, "visit_alarm_minutes"))

        def write(path: Path) -> int:
            return write_ics(path, rows, app.now(), alarm_minutes=alarm)

        def written(message: str | None) -> None:
            if message:
                self.notify(one_line(message), markup=False, timeout=5)

        self.app.push_screen(ExportScreen(what, default_ics_path(), write), written)
