"""Why a card was dropped or lost: a short list (counted in the weekly review) plus the
rep's own words. Typed as a number, a word of the label, or in Chinese."""

from __future__ import annotations

from salesdesk.errors import InputError

#: (stored key, what the rep reads), in the order the forms number them.
REASONS: tuple[tuple[str, str], ...] = (
    ("price", "price"),
    ("budget", "no budget"),
    ("competitor", "chose a competitor"),
    ("need", "no need"),
    ("silent", "no response"),
    ("other", "other"),
)
REASON_LABELS = dict(REASONS)
#: Other words a rep may type for a reason.
_ALIASES = {
    "expensive": "price", "cost": "price", "价格": "price", "太贵": "price", "贵": "price",
    "money": "budget", "预算": "budget", "没钱": "budget", "没预算": "budget",
    "competition": "competitor", "竞争": "competitor", "竞品": "competitor",
    "对手": "competitor", "竞争对手": "competitor",
    "no need": "need", "不需要": "need", "没需求": "need", "需求": "need",
    "no response": "silent", "no answer": "silent", "不回": "silent", "没回复": "silent",
    "联系不上": "silent", "失联": "silent",
    "其他": "other", "其它": "other",
}


def reason_menu() -> str:
    """``1 price · 2 no budget · 3 chose a competitor · ...``"""
    return " · ".join(f"{i} {label}" for i, (_key, label) in enumerate(REASONS, 1))


def parse_reason(text: str | None) -> str | None:
    """The stored key for what was typed (``3``, ``comp``, ``竞品``, ``price``); None when
    nothing was typed. InputError naming the choices otherwise."""
    value = (text or "").strip().casefold()
    if not value:
        return None
    if value.isdecimal() and value.isascii():
        number = int(value)
        if 1 <= number <= len(REASONS):
            return REASONS[number - 1][0]
    if value in REASON_LABELS:
        return value
    if value in _ALIASES:
        return _ALIASES[value]
    found = {key for key, label in REASONS
             if key.startswith(value) or label.startswith(value)
             or any(word.startswith(value) for word in label.split())}
    found |= {key for alias, key in _ALIASES.items() if alias.startswith(value)}
    if len(found) == 1:
        return found.pop()
    raise InputError(f"{text!r} is not a reason: use {reason_menu()} (or leave it empty)")


def reason_said(reason: str | None, note: str = "") -> str:
    """``chose a competitor: went with Acme`` (the label, the rep's words, or both)."""
    label = REASON_LABELS.get(reason or "", "")
    words = " ".join(note.split())
    if label and words:
        return f"{label}: {words}"
    return label or words
