"""When two cards are the same person: the keys that find candidates and the rule that
judges them. Pure.

Different people must never become one card on a single weak key. A **likely** duplicate
shares a normalised email, or a normalised phone *and* a similar name, or the same name and
company while one of them has no phone or email to tell them apart. A shared phone with
another name (a switchboard), the same name without a company, or the same name and
company with different phones are only **possible** duplicates: imported, and listed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import lru_cache
from typing import NamedTuple

from salesdesk.data.io.contacts import email_key, phone_key

_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
LIKELY = "likely"
POSSIBLE = "possible"


def name_fold(name: str | None) -> str:
    """A name for comparing: width, case, spaces, punctuation and word order aside."""
    if not name:
        return ""
    if name.isascii():  # (NFKC leaves ASCII as it is, and it has no CJK)
        return " ".join(sorted(_WORD.findall(name.lower())))
    text = unicodedata.normalize("NFKC", name).casefold()
    words = _WORD.findall(text)
    if _CJK.search(text):  # 王 伟 is 王伟 (family name first): the order is the name
        return "".join(words)
    return " ".join(sorted(words))


@lru_cache(maxsize=4096)
def company_fold(company: str | None) -> str:
    """A company for comparing (remembered: a file names the same companies again)."""
    if not company:
        return ""
    return "".join(_WORD.findall(unicodedata.normalize("NFKC", company).casefold()))


def similar_names(a: str, b: str) -> bool:
    """Folded names that name the same person: equal, the words of one among the other's
    ("Anna Smith" / "Anna Smith-Jones"), one inside the other, or nearly equal (a typo)."""
    if not a or not b:
        return False
    if a == b or a.replace(" ", "") == b.replace(" ", ""):
        return True
    words_a, words_b = set(a.split()), set(b.split())
    fewer = min(len(words_a), len(words_b))
    if fewer >= 2 and (words_a <= words_b or words_b <= words_a):
        return True  # "Anna Smith" / "Anna Smith-Jones"
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= 3 and shorter in longer:
        return True
    return len(shorter) >= 4 and SequenceMatcher(None, a, b).ratio() >= 0.85


class Who(NamedTuple):
    """What the rule needs to know of a card or a row (a tuple: made once per row)."""

    name: str  # name_fold
    contact: bool  # has a phone or an email


def card_keys(
    name: str | None,
    company: str | None,
    phones: Iterable[str | None],
    emails: Iterable[str | None],
    region: str,
    folded: str | None = None,
) -> list[str]:
    """Every key a card is found by: ``e:`` email, ``p:`` phone (E.164), ``n:`` name and
    company. ``folded``: the name's :func:`name_fold`, when the caller has it already."""
    keys: list[str] = []
    for email in emails:
        key = email_key(email)
        if key:
            keys.append("e:" + key)
    emailed = len(keys)
    for phone in phones:
        key = phone_key(phone, region)
        if key:
            keys.append("p:" + key)
    several = emailed > 1 or len(keys) - emailed > 1
    if folded is None:
        folded = name_fold(name)
    if folded:
        keys.append(f"n:{folded}\x1f{company_fold(company)}")
    # (one email and one phone at most, the common card: its keys differ by their kinds)
    return list(dict.fromkeys(keys)) if several else keys


def judge(key: str, row: Who, card: Who) -> tuple[str, str]:
    """(LIKELY or POSSIBLE, the reason) for a row and a card sharing ``key``."""
    kind = key[0]
    if kind == "e":
        return LIKELY, "same email"
    if kind == "p":
        if similar_names(row.name, card.name):
            return LIKELY, "same phone and a similar name"
        return POSSIBLE, "same phone, another name (a shared number?)"
    if key.endswith("\x1f"):
        return POSSIBLE, "same name (no company to tell them apart)"
    if row.contact and card.contact:
        return POSSIBLE, "same name and company, other phone and email"
    return LIKELY, "same name and company"
