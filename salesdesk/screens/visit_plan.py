"""The visit plan (``v`` from the board): a week (Monday to Saturday) or a month calendar,
with suggestions from the planning rules in a side panel.

The plan is drawn by one line-built widget (:class:`PlanGrid`), not a widget per visit;
suggestions are computed in a thread so a large database never blocks the keys.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from salesdesk import keys
from salesdesk.data import store, visits
from salesdesk.data.db import busy_message
from salesdesk.data.visits import PlanView, VisitRow
from salesdesk.render import palette
from salesdesk.render.cells import fit, two_sides
from salesdesk.render.literal import literal_line
from salesdesk.rules.planning import (
    NO_ROOM,
    WEEKDAY_NAMES,
    Period,
    Suggestion,
    Suggestions,
    due_words,
    month_of,
    planning_day,
    suggestion_period,
    week_of,
)
from salesdesk.screens.base import SalesDeskScreen
from salesdesk.text import one_line

SUNDAY = 6
MIN_WEEK_CELL = 14  # narrower than this, the week wraps onto two rows of three days
NARROW_SUNDAY = 3  # the month's Sunday column without visits: just the date
SELECTED_BG = f"on {palette.PLAN_SELECTED_BG}"
TODAY_STYLE = palette.TODAY_BADGE
OVER_STYLE = palette.ALERT
FLAG_STYLE = palette.WARNING
NEW_DAY_STYLE = palette.NEW_DAY
STATUS_MARKS = {
    "done": ("✓", palette.DONE_MARK),
    "missed": ("✗", palette.MISSED_MARK),
    "cancelled": ("⊘", "dim"),
}


def _day_name(day: date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day}"


class PlanGrid(Widget, can_focus=True):
    """The week (days side by side, or two rows of three when narrow) or the month grid."""

    DEFAULT_CSS = "PlanGrid { width: 1fr; height: 1fr; padding: 0 1; }"

    class DayClicked(Message):
        def __init__(self, day: date, index: int | None, chain: int) -> None:
            super().__init__()
            self.day = day
            self.index = index
            self.chain = chain

    def __init__(self) -> None:
        super().__init__(id="plan-grid")
        self.view: PlanView | None = None
        self.kind = "week"
        self.selected: date = date.today()
        self.index = 0
        self.today: date = date.today()
        # Where each day was drawn: (day, x, y, width, height, first visit shown).
        self._boxes: list[tuple[date, int, int, int, int, int]] = []

    def show(self, view: PlanView, selected: date, index: int, today: date) -> None:
        self.view, self.kind = view, view.period.kind
        self.selected, self.index, self.today = selected, index, today
        self.refresh()

    # ------------------------------------------------------------------ drawing
    def render(self) -> Text:
        self._boxes = []
        if self.view is None:
            return Text("")
        width, height = self.content_size.width, self.content_size.height
        if width < 10 or height < 3:
            return Text("")
        draw = self._month if self.kind == "month" else self._week
        lines = draw(width, height)
        return Text("\n").join(lines[:height])

    def _week_days(self) -> list[date]:
        assert self.view is not None
        days = [d for d in self.view.days if d.weekday() != SUNDAY]
        sunday = self.view.period.end
        if self.view.days[sunday].visits or self.selected == sunday:
            days.append(sunday)
        return days

    def _week(self, width: int, height: int) -> list[Text]:
        days = self._week_days()
        count = len(days)
        per_row = count
        if (width - (count - 1)) // count < MIN_WEEK_CELL:
            per_row = math.ceil(count / 2)
        rows = math.ceil(count / per_row)
        # Every column is used: the spare ones go to the first days, one each.
        cell_w, spare = divmod(width - (per_row - 1), per_row)
        widths = [cell_w + (1 if col < spare else 0) for col in range(per_row)]
        cell_h = max(3, (height - (rows - 1)) // rows)
        lines: list[Text] = []
        for row in range(rows):
            chunk = days[row * per_row : (row + 1) * per_row]
            cells = []
            x = 0
            for col, day in enumerate(chunk):
                y = row * (cell_h + 1)
                cells.append(self._week_cell(day, widths[col], cell_h, x, y))
                x += widths[col] + 1
            for n in range(cell_h):
                line = Text()
                for col, cell in enumerate(cells):
                    if col:
                        line.append("│", style="dim")
                    line.append_text(cell[n])
                lines.append(line)
            if row < rows - 1:
                lines.append(Text("─" * width, style="dim"))
        return lines

    def _week_cell(self, day: date, width: int, height: int, x: int, y: int) -> list[Text]:
        assert self.view is not None
        plan = self.view.days[day]
        info = plan.info
        selected = day == self.selected
        base = SELECTED_BG if selected else ""
        head = Text(_day_name(day), style=TODAY_STYLE if day == self.today else "bold")
        if info.new_customer_day:
            head.append(" ★", style=NEW_DAY_STYLE)
        count = Text(
            f"{info.count}/{info.capacity}" + ("!" if info.over_capacity else ""),
            style=OVER_STYLE if info.over_capacity else "dim",
        )
        lines = [two_sides(head, count, width)]
        room = (height - 1) // 2
        shown = list(plan.visits)
        first = 0
        if len(shown) > room:
            room = max(1, (height - 2) // 2)
            if selected:
                first = min(max(0, self.index - room + 1), len(shown) - room)
        for index, visit in enumerate(shown[first : first + room], start=first):
            lines.extend(self._visit_lines(visit, width, selected and index == self.index))
        hidden = len(shown) - room
        if hidden > 0:
            lines.append(fit(Text(f"+{hidden} more (j/k)", style="dim italic"), width))
        if not shown:
            if info.new_customer_day:
                lines.append(fit(Text("new prospects only", style=NEW_DAY_STYLE), width))
            if selected and day >= self.today:
                lines.append(fit(Text("n: add a visit", style="dim"), width))
        while len(lines) < height:
            lines.append(Text(" " * width))
        self._boxes.append((day, x, y, width, height, first))
        out = []
        for line in lines[:height]:
            if base:
                line.stylize_before(base)
            out.append(line)
        return out

    def _visit_lines(self, visit: VisitRow, width: int, current: bool) -> list[Text]:
        """Two lines: the name (the whole width of the day, so it stays readable) with its
        marks, then the time, area and purpose."""
        assert self.view is not None
        flags = self.view.flags(visit)
        cancelled = visit.status == "cancelled"
        first = literal_line(visit.name)
        marks = Text()
        if visit.status in STATUS_MARKS:
            mark, style = STATUS_MARKS[visit.status]
            marks.append(mark, style=style)
        if flags.messages:
            marks.append("⚠", style=FLAG_STYLE)
        line1 = two_sides(first, marks, width)
        detail = Text(visit.start or "--:--", style="bold" if visit.start else "dim")
        rest = Text(" ", style="dim")
        if visit.area:
            rest.append_text(literal_line(visit.area))
            if visit.purpose:
                rest.append(" · ")
        rest.append_text(literal_line(visit.purpose))
        rest.stylize("dim")
        detail.append_text(rest)
        line2 = fit(detail, width)
        if cancelled:
            line1.stylize("dim strike")
            line2.stylize("dim strike")
        if current:
            line1.stylize("reverse")
            line2.stylize("reverse")
        return [line1, line2]

    def _month_widths(self, width: int) -> list[int]:
        """The seven column widths, filling ``width`` with the six separators: Sunday (not
        a working day) is only as wide as its date when the month has no Sunday visit, and
        the columns left over go to the first days, one each."""
        assert self.view is not None
        sundays = [p for d, p in self.view.days.items() if d.weekday() == SUNDAY]
        inner = width - 6
        sunday_w = 0
        if not any(p.visits for p in sundays) and inner // 7 > NARROW_SUNDAY:
            sunday_w = NARROW_SUNDAY
        days = 6 if sunday_w else 7
        cell_w, spare = divmod(inner - sunday_w, days)
        widths = [cell_w + (1 if col < spare else 0) for col in range(days)]
        return widths + ([sunday_w] if sunday_w else [])

    def _month(self, width: int, height: int) -> list[Text]:
        assert self.view is not None
        period = self.view.period
        start = period.start - timedelta(days=period.start.weekday())
        weeks = math.ceil(((period.end - start).days + 1) / 7)
        widths = self._month_widths(width)
        xs = [sum(widths[:col]) + col for col in range(7)]
        body = height - 1
        separators = body >= weeks * 3 + (weeks - 1)
        cell_h = max(1, (body - (weeks - 1 if separators else 0)) // weeks)
        header = Text()
        for col, name in enumerate(WEEKDAY_NAMES):
            if col:
                header.append(" ")
            header.append_text(fit(Text(name, style="bold" if col < 6 else "dim"), widths[col]))
        lines = [header]
        for week in range(weeks):
            cells = []
            for col in range(7):
                day = start + timedelta(days=week * 7 + col)
                y = 1 + week * (cell_h + (1 if separators else 0))
                cells.append(self._month_cell(day, widths[col], cell_h, xs[col], y))
            for n in range(cell_h):
                line = Text()
                for col, cell in enumerate(cells):
                    if col:
                        line.append("│", style="dim")
                    line.append_text(cell[n])
                lines.append(line)
            if separators and week < weeks - 1:
                lines.append(Text("─" * width, style="dim"))
        return lines

    def _month_cell(self, day: date, width: int, height: int, x: int, y: int) -> list[Text]:
        assert self.view is not None
        blank = [Text(" " * width) for _ in range(height)]
        plan = self.view.days.get(day)
        if plan is None:
            return blank
        info = plan.info
        head = Text(f"{day.day:>2}", style=TODAY_STYLE if day == self.today else "bold")
        if day.weekday() == SUNDAY and day != self.today:
            head.stylize("dim")
        if info.new_customer_day:
            head.append("★", style=NEW_DAY_STYLE)
        count = Text()
        if info.count:
            count = Text(
                f"{info.count}/{info.capacity}" + ("!" if info.over_capacity else ""),
                style=OVER_STYLE if info.over_capacity else "",
            )
        flagged = any(self.view.flags(v).messages for v in plan.visits)
        if flagged:
            count.append("⚠", style=FLAG_STYLE)
        if height == 1 or head.cell_len + 1 + count.cell_len <= width:
            lines = [two_sides(head, count, width)]
        else:
            lines = [fit(head, width), fit(count, width)]
        room = height - len(lines)
        if len(plan.visits) > room:
            room -= 1  # the last line says how many more (the count says it on one line)
        for visit in plan.visits[: max(0, room)]:
            # The name on its own line, over the whole width (the times are in the line at
            # the bottom for the selected day, and in the week).
            marks = Text()
            if visit.status in STATUS_MARKS:
                mark, style = STATUS_MARKS[visit.status]
                marks.append(mark, style=style)
            if self.view.flags(visit).messages:
                marks.append("⚠", style=FLAG_STYLE)
            text = two_sides(literal_line(visit.name), marks, width)
            if visit.status == "cancelled":
                text.stylize("dim strike")
            lines.append(text)
        extra = len(plan.visits) - max(0, room)
        if extra > 0 and room > 0:
            more = f"+{extra} more" if width >= len(f"+{extra} more") else f"+{extra}"
            lines.append(fit(Text(more, style="dim italic"), width))
        lines.extend(Text(" " * width) for _ in range(height - len(lines)))
        if day == self.selected:
            for line in lines:
                line.stylize_before(SELECTED_BG)
        self._boxes.append((day, x, y, width, height, 0))
        return lines[:height]

    # ------------------------------------------------------------------ mouse
    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for day, x, y, width, height, first in self._boxes:
            if x <= offset.x < x + width and y <= offset.y < y + height:
                index = None
                if self.kind == "week" and offset.y > y:
                    index = first + (offset.y - y - 1) // 2
                self.post_message(self.DayClicked(day, index, event.chain))
                return


class VisitPlanScreen(SalesDeskScreen[None]):
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
    """

    def __init__(self) -> None:
        super().__init__()
        self.kind = "week"
        self.selected: date | None = None
        self.index = 0
        self.view: PlanView | None = None
        self.suggestions: Suggestions | None = None  # what the shown period shows
        # One computation for the month of the selected day (planning.suggestion_period),
        # shared by the week and the month views: (span, today, result).
        self._computed: tuple[Period, date, Suggestions] | None = None
        self.suggestion_error = ""
        self.waiting = 0  # suggestions without room in the period

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static(id="plan-title")
        with Horizontal(id="plan-body"):
            yield PlanGrid()
            with Vertical(id="plan-side"):
                yield Static(id="side-title")
                yield Static(id="side-empty")
                yield OptionList(id="suggestions")
                yield Static(id="side-hint")
        yield Static(id="plan-detail")
        yield Footer()

    @property
    def grid(self) -> PlanGrid:
        return self.query_one(PlanGrid)

    @property
    def today(self) -> date:
        return self.sd_app.today()

    @property
    def day(self) -> date:
        return self.selected or self.today

    @property
    def period(self) -> Period:
        return month_of(self.day) if self.kind == "month" else week_of(self.day)

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
        # Narrow: the days need the width more than the suggestions (which wrap).
        side = 28 if self.app.size.width < 100 else 30
        self.query_one("#plan-side").styles.width = side

    # ------------------------------------------------------------------ data
    def load(self, keep_visit: int | None = None, suggest: bool = True) -> None:
        """Read the shown period's visits again; recompute suggestions in a thread (with
        ``suggest=False``, reuse those worked out for the selected day's month, if any)."""
        db = self.sd_app.db
        period = self.period
        try:
            self.view = visits.plan_view(db, period)
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
            self.suggestions = None
            self._draw_side()
            self.compute_suggestions(span, today)
            return
        self.suggestions = self._computed[2].within(self.period)
        self._draw_side()

    def _clamp_index(self) -> None:
        count = len(self._day_visits())
        self.index = max(0, min(self.index, count - 1))

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

    @work(thread=True, exclusive=True, group="suggest")
    def compute_suggestions(self, span: Period, today: date) -> None:
        db = self.sd_app.db
        try:
            found = visits.span_suggestions(db, span, today)
            error = ""
        except Exception as exc:
            error = busy_message(exc) or f"suggestions failed: {exc}"
            found = Suggestions(())
        self.app.call_from_thread(self._suggested, span, today, found, error)

    def _suggested(self, span: Period, today: date, found: Suggestions, error: str) -> None:
        if not self.is_mounted or (span, today) != (self.span, self.today):
            return
        self._computed = None if error else (span, today, found)
        self.suggestions = found.within(self.period)
        self.suggestion_error = error
        self._draw_side()

    # ------------------------------------------------------------------ drawing
    def _draw(self) -> None:
        if self.view is None:
            return
        self.grid.show(self.view, self.day, self.index, self.today)
        self._draw_title()
        self._draw_detail()
        self._draw_hint()

    def _draw_title(self) -> None:
        assert self.view is not None
        line = Text("Visits · ", style="bold")
        line.append(self.view.period.title, style="bold")
        rows = self.view.visits
        planned = sum(1 for v in rows if v.status == "planned")
        done = sum(1 for v in rows if v.status == "done")
        line.append(f" · {planned} planned, {done} done", style="dim")
        over = [p.info.day for p in self.view.days.values() if p.info.over_capacity]
        if over:
            line.append(f" · {len(over)} over capacity", style=OVER_STYLE)
        flagged = sum(1 for v in rows if v.active and self.view.flags(v).messages)
        if flagged:
            line.append(f" · ⚠ {flagged} to check", style=FLAG_STYLE)
        special = [p.info.day for p in self.view.days.values() if p.info.new_customer_day]
        if special:
            line.append(f" · ★ {_day_name(special[0])} new-customer day", style=NEW_DAY_STYLE)
        self.query_one("#plan-title", Static).update(line)

    def _draw_detail(self) -> None:
        assert self.view is not None
        visit = self.visit
        day = self.day
        text = Text()
        if visit is not None:
            text.append(f"#{visit.id} ", style="dim")
            text.append(f"{day:%a} {day.day} {day:%b}", style="bold")
            if visit.start:
                end = ""
                if visit.minutes:
                    h, m = divmod(
                        int(visit.start[:2]) * 60 + int(visit.start[3:]) + visit.minutes, 60
                    )
                    end = f"–{h % 24:02d}:{m:02d}"
                text.append(f" {visit.start}{end}", style="bold")
            text.append("  ")
            text.append_text(literal_line(visit.name, style="bold"))
            if visit.company:
                text.append(" (")
                text.append_text(literal_line(visit.company))
                text.append(")")
            for part in (visit.area, visit.purpose):
                if part:
                    text.append(" · ")
                    text.append_text(literal_line(part))
            text.append(f"  [{visit.status}]", style="dim")
            second = Text()
            for message in self.view.flags(visit).messages:
                second.append(f"⚠ {message}  ", style=FLAG_STYLE)
            if visit.outcome:
                second.append("→ ", style="dim")
                second.append_text(literal_line(visit.outcome))
            elif visit.phone or visit.address:
                second.append_text(
                    literal_line(
                        " · ".join(p for p in (visit.phone, visit.address) if p), style="dim"
                    )
                )
            text.append("\n")
            text.append_text(second)
        else:
            plan = self.view.days.get(day)
            text.append(f"{day:%A} {day.day} {day:%b}", style="bold")
            if plan is not None:
                info = plan.info
                text.append(
                    f"  {info.count}/{info.capacity} visits",
                    style=OVER_STYLE if info.over_capacity else "",
                )
                if info.new_customer_day:
                    text.append("  ★ new-customer day: new prospects only", style=NEW_DAY_STYLE)
                if self.kind == "month" and plan.visits:
                    text.append("\n")
                    for visit in plan.visits:
                        text.append(f"{visit.start or '--:--'} ", style="dim")
                        text.append_text(literal_line(visit.name))
                        text.append("  ")
                    text.append(" enter: this week", style="dim")
            if not self.view.visits:
                text.append("\nNo visits here yet: ", style="dim")
                text.append("n", style="bold")
                text.append(" adds one for a prospect, ", style="dim")
                text.append("a", style="bold")
                text.append(" accepts a suggestion.", style="dim")
        self.query_one("#plan-detail", Static).update(text)

    def _draw_hint(self) -> None:
        hint = Text()
        hint.append("a", style="bold")
        hint.append(" its day  ")
        hint.append("A", style="bold")
        hint.append(f" on {_day_name(self.day)}")
        if self.waiting:
            hint.append(f"\n+{self.waiting} more without room", style="dim")
        self.query_one("#side-hint", Static).update(hint)

    def _draw_side(self) -> None:
        title = Text("Suggestions", style="bold")
        empty = self.query_one("#side-empty", Static)
        options = self.query_one("#suggestions", OptionList)
        found = self.suggestions
        if found is None:
            self.waiting = 0
            title.append("  …", style="dim")
            empty.update(Text("working out who to see…", style="dim"))
            empty.display = True
            options.display = False
            self.query_one("#side-title", Static).update(title)
            return
        period = self.period
        placed = sum(1 for s in found if s.day is not None and s.day in period)
        title.append(f"  {placed}", style=palette.WARNING if placed else "dim")
        self.waiting = sum(1 for s in found if s.day is None) + found.more
        self._draw_hint()
        self.query_one("#side-title", Static).update(title)
        if not found.items:
            if self.suggestion_error:
                message = self.suggestion_error
            elif self.period.end < self.today:
                message = "This period is over: ] goes to a later one."
            elif store.count_prospects(self.sd_app.db) == 0:
                message = (
                    "No prospects yet: add them on the board (n) or import your contacts "
                    "(i), and visits will be suggested here."
                )
            else:
                message = (
                    "Nothing to suggest: every card is in its rhythm. "
                    "n adds a visit for any prospect."
                )
            empty.update(Text(message, style="dim"))
            empty.display = True
            options.display = False
            return
        empty.display = False
        options.display = True
        keep = options.highlighted or 0
        options.clear_options()
        for s in found:
            options.add_option(Option(self._suggestion_text(s), id=str(s.prospect_id)))
        options.highlighted = min(keep, len(found) - 1)

    def _suggestion_text(self, s: Suggestion) -> Text:
        text = Text()
        if s.day is not None:
            # A day after the shown period (no room in it before): with its month.
            later = "" if s.day in self.period else f" {s.day:%b}"
            text.append(_day_name(s.day) + later, style="bold")
            if s.start:
                text.append(f" {s.start}", style="bold")
        else:
            text.append("no room", style=palette.WARNING)
            text.append(f" ({due_words(s, self.today)})", style=palette.WARNING_TEXT)
        text.append(" ")
        text.append_text(literal_line(s.name, style="bold"))
        if s.area:
            text.append(" · ", style="dim")
            text.append_text(literal_line(s.area, style="dim"))
        text.append("\n")
        text.append_text(literal_line(s.reason, style="italic"))
        if s.warning:
            text.append("\n")
            text.append(f"⚠ {one_line(s.warning)}", style=FLAG_STYLE)
        if s.note and (s.day is not None or s.note != NO_ROOM):
            text.append("\n")
            text.append(one_line(s.note), style="dim" if s.day else palette.WARNING_TEXT)
        return text

    @property
    def suggestion(self) -> Suggestion | None:
        if self.suggestions is None or not self.suggestions.items:
            return None
        options = self.query_one("#suggestions", OptionList)
        index = options.highlighted
        if index is None or not 0 <= index < len(self.suggestions.items):
            return None
        return self.suggestions.items[index]

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
        if self.focused is self.query_one("#suggestions", OptionList):
            options = self.query_one("#suggestions", OptionList)
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
        options = self.query_one("#suggestions", OptionList)
        if self.focused is options or not options.display:
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
            f"Planned {s.name} on {_day_name(day)}",
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
                    f"Planned {pick.name} on {_day_name(day)}",
                )

            title = f"Visit {one_line(pick.name)} on {_day_name(day)}"
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
            f"{visit.name}: moved to {_day_name(target)}",
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

        title = f"Visit {one_line(visit.name)} on {_day_name(visit.day)}"
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
                message,
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
        self._do(
            lambda: visits.delete_visit(app.db, app.now(), visit.id),
            f"Deleted the visit to {visit.name} (u undoes)",
        )

    def action_undo(self) -> None:
        if self.undo_last() is not None:
            self.load(keep_visit=self.visit.id if self.visit else None)

    def action_export(self) -> None:
        from salesdesk.data.io.ics import default_ics_path, write_ics
        from salesdesk.screens.ics_export import ExportScreen

        if self.view is None:
            return
        rows = self.view.visits
        app = self.sd_app
        what = "this week" if self.kind == "week" else self.period.title

        def write(path: Path) -> int:
            return write_ics(path, rows, app.now())

        def written(message: str | None) -> None:
            if message:
                self.notify(one_line(message), markup=False, timeout=5)

        self.app.push_screen(ExportScreen(what, default_ics_path(), write), written)

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

    def on_unmount(self) -> None:
        self.workers.cancel_group(self, "suggest")
