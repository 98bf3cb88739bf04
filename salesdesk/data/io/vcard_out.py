"""Cards as vCard 3.0 or 4.0 text for phones, khard and every CardDAV client: a stable
``UID`` (the card's UUID), ``N`` split where the family name is known, every phone and
email with its type, the address with the area as its locality. SalesDesk's own fields
travel as ``X-SALESDESK-<FIELD>`` properties, so an export read back gives the same cards."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from salesdesk.data.io.mapping import IMPORT_FIELDS, POINT_COLUMNS
from salesdesk.rules.fields import FIELD_BY_NAME

X_PREFIX = "X-SALESDESK-"
PRODID = "-//SalesDesk//Cards//EN"
#: Fields written as standard vCard properties (the rest go as X-SALESDESK-...).
STANDARD = ("name", "company", "title", "phone", "email", "address", "area", "notes",
            "birthday", "tags")
#: Values a new card has anyway: not written as X-SALESDESK- properties.
_DEFAULTS = {
    "kind": "person", "status": "live", "stage": "target", "money": "unknown",
    "authority": "unknown", "need": "unknown", "follow_up": "keep", "inquiries": 0, "value": 0,
}
_TEL_TYPES = {"mobile": "CELL", "work": "WORK", "home": "HOME", "fax": "FAX", "other": "VOICE"}
_CJK = re.compile(r"^[\u3400-\u9fff]{2,4}$")
#: Two-character Chinese family names (the rest are one character).
_COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐",
             "长孙", "宇文", "司徒", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "百里")


def split_name(name: str, kind: str = "person") -> tuple[str, str]:
    """(family, given) where the family name is known: a Chinese name's first character
    (two for 欧阳, 司马 ...), a two- or three-word Western name's last word. Otherwise the
    whole name is the given name (the family name is left empty, as vCard allows)."""
    text = name.strip()
    if kind == "company":
        return "", ""
    if _CJK.match(text):
        cut = 2 if text[:2] in _COMPOUND and len(text) > 2 else 1
        return text[:cut], text[cut:]
    words = text.split()
    if 2 <= len(words) <= 3 and all(w[:1].isalpha() for w in words):
        return words[-1], " ".join(words[:-1])
    return "", text


def _mobile(phone: str) -> bool:
    from salesdesk.data.io.contacts import phone_key

    key = phone_key(phone) or ""
    if key.startswith("+86"):
        return len(key) == 14 and key[3] == "1"
    try:
        import phonenumbers

        parsed = phonenumbers.parse(key or phone, None)
        return bool(phonenumbers.number_type(parsed) in (
            phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE))
    except Exception:  # not a number phonenumbers knows: no type
        return False


def card_to_vcard(
    fields: Mapping[str, Any], points: Sequence[Mapping[str, Any]] = (), version: str = "3.0"
) -> str:
    """One card (stored values by field name) and its further phones and emails as vCard."""
    import vobject

    four = version == "4.0"
    card = vobject.vCard()
    card.add("version").value = version
    card.add("prodid").value = PRODID
    if fields.get("uuid"):  # the card's stable identity: apps update it instead of adding
        card.add("uid").value = ("urn:uuid:" if four else "") + str(fields["uuid"])
    name, kind = str(fields["name"]), str(fields.get("kind") or "person")
    card.add("fn").value = name
    family, given = split_name(name, kind)
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    if four and kind == "company":
        card.add("kind").value = "org"
    if fields.get("company"):
        card.add("org").value = [str(fields["company"])]
    if fields.get("title"):
        card.add("title").value = str(fields["title"])
    phones = []
    if fields.get("phone"):
        phone = str(fields["phone"])
        phones.append((["CELL" if _mobile(phone) else "VOICE", "PREF"], phone))
    emails = [(["INTERNET", "PREF"] if not four else ["PREF"], str(fields["email"]))] \
        if fields.get("email") else []
    for point in points:
        label = str(point.get("label") or "")
        if point["kind"] == "phone":
            types = [_TEL_TYPES.get(label, "VOICE")] + (["WORK"] if label == "fax" else [])
            phones.append((types, str(point["value"])))
        else:
            types = [label.upper()] if label in ("work", "home") else []
            emails.append((types + ([] if four else ["INTERNET"]), str(point["value"])))
    for types, value in phones:
        tel = card.add("tel")
        tel.value = value
        tel.params["TYPE"] = [t.lower() for t in types] if four else types
    for types, value in emails:
        email = card.add("email")
        email.value = value
        if types:
            email.params["TYPE"] = [t.lower() for t in types] if four else types
    if fields.get("address") or fields.get("area"):
        card.add("adr").value = vobject.vcard.Address(
            street=str(fields.get("address") or ""), city=str(fields.get("area") or "")
        )
    if fields.get("notes"):
        card.add("note").value = str(fields["notes"])
    if fields.get("birthday"):
        card.add("bday").value = str(fields["birthday"])
    if fields.get("tags"):
        card.add("categories").value = [t.strip() for t in str(fields["tags"]).split(",")]
    for field, value in fields.items():
        if field in STANDARD or value in (None, "") or field not in IMPORT_FIELDS:
            continue
        if field in ("uuid", *POINT_COLUMNS):  # (written as UID, TEL and EMAIL above)
            continue
        if field in FIELD_BY_NAME and FIELD_BY_NAME[field].kind == "bool" and not value:
            continue
        if field in _DEFAULTS and value == _DEFAULTS[field]:
            continue
        text = str(value).removesuffix(".000000")
        card.add(X_PREFIX.lower() + field.replace("_", "-")).value = text
    return str(card.serialize())
