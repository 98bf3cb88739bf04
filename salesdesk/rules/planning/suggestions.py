"""From a card's needs to one suggestion: the lead reason, the firm last day, and what it
says when no day has room."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from salesdesk.rules.planning.needs import Need, cadence_purpose
from salesdesk.rules.planning.rows import ProspectFacts, Suggestion

#: What a suggestion with a firm last day says when no day up to it has room: it waits in
#: the list, unplaced, instead of going on a later day.
NO_ROOM_BY_KIND: dict[str, str] = {
    "a_window": "no room before its window ends: regrade or make room",
    "next_step": "no room by its next-step date: move the step or make room",
    "thank_you": "no room within a week of the purchase: send a card or make room",
    "season": "no room before the season: call or make room",
    "birthday": "no room by the birthday: send a greeting or make room",
}
NO_ROOM = "no room left"  # the others: no free day in the period

#: Reasons with a firm last day (their ``due``), never placed after it; the others ("every
#: N days") fit any day of the period, which leaves room to group visits by area. A firm
#: reason whose day has already passed (``late``) has no last day left: as soon as possible.
FIRM_KINDS = frozenset(NO_ROOM_BY_KIND)


def firm(needs: Iterable[Need]) -> Need | None:
    """The reason whose firm last day comes first (None: no firm last day)."""
    found = [n for n in needs if n.kind in FIRM_KINDS and not n.late]
    return min(found, key=lambda n: n.due) if found else None


def no_room_note(needs: Iterable[Need]) -> str:
    first = firm(needs)
    return NO_ROOM_BY_KIND[first.kind] if first else NO_ROOM


def merge(p: ProspectFacts, needs: list[Need], first: date) -> Suggestion:
    """One suggestion from a card's needs (sorted in place, most pressing first): the lead
    reason and the next one (and the reason of the firm last day, when it is neither),
    the earliest due day, the firm last day and its own day."""
    needs.sort(key=lambda n: -n.weight)
    lead = needs[0]
    firmest = firm(needs)
    listed = needs[:2]
    if firmest is not None and firmest not in listed:
        listed.append(firmest)  # a deadline always names its reason (a birthday's, say)
    # Every date the suggestion shows (its day, when it is due, its last day) comes from a
    # reason it lists: a reason left out of the text never sets a date.
    due = min(n.due for n in listed)
    deadline = firmest.due if firmest else None
    fixed = lead.fixed
    if fixed is None:
        fixed = next((n.fixed for n in listed if n.fixed and n.fixed <= due), None)
    if fixed is not None and deadline is not None and fixed > deadline:
        fixed = None  # a firmer last day comes first (a season call before the next step)
    reason = " · ".join(n.reason for n in listed)
    warning = next((n.warning for n in needs if n.warning), "")
    purpose = lead.purpose or cadence_purpose(p)
    earliest = min((n.earliest or first) for n in listed)
    return Suggestion(
        prospect_id=p.id,
        name=p.name,
        company=p.company,
        area=p.area,
        day=fixed,
        due=max(due, first),
        reason=reason,
        kind=lead.kind,
        purpose=purpose,
        priority=lead.weight,
        warning=warning,
        new_prospect=p.status == "live" and p.last_visit is None,
        earliest=max(earliest, first),
        deadline=deadline,
        urgent=any(n.late for n in listed),
    )
