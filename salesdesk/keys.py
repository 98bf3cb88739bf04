"""Keys are data: every binding lives here, with the description the Footer, the ``?`` help
screen and the command palette all show. Change a key here and every place follows."""

from __future__ import annotations

from textual.binding import Binding

BOARD: list[Binding] = [
    Binding("left,h", "column(-1)", "Column left", show=False),
    Binding("right,l", "column(1)", "Column right", show=False),
    Binding("up,k", "move(-1)", "Previous card", show=False),
    Binding("down,j", "move(1)", "Next card", show=False),
    Binding("pageup", "page(-1)", "Page up", show=False),
    Binding("pagedown", "page(1)", "Page down", show=False),
    Binding("home,g", "jump('top')", "First card", show=False),
    Binding("end,G", "jump('bottom')", "Last card", show=False),
    Binding("a", "regrade('A')", "Grade A"),
    Binding("b", "regrade('B')", "Grade B"),
    Binding("c", "regrade('C')", "Grade C"),
    Binding("enter", "open_card", "Open"),
    Binding("t", "log_touch", "Log touch"),
    Binding("d", "next_date", "Next date"),
    Binding("n", "new_prospect", "New"),
    Binding("slash", "filter", "Filter"),
    Binding("u", "undo", "Undo"),
    Binding("o", "toggle_closed", "Customers/closed"),
    Binding("p", "park", "Park", show=False),
    Binding("x", "drop", "Drop", show=False),
    Binding("W", "won", "Won", show=False),
    Binding("r", "reload", "Reload", show=False),
    Binding("D", "load_demo", "Load demo data", show=False),
    Binding("escape", "clear_filter", "Clear filter", show=False),
    Binding("q", "app.quit", "Quit"),
]

APP: list[Binding] = [
    Binding("question_mark", "help", "Help", key_display="?"),
    Binding("ctrl+q", "quit", "Quit", show=False),
]

DETAIL: list[Binding] = [
    Binding("escape", "back", "Back"),
    Binding("ctrl+s", "save", "Save"),
    Binding("ctrl+t", "log_touch", "Log touch"),
    Binding("ctrl+u", "undo", "Undo"),
]

FORM: list[Binding] = [
    Binding("escape", "cancel", "Cancel"),
    Binding("ctrl+s", "submit", "Save"),
]

TOUCH_KINDS: dict[str, str] = {
    "c": "call", "v": "visit", "m": "message", "e": "email", "g": "meeting", "o": "note",
}
