"""vCard (.vcf) 2.1, 3.0 and 4.0 through vobject: reading cards as records, writing them.

The file is split into BEGIN:VCARD ... END:VCARD blocks line by line and each block is
parsed on its own, so a long file is streamed and one broken card is one error, not a
broken import. SalesDesk's own fields travel as ``X-SALESDESK-<FIELD>`` properties, so an
export read back gives the same cards.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from salesdesk.data.io.csv_import import Record, read_sample
from salesdesk.data.io.encoding import detect_encoding
from salesdesk.data.io.mapping import IMPORT_FIELDS
from salesdesk.errors import InputError
from salesdesk.rules.fields import FIELD_BY_NAME

X_PREFIX = "X-SALESDESK-"
#: Fields written as standard vCard properties (the rest go as X-SALESDESK-...).
STANDARD = ("name", "company", "title", "phone", "email", "address", "notes", "birthday", "tags")
LABELS = {
    "name": "FN",
    "company": "ORG",
    "title": "TITLE",
    "phone": "TEL",
    "email": "EMAIL",
    "address": "ADR",
    "area": "ADR (city)",
    "notes": "NOTE",
    "birthday": "BDAY",
    "tags": "CATEGORIES",
}
_SKIP = {
    "VERSION", "PRODID", "UID", "REV", "N", "FN", "PHOTO", "LOGO", "SOUND", "KEY", "PROFILE",
    "SOURCE", "KIND", "CLIENTPIDMAP", "X-ABUID", "X-ABLABEL", "LABEL", "NAME",
}
_MOBILE = {"cell", "mobile", "iphone", "text"}
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
#: Values a new card has anyway: not written as X-SALESDESK- properties.
_DEFAULTS = {
    "kind": "person", "status": "live", "stage": "target", "money": "unknown",
    "authority": "unknown", "need": "unknown", "follow_up": "keep", "inquiries": 0, "value": 0,
}


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if str(v).strip())
    return str(value)


def _address(value: Any) -> tuple[str, str]:
    """(one-line address, city) from an ADR value."""
    parts = [
        getattr(value, key, "") for key in ("box", "extended", "street", "city", "region", "code",
                                            "country")
    ]
    flat = [", ".join(p) if isinstance(p, list) else str(p) for p in parts]
    return ", ".join(p.strip() for p in flat if p.strip()), flat[3].strip()


def _own_uuid(value: Any) -> str:
    """The card UUID a SalesDesk export writes as UID ("" for other apps' ids)."""
    uid = _plain(value).strip().lower().removeprefix("urn:uuid:")
    return uid if _UUID.match(uid) else ""


def card_texts(card: Any, keep_extra: bool) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """One parsed vCard -> (field texts, extra (property, value) pairs)."""
    texts: dict[str, str] = {}
    extra: list[tuple[str, str]] = []
    phones: list[tuple[int, str, str]] = []
    emails: list[str] = []
    city = ""
    for prop in card.getChildren():
        name = prop.name.upper()
        value = prop.value
        if name.startswith(X_PREFIX):
            field = name[len(X_PREFIX) :].lower().replace("-", "_")
            if field in IMPORT_FIELDS:
                texts[field] = _plain(value)
                continue
        if name == "FN":
            texts["name"] = _plain(value)
        elif name == "N" and "name" not in texts:
            texts["first_name"] = _plain(getattr(value, "given", ""))
            texts["middle_name"] = _plain(getattr(value, "additional", ""))
            texts["last_name"] = _plain(getattr(value, "family", ""))
        elif name == "ORG":
            parts = value if isinstance(value, list) else [value]
            texts.setdefault("company", str(parts[0]) if parts else "")
        elif name in ("TITLE", "ROLE"):
            texts.setdefault("title", _plain(value))
        elif name == "TEL":
            kinds = {t.lower() for t in prop.params.get("TYPE", [])}
            text = _plain(value).removeprefix("tel:")
            phones.append((0 if kinds & _MOBILE else 1, text, "/".join(sorted(kinds))))
        elif name == "EMAIL":
            emails.append(_plain(value).removeprefix("mailto:"))
        elif name == "ADR":
            line, found_city = _address(value)
            texts.setdefault("address", line)
            city = city or found_city
        elif name == "NOTE":
            texts["notes"] = _plain(value)
        elif name == "BDAY":
            texts["birthday"] = _plain(value)
        elif name == "CATEGORIES":
            texts["tags"] = _plain(value)
        elif name == "UID" and _own_uuid(value):
            texts["uuid"] = _own_uuid(value)
        elif keep_extra and name not in _SKIP:
            text = _plain(value)
            if text.strip() and len(text) <= 1000:
                extra.append((name.title(), text))
    phones.sort(key=lambda p: p[0])
    if phones:
        texts.setdefault("phone", phones[0][1])
    if emails:
        texts.setdefault("email", emails[0])
    if city:
        texts.setdefault("area", city)
    if keep_extra:
        extra.extend((f"Phone ({kinds or 'other'})", text) for _r, text, kinds in phones[1:])
        extra.extend(("Email", text) for text in emails[1:])
    return texts, extra


class VcardSource:
    """An open .vcf file: its cards as records (numbered from 1)."""

    kind = "vcf"
    unit = "card"

    def __init__(self, path: Path, keep_extra: bool = False, encoding: str | None = None) -> None:
        self.path = path
        self.size = path.stat().st_size
        self.detected = detect_encoding(path, encoding)
        self.encoding = self.detected.encoding
        sample = read_sample(path, self.encoding)
        if "BEGIN:VCARD" not in sample.upper():
            raise InputError(f"{path.name} is not a vCard file (no BEGIN:VCARD)")
        self.keep_extra = keep_extra
        self._raw = path.open("rb")
        self._text = io.TextIOWrapper(self._raw, encoding=self.encoding, newline=None)
        self.headers: tuple[str, ...] = ()

    def describe(self) -> str:
        return f"vCard, {self.detected.describe()}"

    def label(self, name: str) -> str:
        return LABELS.get(name, X_PREFIX + name.upper().replace("_", "-"))

    def pairs(self) -> list[tuple[str, str]]:
        return [(LABELS[name], name) for name in STANDARD]

    @property
    def unmapped(self) -> list[str]:
        return []

    def position(self) -> int:
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return 0

    def _blocks(self) -> Iterator[str]:
        lines: list[str] | None = None
        for line in self._text:
            upper = line.strip().upper()
            if upper == "BEGIN:VCARD":
                lines = [line]
            elif lines is not None:
                lines.append(line)
                if upper == "END:VCARD":
                    yield "".join(lines)
                    lines = None
                elif len(lines) > 20_000:
                    raise InputError(f"{self.path.name}: a card without END:VCARD")

    def records(self) -> Iterator[Record]:
        import vobject

        for number, block in enumerate(self._blocks(), start=1):
            try:
                card = vobject.readOne(block, allowQP=True)
                texts, extra = card_texts(card, self.keep_extra)
            except Exception as exc:  # vobject raises many kinds on a broken card
                reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                yield Record(number, {}, [], [("vCard", f"not readable: {reason}")])
                continue
            yield Record(number, texts, extra, [])

    def close(self) -> None:
        self._text.close()


def card_to_vcard(fields: Mapping[str, Any]) -> str:
    """One card (stored values by field name) as a vCard 3.0 text."""
    import vobject

    card = vobject.vCard()
    if fields.get("uuid"):  # the card's stable identity: apps update it instead of adding
        card.add("uid").value = str(fields["uuid"])
    card.add("fn").value = str(fields["name"])
    card.add("n").value = vobject.vcard.Name(given=str(fields["name"]))
    if fields.get("company"):
        card.add("org").value = [str(fields["company"])]
    if fields.get("title"):
        card.add("title").value = str(fields["title"])
    if fields.get("phone"):
        tel = card.add("tel")
        tel.value = str(fields["phone"])
        tel.type_param = "CELL"
    if fields.get("email"):
        card.add("email").value = str(fields["email"])
    if fields.get("address"):
        card.add("adr").value = vobject.vcard.Address(street=str(fields["address"]))
    if fields.get("notes"):
        card.add("note").value = str(fields["notes"])
    if fields.get("birthday"):
        card.add("bday").value = str(fields["birthday"])
    if fields.get("tags"):
        card.add("categories").value = [t.strip() for t in str(fields["tags"]).split(",")]
    for name, value in fields.items():
        if name in STANDARD or value in (None, "") or name not in IMPORT_FIELDS:
            continue
        if name == "uuid":  # (written as UID above)
            continue
        if name in FIELD_BY_NAME and FIELD_BY_NAME[name].kind == "bool" and not value:
            continue
        if name in _DEFAULTS and value == _DEFAULTS[name]:
            continue
        text = str(value).removesuffix(".000000")
        card.add(X_PREFIX.lower() + name.replace("_", "-")).value = text
    return str(card.serialize())
