"""Every colour SalesDesk shows, by name: the one place a colour is chosen.

Python code names a colour or a style from here, never a hex code. The TUI's stylesheet
gets the same colours as ``$variables`` (``$sd-grade-a``, ``$sd-warning`` ...: see
:data:`CSS_VARIABLES`, which the app hands to Textual), so ``app.tcss`` names them too.
The command line's own styles (:data:`CLI_GRADE_STYLE`) use the terminal's named colours,
so they follow the rep's terminal theme.
"""

from __future__ import annotations

from salesdesk.enums import Status
from salesdesk.rules.man import Tri, Verdict

# ---------------------------------------------------------------- the colours
RED = "#e5484d"  # grade A; a missing MAN element; stop contact
AMBER = "#f5a524"  # grade B; due, today; warnings; keys in the help
GREEN = "#46a758"  # grade C; present; pool target reached; done
BLUE = "#3e9ee0"  # customers; nurture
GREY = "#8b8d98"  # parked; incomplete
DARK_GREY = "#6b6e76"  # dropped and lost
BRIGHT_RED = "#ff6b6b"  # overdue, over capacity, past the window: act now
PURPLE = "#c084fc"  # the new-customer day
GOLD = "#ffd700"  # the key-account star
WHITE = "#ffffff"
INK = "#0b0d12"  # dark text on a bright background
ALARM_BG = "#c62828"  # behind an overdue date
SECONDARY = "#b0b0b0"  # a company, days since the last touch
SEPARATOR = "#707070"  # the dots between parts of a line
VALUE = "#d0d0d0"  # a card's amount
SELECTED_ACTIVE_BG = "#2b3040"  # the selected card in the active column
SELECTED_BG = "#23262e"  # the selected card in another column
PLAN_SELECTED_BG = "#253247"  # the selected day of the visit plan
FLASH_BG = "#4a3f1a"  # a card that just moved column (regraded), for a moment

# ---------------------------------------------------------------- what they mean
GRADE_COLOURS: dict[str, str] = {"A": RED, "B": AMBER, "C": GREEN}
STATUS_COLOURS: dict[Status, str] = {
    Status.CUSTOMER: BLUE,
    Status.PARKED: GREY,
    Status.DROPPED: DARK_GREY,
    Status.LOST: DARK_GREY,
}
#: The colour of a card or a column that is neither a grade nor a known status.
QUIET = DARK_GREY

VERDICT_STYLE: dict[Verdict, str] = {
    Verdict.QUALIFIED: f"bold {GREEN}",
    Verdict.CONTACT: f"bold {AMBER}",
    Verdict.NURTURE: f"bold {BLUE}",
    Verdict.DROP: f"bold {RED}",
    Verdict.INCOMPLETE: f"bold {GREY}",
}
#: A MAN answer: present, missing, not asked yet.
ANSWER_STYLE: dict[Tri, str] = {
    Tri.YES: f"bold {GREEN}",
    Tri.NO: f"bold {RED}",
    Tri.UNKNOWN: f"bold {AMBER}",
}

WARNING = f"bold {AMBER}"  # needs a look: due, a flag, no room
WARNING_TEXT = AMBER  # the quieter words that go with a warning
ALERT = f"bold {BRIGHT_RED}"  # act now: overdue, over capacity, regrade
ALERT_TEXT = BRIGHT_RED
GOOD = f"bold {GREEN}"
STOP = f"bold {RED}"
DONE_MARK = f"bold {GREEN}"
MISSED_MARK = f"bold {BRIGHT_RED}"
NEW_DAY = f"bold {PURPLE}"
KEY_ACCOUNT = GOLD
OVERDUE_DATE = f"bold {WHITE} on {ALARM_BG}"
TODAY_DATE = f"bold {AMBER}"
TODAY_BADGE = f"bold {INK} on {AMBER}"
KEY_NAME = f"bold {AMBER}"  # a key's name on the help screen

# ---------------------------------------------------------------- the terminal's own colours
# The command line (and the import report, which reads like its output) uses the
# terminal's named colours, so its output follows the rep's terminal theme.
CLI_GRADE_STYLE: dict[str, str] = {"A": "bold red", "B": "bold yellow", "C": "bold green"}
CLI_ERROR = "red"  # a mistake; a missed visit
CLI_GOOD = "green"  # a visit done
CLI_ALERT = "bold red"  # overdue; over capacity; errors in a file
CLI_WARNING = "yellow"  # no room; columns left out; a warning line
CLI_FLAG = "bold yellow"  # a visit's or a suggestion's ⚠
CLI_NOTE = "cyan"  # what a column was taken for
CLI_NEW_DAY = "magenta"  # the new-customer day
CLI_TREND = "cyan"  # the weekly review's trend bars


#: The colours as Textual CSS variables, for app.tcss (``$sd-grade-a`` ...).
CSS_VARIABLES: dict[str, str] = {
    "sd-grade-a": RED,
    "sd-grade-b": AMBER,
    "sd-grade-c": GREEN,
    "sd-customer": BLUE,
    "sd-quiet": GREY,
    "sd-warning": AMBER,
    "sd-alert": BRIGHT_RED,
    "sd-new-day": PURPLE,
    "sd-key-account": GOLD,
}
