"""The editable fields of a prospect card: labels, kinds and validation (shared by CLI and TUI)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from salesdesk.enums import CardKind, FollowUp, Stage, Status
from salesdesk.errors import InputError
from salesdesk.rules.amounts import MAX_AMOUNT as MAX_AMOUNT
from salesdesk.rules.amounts import parse_amount
from salesdesk.rules.dates import parse_next_date, parse_optional_date
from salesdesk.rules.grading import Grade
from salesdesk.rules.man import Tri
from salesdesk.rules.step_kinds import STEP_KINDS
from salesdesk.text import one_line


@dataclass(frozen=True)
class FieldSpec:
    """One editable field: how it is labelled, grouped and parsed."""

    name: str
    label: str
    group: str
    kind: str = "text"  # text | long | money | date | bool | choice | int
    choices: tuple[str, ...] = ()
    required: bool = False


def _choices(enum: type) -> tuple[str, ...]:
    return tuple(member.value for member in enum)  # type: ignore[attr-defined]


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "Name", "Identity", required=True),
    FieldSpec("kind", "Card kind", "Identity", "choice", _choices(CardKind)),
    FieldSpec("company", "Company", "Identity"),
    FieldSpec("title", "Title / role", "Identity"),
    FieldSpec("phone", "Phone", "Identity"),
    FieldSpec("email", "Email", "Identity"),
    FieldSpec("wechat", "WeChat 微信", "Identity"),
    FieldSpec("address", "Address", "Identity"),
    FieldSpec("area", "Area / district", "Identity"),
    FieldSpec("source", "Source", "Identity"),
    FieldSpec("tags", "Tags", "Identity"),
    FieldSpec("grade", "Grade", "Status", "choice", _choices(Grade)),
    FieldSpec("status", "Status", "Status", "choice", _choices(Status)),
    FieldSpec("stage", "Stage", "Status", "choice", _choices(Stage)),
    FieldSpec("key_account", "Key account", "Status", "bool"),
    FieldSpec("money", "Money (M)", "Status", "choice", _choices(Tri)),
    FieldSpec("authority", "Authority (A)", "Status", "choice", _choices(Tri)),
    FieldSpec("need", "Need (N)", "Status", "choice", _choices(Tri)),
    FieldSpec("decider", "Decision-maker", "Status"),
    FieldSpec("priority", "Priority 1-4", "Status", "int"),
    FieldSpec("inquiries", "Times they asked", "Status", "int"),
    FieldSpec("next_date", "Next step date", "Next step", "date"),
    FieldSpec("next_action", "Next action", "Next step"),
    # '' (last): no kind, for a card without a next step; left empty, the kind is worked
    # out from the action's words and the last touch (rules.step_kinds).
    FieldSpec("next_kind", "Next step kind", "Next step", "choice", (*STEP_KINDS, "")),
    FieldSpec("next_topic", "Topic for next time", "Next step"),
    FieldSpec("follow_up", "Follow-up", "Visits", "choice", _choices(FollowUp)),
    FieldSpec("revisit_days", "Revisit after days", "Visits", "int"),
    FieldSpec("visit_days", "Preferred visit days", "Visits"),
    FieldSpec("visit_time", "Preferred visit time", "Visits"),
    FieldSpec("product_interest", "Product interest", "Hard profile"),
    FieldSpec("value", "Estimated value", "Hard profile", "money"),
    FieldSpec("purchase_history", "Purchase history", "Hard profile", "long"),
    FieldSpec("size", "Size", "Hard profile"),
    FieldSpec("work", "Work situation", "Soft profile", "long"),
    FieldSpec("family", "Family", "Soft profile"),
    FieldSpec("personality", "Personality", "Soft profile"),
    FieldSpec("habits", "Habits", "Soft profile"),
    FieldSpec("hobbies", "Hobbies", "Soft profile"),
    FieldSpec("contact_style", "Preferred contact style", "Soft profile"),
    FieldSpec("contact_times", "Preferred contact times", "Soft profile"),
    FieldSpec("promotions", "Attitude to promotions", "Soft profile"),
    FieldSpec("values_note", "Values", "Soft profile"),
    FieldSpec("birthday", "Birthday", "Soft profile", "date"),
    FieldSpec("notes", "Notes", "Soft profile", "long"),
    FieldSpec("pot_growth", "Potential: own growth", "Potential", "bool"),
    FieldSpec("pot_plan", "Potential: business plan", "Potential", "bool"),
    FieldSpec("pot_revenue", "Potential: revenue", "Potential", "bool"),
    FieldSpec("pot_opportunity", "Potential: concrete opportunity", "Potential", "bool"),
    FieldSpec("pot_fit", "Potential: solution fit", "Potential", "bool"),
    FieldSpec("pot_competitive", "Potential: our competitiveness", "Potential", "bool"),
    FieldSpec("pot_relationship", "Potential: our relationship", "Potential", "bool"),
)
FIELD_BY_NAME = {spec.name: spec for spec in FIELDS}
MAX_TEXT = 20_000

_TRUE = {"yes", "y", "true", "1", "x", "on"}
_FALSE = {"no", "n", "false", "0", "", "off"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 customer``, ``2 customers`` (``many`` for irregular plurals), with thousands
    separators."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def short_money(value: float) -> str:
    """Compact amount for cards and tables: ``5,300``, ``48k``, ``1.2m``; empty for zero."""
    if not value:
        return ""
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}m"
    if value >= 10_000:
        return f"{value / 1_000:.0f}k"
    return f"{value:,.0f}"


def parse_money(text: str) -> float:
    """An amount the rep types: ``12000``, ``12,000``, ``12k``, ``1.5m``, ``¥8000``, ``3万``;
    written the rep's way (1,234.56), though ``12.500,00`` is read as what it plainly is."""
    return parse_amount(text, "en")


INT_RANGES: dict[str, tuple[int, int]] = {
    "priority": (1, 4),
    "inquiries": (0, 10_000),
    "revisit_days": (1, 3650),
}


def parse_count(name: str, label: str, text: str) -> int | None:
    """A whole number in the field's range; empty means none (0 for counts)."""
    value = text.strip()
    low, high = INT_RANGES.get(name, (0, 1_000_000))
    if not value:
        return 0 if name == "inquiries" else None
    if not value.isdecimal() or not low <= int(value) <= high:
        raise InputError(
            f"invalid {label.lower()} {value!r}: use a whole number from {low} to {high}"
        )
    return int(value)


def parse_field(name: str, text: str, today: date, *, typed: bool = False) -> object:
    """Turn what the user typed for field ``name`` into its stored value, or raise InputError.

    ``typed``: typed by the rep in the card detail, not read from a file. A choice may then
    be any unique beginning (``c`` for customer, ``pro`` for prospective), and a next-step
    date may not be in the past (as in every other form and command)."""
    spec = FIELD_BY_NAME.get(name)
    if spec is None:
        raise InputError(f"unknown field {name!r}")
    if spec.kind == "date":
        if typed and name == "next_date":
            return parse_next_date(text, today)
        return parse_optional_date(text, today)
    if spec.kind == "money":
        return parse_money(text)
    if spec.kind == "int":
        return parse_count(name, spec.label, text)
    if spec.kind == "bool":
        value = text.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise InputError(f"invalid value {text.strip()!r} for {spec.label}: use yes or no")
    if spec.kind == "choice":
        value = text.strip()
        if not value and "" in spec.choices:
            return ""
        matches = [c for c in spec.choices if c.lower() == value.lower()]
        if not matches and typed and value:
            matches = [c for c in spec.choices if c.lower().startswith(value.lower())]
            if len(matches) > 1:
                raise InputError(
                    f"{value!r} could be {' or '.join(matches)}: type more of it"
                )
        if not matches:
            options = ", ".join(c for c in spec.choices if c)
            raise InputError(f"invalid {spec.label.lower()} {value!r}: use one of {options}")
        return matches[0]
    value = text if spec.kind == "long" else text.strip()
    if spec.required and not value.strip():
        raise InputError(f"{spec.label} cannot be empty")
    if len(value) > MAX_TEXT:
        raise InputError(f"{spec.label} is too long ({len(value)} characters, at most {MAX_TEXT})")
    return value


def format_field(name: str, value: object) -> str:
    """The editable text form of a stored value."""
    spec = FIELD_BY_NAME[name]
    if value is None:
        return ""
    if spec.kind == "bool":
        return "yes" if value else "no"
    if spec.kind == "money":
        amount = float(value)  # type: ignore[arg-type]
        return f"{amount:.0f}" if amount == int(amount) else f"{amount:.2f}"
    if spec.kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    return str(value)


#: How much of a long value (notes, work situation) an edit's timeline entry shows.
EDIT_NOTE_CUT = 40


def _brief(name: str, value: object) -> str:
    text = one_line(format_field(name, value))
    if not text:
        return "(empty)"
    return text if len(text) <= EDIT_NOTE_CUT else text[: EDIT_NOTE_CUT - 1] + "…"


def edit_note(changes: Mapping[str, tuple[object, object]]) -> str:
    """What the timeline says about edited fields, old → new: ``next step date:
    2026-11-20 → 2026-11-27; phone: (empty) → 13800138000``. For the rep only: the facts
    are the card's columns (and the undo journal's before-images)."""
    return "; ".join(
        f"{FIELD_BY_NAME[name].label.lower()}: {_brief(name, old)} → {_brief(name, new)}"
        for name, (old, new) in changes.items()
    )
