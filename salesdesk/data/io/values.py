"""Imported text -> card values, and the keys that find duplicates. Pure: ``today`` is given.

Every problem becomes ``(field, reason)`` so the importer can report the row, the column
and the reason without raising.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from salesdesk.data.io.contacts import Point, contact_values
from salesdesk.data.io.mapping import NAME_PARTS, TIMESTAMPS, TRIM
from salesdesk.errors import InputError
from salesdesk.rules.amounts import parse_amount
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


@lru_cache(maxsize=1024)
def _grade(text: str) -> str:
    return parse_grade(text.strip().rstrip("级类等 ")).value


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


def _too_long(text: str) -> str:
    return f"too long ({len(text):,} characters, at most {MAX_TEXT:,})"


def _text_parser(name: str) -> Parser:
    """Text fields are kept as written (only the address folds its lines); length checked."""

    def parse(text: str, _today: date) -> str:
        if name == "address" and ("\n" in text or "\r" in text):
            text = ", ".join(line.strip() for line in text.splitlines() if line.strip())
        if len(text) > MAX_TEXT:
            raise InputError(_too_long(text))
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
#: The columns :func:`card_values` leaves to others (a name's parts, the phones and emails).
_NOT_HERE = frozenset((*NAME_PARTS, "phone", "email"))
#: Text fields taken as written (their parser only checks the length): most columns of a
#: file, so :func:`card_values` does that without a call.
_PLAIN_TEXT = frozenset(
    spec.name for spec in FIELD_BY_NAME.values()
    if spec.kind in ("text", "long") and spec.name not in ("address", "tags", "uuid")
    and spec.name not in TIMESTAMPS
)


@lru_cache(maxsize=4096)
def _amount(text: str, locale: str) -> float:
    """:func:`parse_amount`, remembered: a file repeats its amounts (``12k``, ``5000``)."""
    return parse_amount(text, locale)


def card_values(
    texts: Mapping[str, str],
    today: date,
    locale: str = "auto",
    points: Sequence[Point] = (),
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Parse one record's texts into card values; problems as (field, reason). ``locale``
    says how ambiguous amounts are written (:func:`~salesdesk.rules.amounts.parse_amount`).
    ``points`` are the record's phones and emails with their types (every phone and email
    column of a file); the main ones become ``phone`` and ``email``, the others
    ``contact_points`` (a list of (kind, label, value))."""
    values: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    no_year_birthday = ""
    parsers = _PARSERS
    contacts: list[Point] = []
    for kind in ("phone", "email"):
        if texts.get(kind):
            contacts.append((kind, "", texts[kind]))
    contacts.extend(points)
    plain = _PLAIN_TEXT
    for name, raw in texts.items():
        text = raw.strip(TRIM)
        if name in _NOT_HERE or not text.strip():
            continue
        if len(text) <= 6 and name != "name" and text.lower() in EMPTY_MARKS:
            continue
        if name in SINGLE_LINE and ("\n" in text or "\r" in text):
            errors.append(
                (name, "a line break in a one-line field (only notes take several lines; "
                       "or is a quote left open?)")
            )
            continue
        if name in plain:  # (most columns: kept as written, the length checked)
            if len(text) > MAX_TEXT:
                errors.append((name, _too_long(text)))
            else:
                values[name] = text
            continue
        if name == "birthday" and text.startswith("--") and _NO_YEAR.match(text):
            no_year_birthday = "-".join(_NO_YEAR.match(text).groups())  # type: ignore[union-attr]
            continue
        parse = parsers.get(name)
        if parse is None:
            parse = parsers[name] = _parser(name)
        try:
            values[name] = _amount(text, locale) if name == "value" else parse(text, today)
        except InputError as exc:
            errors.append((name, exc.message))
    if "name" not in values and not any(e[0] == "name" for e in errors):
        composed = compose_name(texts)
        if composed:
            values["name"] = composed
        elif values.get("company"):
            values["name"] = values["company"]
            values.setdefault("kind", "company")
        elif not any(raw.strip(TRIM) for _k, _l, raw in contacts):
            errors.append(("name", "empty: a prospect needs a name (or a company)"))
        else:
            values["_unnamed"] = True  # named from its email or phone, below
    elif "name" in values and len(values["name"]) > 500:
        errors.append(("name", f"too long ({len(values['name']):,} characters, at most 500)"))
    if no_year_birthday:
        values["notes"] = _join(values.get("notes", ""), f"Birthday: {no_year_birthday}")
    if contacts:
        kept = [
            (kind, label, text)
            for kind, label, raw in contacts
            if (text := raw.strip(TRIM)).strip()
            and not (len(text) <= 6 and text.lower() in EMPTY_MARKS)
        ]
        phone, email, others, problems = contact_values(kept)
        errors.extend(problems)
        if phone:
            values["phone"] = phone
        if email:
            values["email"] = email
        if others:  # further numbers and addresses: rows of contact_point, with their type
            values["contact_points"] = others
    if values.pop("_unnamed", False):  # Google's "Other contacts", HubSpot: an address only
        named = values.get("email") or values.get("phone") or ""
        if named:
            values["name"] = named
        else:
            errors.append(("name", "empty: a prospect needs a name (or a company)"))
    return values, errors


def _join(notes: str, line: str) -> str:
    return f"{notes}\n{line}" if notes else line


def add_extra(values: dict[str, Any], extra: list[tuple[str, str]]) -> None:
    """Append unmapped columns to the notes as ``Column: value`` lines."""
    if extra:
        lines = "\n".join(f"{column}: {text}" for column, text in extra)
        values["notes"] = _join(values.get("notes", ""), lines)
