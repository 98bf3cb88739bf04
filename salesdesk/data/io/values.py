"""Imported text -> card values, and the keys that find duplicates. Pure: ``today`` is given.

Every problem becomes ``(field, reason)`` so the importer can report the row, the column
and the reason without raising.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from salesdesk.data.io.mapping import NAME_PARTS, TIMESTAMPS, TRIM
from salesdesk.errors import InputError
from salesdesk.rules.dates import parse_date
from salesdesk.rules.fields import FIELD_BY_NAME, MAX_TEXT, parse_field, parse_money
from salesdesk.rules.grading import parse_grade

#: A cell starting with one of these is a formula to a spreadsheet (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: What spreadsheets hold for "nothing"; treated as empty (but never for the name).
EMPTY_MARKS = frozenset({"-", "--", "—", "/", "n/a", "na", "none", "null", "无", "暂无", "0/0/00"})
#: A line break here means a broken row (an unclosed quote), not data.
SINGLE_LINE = frozenset({"name", "phone", "email", "wechat", "grade", "value", *NAME_PARTS})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LIST_SPLIT = re.compile(r"\s*(?::::|;|,|\s)\s*")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPACE = re.compile(r"\s+")
_NON_DIGIT = re.compile(r"\D+")
_DIGIT = re.compile(r"\d")
_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})$")
_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_NO_YEAR = re.compile(r"^--(\d{2})-?(\d{2})$")


def neutralise(text: str) -> str:
    """For export: a cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unneutralise(text: str) -> str:
    """For import: undo :func:`neutralise` (an apostrophe before a formula character)."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def parse_import_date(text: str, today: date) -> date | None:
    """ISO and friendly dates, plus 2026/12/01, 2026年12月1日 and unambiguous 1/15/1980."""
    value = text.strip()
    if not value or value.lower() in EMPTY_MARKS:
        return None
    if len(value) > 10 and value[4] == "-" and value[10] in "T ":
        value = value[:10]  # a date and time: keep the day
    match = _YMD.match(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return _make_date(year, month, day, text)
    match = _DMY.match(value)
    if match:
        first, second, year = (int(g) for g in match.groups())
        if year < 100:
            year += 2000 if year <= today.year % 100 else 1900
        if first > 12 >= second:
            return _make_date(year, second, first, text)
        if second > 12 >= first or first == second:
            return _make_date(year, first, second, text)
        raise InputError(f"ambiguous date {value!r}: day/month or month/day? use YYYY-MM-DD")
    return parse_date(value, today)


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InputError(f"invalid date {text.strip()!r}: no such day") from None


def _grade(text: str) -> str:
    return parse_grade(text.strip().rstrip("级类等 ")).value


def _email(text: str) -> str:
    """The first address of a list ("a@x.com; b@y.com", Google's ":::"); other text is kept
    as typed (SalesDesk stores what the rep wrote, so its own exports always import)."""
    if _EMAIL.match(text):
        return text
    first = _LIST_SPLIT.split(text.strip())[0]
    return first if _EMAIL.match(first) else text


def _phone(text: str) -> str:
    first = text.split(":::")[0].strip() if ":::" in text else text
    if not _DIGIT.search(first):
        raise InputError(f"{first!r} is not a phone number (no digits)")
    return first


def _tags(text: str) -> str:
    parts = [p.strip().removeprefix("* ") for p in re.split(r":::|,|;|，|、", text)]
    return ", ".join(dict.fromkeys(p for p in parts if p and p.lower() != "mycontacts"))


def parse_uuid(text: str) -> str:
    """A card's UUID as SalesDesk stores it (lower case, with hyphens); ``urn:uuid:`` and
    braces are accepted. InputError if it is not one."""
    value = text.strip().lower().removeprefix("urn:uuid:")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InputError(
            "not a UUID (like 1b4e28ba-2fa1-4d8c-9c3b-5f4a0d2e7c91): leave it empty for a new "
            "card"
        ) from None


def _timestamp(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"invalid date and time {text.strip()!r}: use YYYY-MM-DD HH:MM") from None


def compose_name(parts: Mapping[str, str]) -> str:
    """First, middle and last name as one: family name first, no spaces, for Chinese."""
    first, middle, last = (parts.get(p, "").strip() for p in NAME_PARTS)
    if _CJK.search(first + last) and not middle:
        return last + first
    return " ".join(p for p in (first, middle, last) if p)


def _text_parser(name: str) -> Parser:
    """Text fields are kept as written (only the address folds its lines); length checked."""

    def parse(text: str, _today: date) -> str:
        if name == "address" and ("\n" in text or "\r" in text):
            text = ", ".join(line.strip() for line in text.splitlines() if line.strip())
        if len(text) > MAX_TEXT:
            raise InputError(f"too long ({len(text):,} characters, at most {MAX_TEXT:,})")
        return text

    return parse


Parser = Callable[[str, date], Any]


def _ignore_today(func: Callable[[str], Any]) -> Parser:
    def parse(text: str, _today: date) -> Any:
        return func(text)

    return parse


def _parser(name: str) -> Parser:
    """The function that parses one field's text."""
    kind = FIELD_BY_NAME[name].kind if name in FIELD_BY_NAME else ""
    simple: dict[str, Callable[[str], Any]] = {
        "grade": _grade,
        "value": parse_money,
        "email": _email,
        "phone": _phone,
        "tags": _tags,
        "uuid": parse_uuid,
    }
    if name in simple:
        return _ignore_today(simple[name])
    if name in TIMESTAMPS:
        return _ignore_today(_timestamp)
    if kind == "date":
        return parse_import_date
    if kind in ("text", "long"):
        return _text_parser(name)

    def field(text: str, today: date) -> Any:
        return parse_field(name, text, today)

    return field


_PARSERS: dict[str, Parser] = {}


def card_values(
    texts: Mapping[str, str], today: date
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Parse one record's texts into card values; problems as (field, reason)."""
    values: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    no_year_birthday = ""
    parsers = _PARSERS
    for name, raw in texts.items():
        text = raw.strip(TRIM)
        if not text.strip() or name in NAME_PARTS:
            continue
        if len(text) <= 6 and name != "name" and text.lower() in EMPTY_MARKS:
            continue
        if name in SINGLE_LINE and ("\n" in text or "\r" in text):
            errors.append(
                (name, "a line break in a one-line field (only notes take several lines; "
                       "or is a quote left open?)")
            )
            continue
        if name == "birthday" and text.startswith("--") and _NO_YEAR.match(text):
            no_year_birthday = "-".join(_NO_YEAR.match(text).groups())  # type: ignore[union-attr]
            continue
        parse = parsers.get(name)
        if parse is None:
            parse = parsers[name] = _parser(name)
        try:
            values[name] = parse(text, today)
        except InputError as exc:
            errors.append((name, exc.message))
    if "name" not in values and not any(e[0] == "name" for e in errors):
        composed = compose_name(texts)
        if composed:
            values["name"] = composed
        elif values.get("company"):
            values["name"] = values["company"]
            values.setdefault("kind", "company")
        else:
            errors.append(("name", "empty: a prospect needs a name (or a company)"))
    elif "name" in values and len(values["name"]) > 500:
        errors.append(("name", f"too long ({len(values['name']):,} characters, at most 500)"))
    if no_year_birthday:
        values["notes"] = _join(values.get("notes", ""), f"Birthday: {no_year_birthday}")
    for name, label in (("phone", "Other phones"), ("email", "Other emails")):
        others = _others(name, texts.get(name, ""), values.get(name))
        if others:  # a card holds one of each: the rest go to the notes, not lost
            values["notes"] = _join(values.get("notes", ""), f"{label}: {', '.join(others)}")
    return values, errors


def _others(name: str, raw: str, kept: str | None) -> list[str]:
    """The values of a list cell (Google's "a ::: b", "a; b") beyond the one kept."""
    if not kept or not raw:
        return []
    if name == "phone":
        parts = [p.strip() for p in raw.split(":::")] if ":::" in raw else []
    else:
        parts = [p for p in _LIST_SPLIT.split(raw.strip()) if _EMAIL.match(p)]
    return [p for p in parts if p and p != kept]


def _join(notes: str, line: str) -> str:
    return f"{notes}\n{line}" if notes else line


def add_extra(values: dict[str, Any], extra: list[tuple[str, str]]) -> None:
    """Append unmapped columns to the notes as ``Column: value`` lines."""
    if extra:
        lines = "\n".join(f"{column}: {text}" for column, text in extra)
        values["notes"] = _join(values.get("notes", ""), lines)


def phone_key(phone: str | None) -> str | None:
    """Digits only, without an international prefix (00 / +86): None if too short."""
    if not phone:
        return None
    if ":::" in phone:
        phone = phone.split(":::")[0]
    digits = phone if phone.isdigit() else _NON_DIGIT.sub("", phone)
    if digits.startswith("00"):
        digits = digits[2:]
    if len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    return digits if len(digits) >= 5 else None


def name_key(name: str | None, company: str | None) -> str | None:
    """Name and company, case-folded, without spaces."""
    if not name:
        return None
    fold = "".join(name.casefold().split())
    if not fold:
        return None
    return f"{fold}\x1f{''.join(company.casefold().split())}" if company else f"{fold}\x1f"


def duplicate_keys(
    phone: str | None, email: str | None, name: str | None, company: str | None
) -> list[str]:
    """The keys two cards share when they are the same contact: phone, email, name+company."""
    keys = []
    if phone:
        phone_k = phone_key(phone)
        if phone_k:
            keys.append("p:" + phone_k)
    if email and "@" in email:
        keys.append("e:" + email.strip().casefold())
    if name:
        name_k = name_key(name, company)
        if name_k:
            keys.append("n:" + name_k)
    return keys


KEY_REASONS = {"p": "same phone", "e": "same email", "n": "same name and company"}
