"""Amounts as people write them: ``12,000``, ``12.500,00``, ``1 234,56``, ``CHF 1'250``,
``¥8,000``, ``12k``, ``3万``, ``1.5亿``. Pure.

Which mark is the decimal one is read from the value itself where it can be (both marks
present: the last one is decimal; a mark repeated: thousands; one mark followed by one,
two or four and more digits: decimal), then from its currency sign (``¥``, ``$``, ``£``,
``元`` write 1,234.56; ``€``, ``zł``, ``Kč`` write 1.234,56), then from the locale (``en``:
1,234.56; ``eu``: 1.234,56). With the locale ``auto`` a value like ``1.250`` (1250 or 1.25?)
is refused with both readings, never guessed.
"""

from __future__ import annotations

import re
import unicodedata

from salesdesk.errors import InputError

LOCALES = ("auto", "en", "eu")
#: The largest amount a card may hold (a trillion: anything above is a typing slip).
MAX_AMOUNT = 1e12
_FACTORS = {"k": 1e3, "m": 1e6, "mio": 1e6, "千": 1e3, "万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8}
#: The same, longest first (``mio`` before ``m``), sorted once rather than per amount.
_FACTORS_LONGEST = tuple(sorted(_FACTORS.items(), key=lambda item: -len(item[0])))
#: Currency marks, longest first, and the style their countries write amounts in.
_SIGNS: tuple[tuple[str, str], ...] = (
    ("us$", "en"), ("hk$", "en"), ("nt$", "en"), ("rmb", "en"), ("cny", "en"), ("usd", "en"),
    ("hkd", "en"), ("gbp", "en"), ("jpy", "en"), ("eur", "eu"), ("chf", "eu"), ("pln", "eu"),
    ("czk", "eu"), ("zł", "eu"), ("kč", "eu"), ("元", "en"), ("块", "en"), ("¥", "en"),
    ("￥", "en"), ("$", "en"), ("£", "en"), ("₩", "en"), ("₹", "en"), ("€", "eu"),
)
_GROUP_SPACES = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009'’](?=\d{3}(?!\d))")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")
_PLAIN = re.compile(r"^\d{1,12}(?:\.\d{1,2})?$")
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?e[+-]?\d+$", re.IGNORECASE)


def _sign(text: str) -> tuple[str, str]:
    """(text without its currency mark, the mark's style or "")."""
    if not text or (text[0].isdigit() and text[-1].isdigit()):
        return text, ""
    lowered = text.lower()
    for mark, style in _SIGNS:
        if lowered.startswith(mark):
            return text[len(mark) :].strip(), style
        if lowered.endswith(mark):
            return text[: -len(mark)].strip(), style
    return text, ""


def _invalid(text: str, why: str = "use a number like 12000, 12,000.50 or 12k") -> InputError:
    return InputError(f"invalid amount {text.strip()!r}: {why}")


def _grouped(part: str) -> bool:
    """Whether ``part`` (digits and one kind of mark) is digits in thousands groups."""
    groups = re.split(r"[.,]", part)
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def _number(text: str, digits: str, style: str) -> float:
    """The value of ``digits`` (digits, ``.`` and ``,`` only)."""
    if _SCIENTIFIC.match(digits):
        return float(digits)
    if not _NUMBER.match(digits):
        raise _invalid(text)
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        decimal = "." if digits.rfind(".") > digits.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        whole, _sep, fraction = digits.rpartition(decimal)
        if decimal in whole or not _grouped(whole):
            raise _invalid(text, f"{thousands!r} and {decimal!r} mixed up")
        return float(whole.replace(thousands, "") + "." + fraction)
    mark = "." if dots else ","
    count = dots or commas
    if not count:
        return float(digits)
    if count > 1:
        if not _grouped(digits):
            raise _invalid(text)
        return float(digits.replace(mark, ""))
    whole, _sep, fraction = digits.partition(mark)
    if len(fraction) != 3 or whole == "0" or len(whole) > 3:
        return float(whole + "." + fraction)  # 12,50 / 12.5 / 0,125 / 1234.567: decimal
    if not style:
        as_thousands = int(whole + fraction)
        as_decimal = float(whole + "." + fraction)
        raise InputError(
            f"ambiguous amount {text.strip()!r}: {as_thousands:,} (written 1,234.56) or "
            f"{as_decimal:g} (written 1.234,56)? give --locale en or --locale eu (or the "
            "setting amount_locale)"
        )
    decimal_mark = "." if style == "en" else ","
    if mark == decimal_mark:
        return float(whole + "." + fraction)
    return float(whole + fraction)


def parse_amount(text: str, locale: str = "en") -> float:
    """An amount of money (zero or more); InputError with the reason, or with both readings
    when the locale is ``auto`` and the value could be either."""
    if _PLAIN.match(text):  # 12000 / 12.5: most cells, no work
        return float(text)
    raw = unicodedata.normalize("NFKC", text).strip()
    if not raw:
        return 0.0
    body = raw.replace("_", "")
    body, style = _sign(body)
    factor = 1.0
    lowered = body.lower()
    for suffix, multiplier in _FACTORS_LONGEST:
        if lowered.endswith(suffix):
            factor, body = multiplier, body[: -len(suffix)].strip()
            break
    body, again = _sign(body)  # (¥3万 / 3万元)
    style = style or again
    if body.startswith("-"):
        raise _invalid(text, "must be zero or more")
    body = _GROUP_SPACES.sub("", body.strip())
    if not body:
        raise _invalid(text)
    amount = _number(text, body, style or (locale if locale != "auto" else "")) * factor
    if amount > MAX_AMOUNT:
        raise _invalid(text, "too large")
    return amount
