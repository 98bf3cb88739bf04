"""The visit plan's calendar: the week (days side by side, or two rows of three when
narrow) or the month, drawn as lines of text by one widget (no widget per visit)."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import NamedTuple

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from salesdesk.data.visits import PlanView, VisitRow
from salesdesk.render.cells import fit, two_sides
from salesdesk.render.literal import literal_line
from salesdesk.render.plan_lines import (
    FLAG_STYLE,
    NEW_DAY_STYLE,
    OVER_STYLE,
    SELECTED_BG,
    STATUS_MARKS,
    SUNDAY,
    TODAY_STYLE,
    day_name,
)
from salesdesk.rules.planning import WEEKDAY_NAMES, DayInfo

MIN_WEEK_CELL = 14  # narrower than this, the week wraps onto two rows of three days
NARROW_SUNDAY = 3  # the month's Sunday column without visits: just the date


def day_count(info: DayInfo, flagged: bool, room: int) -> Text:
    """A month day's count in at most ``room`` cells, on the date's line (never on a line
    of its own, where it would read as a name): ``3/4⚠``, else ``3⚠``, else ``3``."""
    over = "!" if info.over_capacity else ""
    flag = "⚠" if flagged else ""
    if not info.count:
        forms = [flag]
    else:
        forms = [f"{info.count}/{info.capacity}{over}{flag}", f"{info.count}{over}{flag}",
                 f"{info.count}{flag}", f"{info.count}"]
    text = next((form for form in forms if len(form) <= room), "")
    count = Text(text, style=OVER_STYLE if info.over_capacity else "")
    if flag and flag in text:
        count.stylize(FLAG_STYLE, len(text) - 1)
    return count


class DayBox(NamedTuple):
    """Where a day was drawn (cells, inside the widget) and its first visit shown."""

    day: date
    x: int
    y: int
    width: int
    height: int
    first: int


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
        #: Where each day was drawn, for the mouse (and for tests that click a day).
        self.boxes: list[DayBox] = []

    def show(self, view: PlanView, selected: date, index: int, today: date) -> None:
        self.view, self.kind = view, view.period.kind
        self.selected, self.index, self.today = selected, index, today
        self.refresh()

    # ------------------------------------------------------------------ drawing
    def render(self) -> Text:
        self.boxes = []
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
        head = Text(day_name(day), style=TODAY_STYLE if day == self.today else "bold")
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
        self.boxes.append(DayBox(day, x, y, width, height, first))
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
        flagged = any(self.view.flags(v).messages for v in plan.visits)
        lines = [two_sides(head, day_count(info, flagged, width - head.cell_len - 1), width)]
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
        self.boxes.append(DayBox(day, x, y, width, height, 0))
        return lines[:height]

    # ------------------------------------------------------------------ mouse
    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for box in self.boxes:
            x, y = box.x, box.y
            if x <= offset.x < x + box.width and y <= offset.y < y + box.height:
                index = None
                if self.kind == "week" and offset.y > y:
                    index = box.first + (offset.y - y - 1) // 2
                self.post_message(self.DayClicked(box.day, index, event.chain))
                return
