"""The Conflicts screen (``ctrl+p`` → Check-in conflicts): in a check-out file, the rows
changed both here and on the server since the check-out, each with the fields that
differ; ``m`` keeps this file's version (sent at the next check-in), ``t`` the server's.
The same as ``salesdesk conflicts``, one key per choice. Conflicts are few: one Static."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from salesdesk import keys
from salesdesk.data.checkout import Conflict, checkout_source, conflicts, resolve
from salesdesk.render import palette
from salesdesk.render.conflicts import conflict_title, difference_lines
from salesdesk.screens.base import SalesDeskScreen
from salesdesk.widgets.fitting_footer import FittingFooter


class ConflictsScreen(SalesDeskScreen[None]):
    """Both versions of each conflicting row, and the choice between them."""

    BINDINGS: ClassVar[list[BindingType]] = keys.CONFLICTS
    HELP_TITLE = "check-in conflicts"
    AUTO_FOCUS = ""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[Conflict] | None = None
        self.source = ""  # the server this file was checked out from ('' : not a check-out)
        self.index = 0

    @property
    def ready(self) -> bool:
        return self.found is not None

    def compose(self) -> ComposeResult:
        yield Static(id="conflicts-title")
        with VerticalScroll(id="conflicts-body", can_focus=False):
            yield Static(id="conflicts-list")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.load()

    @property
    def current(self) -> Conflict | None:
        found = self.found or []
        return found[self.index] if 0 <= self.index < len(found) else None

    def load(self) -> None:
        db = self.sd_app.db
        ok, source = self.run_change(lambda: checkout_source(db))
        self.source = source if ok and source else ""
        found: list[Conflict] = []
        if self.source:
            ok, listed = self.run_change(lambda: conflicts(db))
            found = listed if ok and listed else []
        self.found = found
        self.index = max(0, min(self.index, len(found) - 1))
        self.show()

    def show(self) -> None:
        found = self.found or []
        title = Text("Check-in conflicts", style="bold")
        if self.source:
            title.append(f"  {len(found)}", style=palette.ALERT if found else "")
            title.append(" · rows changed here and on the server", style="dim")
        self.query_one("#conflicts-title", Static).update(title)
        lines: list[Text] = []
        if not self.source:
            lines.append(Text("This file is not a check-out, so it has no conflicts. On the "
                              "road: salesdesk checkout URL --to FILE, work in that file, "
                              "then salesdesk checkin --db FILE.", style="dim"))
        elif not found:
            lines.append(Text("No conflicts: everything checked in went through. esc goes "
                              "back to the board.", style="dim"))
        for position, item in enumerate(found):
            line = Text("▶ " if position == self.index else "  ", style="bold")
            line.append_text(conflict_title(item.id, item.table, item.mine, item.theirs))
            if position == self.index:
                line.stylize(f"on {palette.SELECTED_ACTIVE_BG}")
            lines.append(line)
            lines += difference_lines(item.mine, item.theirs)
        if found:
            lines += [Text(""), Text("m keeps mine (sent at the next check-in) · t keeps the "
                                     "server's · j k move · esc back", style="dim")]
        self.query_one("#conflicts-list", Static).update(Text("\n").join(lines))

    # ------------------------------------------------------------------ keys
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "keep" and self.current is None)

    def action_cursor(self, delta: int) -> None:
        if self.found:
            self.index = max(0, min(len(self.found) - 1, self.index + delta))
            self.show()

    def action_keep(self, side: str) -> None:
        item = self.current
        if item is None:
            return
        app = self.sd_app
        ok, _ = self.run_change(lambda: resolve(app.db, item.id, side, app.now()))
        if ok:
            said = ("kept mine: salesdesk checkin sends it" if side == "mine"
                    else "kept the server's")
            self.notify(f"Conflict {item.id}: {said}", markup=False, timeout=3)
            self.load()
            self.refresh_bindings()

    def action_back(self) -> None:
        self.dismiss(None)
