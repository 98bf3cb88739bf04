"""Colours of the MAN verdicts, shared by the MAN screen, the board and the CLI."""

from __future__ import annotations

from salesdesk.rules.man import Verdict

VERDICT_STYLE: dict[Verdict, str] = {
    Verdict.QUALIFIED: "bold #46a758",
    Verdict.CONTACT: "bold #f5a524",
    Verdict.NURTURE: "bold #3e9ee0",
    Verdict.DROP: "bold #e5484d",
    Verdict.INCOMPLETE: "bold #8b8d98",
}
