"""Phones and emails as files hold them: several in one cell, full-width, typed (mobile,
work, fax...), and their normalised keys for finding duplicates. Pure.

Keys are E.164 (``+8613800138000``) through ``phonenumbers``, with the ``phone_region``
setting for numbers written without a country code. phonenumbers costs tens of
microseconds a number, so the forms most files hold (``+`` or ``00`` and digits, a Chinese
mobile) are normalised without it and the rest are cached: an import of 100,000 rows
stays as fast as one without normalising.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from salesdesk.errors import InputError

#: Order of preference for the card's main phone (a fax is never the main phone).
LABELS = ("mobile", "work", "home", "other", "", "fax")
_LABEL_WORDS = (
    ("fax", ("fax", "传真", "telefax")),
    ("mobile", ("mobile", "cell", "handy", "iphone", "手机", "移动", "portable", "mobil")),
    ("work", ("work", "business", "office", "company", "办公", "单位", "geschäft", "büro",
              "pref")),
    ("home", ("home", "private", "privat", "家", "住宅", "domicile")),
    ("other", ("other", "其他", "andere", "autre")),
)
_SPLIT = re.compile(r"\s*(?::::|[;；,，/|、\n]|\s+or\s+|\s+oder\s+)\s*")
_EMAIL_SPLIT = re.compile(r"[\s;,；，、]+|:::")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?e\+?\d+$", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_NON_DIGIT = re.compile(r"\D+")
_EXTENSION = re.compile(r"\s*(?:ext\.?|x|转|分机|#)\s*\d+\s*$", re.IGNORECASE)
_CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def fold(text: str) -> str:
    """Full-width digits, letters and ＠ as ASCII (NFKC), spaces trimmed."""
    if text.isascii():
        return text.strip()
    return unicodedata.normalize("NFKC", text).strip()


def label_of(header: str) -> str:
    """The type a column or a vCard TYPE names: mobile, work, home, fax, other or ""."""
    text = header.casefold()
    for label, words in _LABEL_WORDS:
        if any(word in text for word in words):
            return label
    return ""


def split_phones(text: str) -> list[str]:
    """The numbers of one cell ("138 0013 8000 / 139 0013 9000", Google's " ::: ")."""
    folded = fold(text)
    if not _SPLIT.search(folded):
        return [folded] if folded else []
    return [part for part in _SPLIT.split(folded) if part.strip()]


def check_phone(text: str) -> str:
    """A phone number as written; InputError when it is not one, or when Excel turned it
    into scientific notation (``1.38E+10``: its last digits are lost)."""
    if _SCIENTIFIC.match(text):
        raise InputError(
            f"{text!r} is a number Excel wrote in scientific notation: its digits are lost; "
            "format the column as text in the spreadsheet and export it again"
        )
    if not _DIGIT.search(text):
        raise InputError(f"{text!r} is not a phone number (no digits)")
    return text


def split_emails(text: str) -> list[str]:
    """The addresses of one cell ("a@x.com; b@y.com", Google's " ::: "), full-width folded;
    a cell that is not a list of addresses is kept whole, as typed."""
    folded = fold(text)
    if _EMAIL.match(folded):
        return [folded]
    parts = [p for p in _EMAIL_SPLIT.split(folded) if p]
    if len(parts) > 1 and all(_EMAIL.match(p) for p in parts):
        return parts
    return [folded] if folded else []


def email_key(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    return fold(email).casefold()


@lru_cache(maxsize=65_536)
def _e164(number: str, region: str) -> str | None:
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def phone_key(phone: str | None, region: str = "CN") -> str | None:
    """The number in E.164 for matching (``+8613800138000``), None when it is too short
    to tell people apart; the way it is written (spaces, ``+86``, ``0086``, an extension)
    does not matter."""
    if not phone:
        return None
    text = fold(phone)
    if text.isdigit():  # (plain digits, most numbers: no separators or extension to drop)
        digits = text
    else:
        if ":::" in text:
            text = text.split(":::")[0]
        text = _EXTENSION.sub("", text).replace("(0)", "")
        digits = text if text.isdigit() else _NON_DIGIT.sub("", text)
    if len(digits) < 5:
        return None
    plus = text.lstrip().startswith("+")
    if plus or digits.startswith("00"):
        international = digits[2:] if not plus else digits
        if international.startswith("86") and len(international) == 13:
            return "+" + international  # (a Chinese mobile: the common case, no parsing)
        return _e164("+" + international, region) or "+" + international
    if region == "CN" and _CN_MOBILE.match(digits):
        return "+86" + digits
    return _e164(digits, region) or digits


Point = tuple[str, str, str]  # (kind: phone | email, label, value as written)


def point_key(kind: str, value: str | None) -> str:
    """A phone or email for telling whether a card has it already (digits; any case)."""
    if not value:
        return ""
    if kind == "phone":
        return "p" + _NON_DIGIT.sub("", fold(value))
    return "e" + fold(value).casefold()
_RANK = {label: rank for rank, label in enumerate(("mobile", "", "work", "home", "other", "fax"))}


_Contacts = tuple[str | None, str | None, list[Point], list[tuple[str, str]]]


def _one_of_each(points: list[Point]) -> _Contacts | None:
    """:func:`contact_values` for the common record: at most one phone written as plain
    ASCII digits and one plain ASCII address (nothing to split, fold or check); None for
    anything else, which the general way reads."""
    phone = email = None
    phone_label = ""
    for kind, label, raw in points:
        if kind == "phone" and phone is None and raw.isdigit() and raw.isascii():
            phone, phone_label = raw, label
        elif kind == "email" and email is None and raw.isascii():
            email = raw.strip()
            if not _EMAIL.match(email):
                return None
        else:
            return None
    if phone is not None and phone_label == "fax":  # (a fax is never the main phone)
        return None, email, [("phone", phone_label, phone)], []
    return phone, email, [], []


def contact_values(points: list[Point]) -> _Contacts:
    """Every phone and email of a record -> (the main phone, the main email, the others,
    problems as (field, reason)). A cell holding several numbers gives several; the main
    phone is the first mobile, else the first number that is not a fax; the same number
    written twice is kept once."""
    if len(points) <= 2:
        simple = _one_of_each(points)
        if simple is not None:
            return simple
    return _every_point(points)


def _every_point(points: list[Point]) -> _Contacts:
    """:func:`contact_values`, the general way (any number of points, any shape)."""
    phones: list[tuple[str, str]] = []
    emails: list[tuple[str, str]] = []
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    further: set[tuple[str, str]] = set()  # kind "phone*": a further one, main only if alone
    for kind, label, raw in points:
        if kind.endswith("*"):
            kind = kind[:-1]
            further.update((label, part) for part in
                           (split_phones(raw) if kind == "phone" else split_emails(raw)))
        if kind == "phone":
            for part in split_phones(raw):
                try:
                    check_phone(part)
                except InputError as exc:
                    problems.append(("phone", exc.message))
                    continue
                digits = _NON_DIGIT.sub("", part)
                if digits not in seen:
                    seen.add(digits)
                    phones.append((label, part))
        else:
            for part in split_emails(raw):
                key = part.casefold()
                if key not in seen:
                    seen.add(key)
                    emails.append((label, part))
    main_phone = None
    candidates = [p for p in phones if p[0] != "fax"]
    if candidates:
        main_phone = min(candidates, key=lambda p: (p in further, _RANK.get(p[0], 1)))
    listed = [e for e in emails if e not in further] or emails
    main_email = listed[0] if listed else None
    others: list[Point] = [("phone", label, value) for label, value in phones
                           if (label, value) != main_phone]
    others += [("email", label, value) for label, value in emails if (label, value) != main_email]
    return (
        main_phone[1] if main_phone else None,
        main_email[1] if main_email else None,
        others,
        problems,
    )
