"""vCard (.vcf) 2.1, 3.0 and 4.0 through vobject: reading cards as records, writing them.

The file is split into BEGIN:VCARD ... END:VCARD blocks line by line and each block is
parsed on its own, so a long file is streamed and one broken card is one error, not a
broken import. SalesDesk's own fields travel as ``X-SALESDESK-<FIELD>`` properties, so an
export read back gives the same cards.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from salesdesk.data.io.csv_import import Record, read_sample
from salesdesk.data.io.encoding import detect_encoding
from salesdesk.data.io.mapping import IMPORT_FIELDS
from salesdesk.errors import InputError

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


def _address(value: Any, ours: bool = False) -> tuple[str, str]:
    """(one-line address, city) from an ADR value. SalesDesk's own cards hold the address
    as the street and the area as the locality: read back as they were."""
    parts = [
        getattr(value, key, "") for key in ("box", "extended", "street", "city", "region", "code",
                                            "country")
    ]
    flat = [", ".join(p) if isinstance(p, list) else str(p) for p in parts]
    flat = [", ".join(line.strip() for line in p.splitlines() if line.strip()) for p in flat]
    if ours:
        return flat[2].strip(), flat[3].strip()
    return ", ".join(p.strip() for p in flat if p.strip()), flat[3].strip()


def _own_uuid(value: Any) -> str:
    """The card UUID a SalesDesk export writes as UID ("" for other apps' ids)."""
    uid = _plain(value).strip().lower().removeprefix("urn:uuid:")
    return uid if _UUID.match(uid) else ""


def _types(prop: Any) -> set[str]:
    """A property's types, from ``TYPE=`` (3.0, 4.0, quoted or not) and from vCard 2.1's
    bare parameters (``TEL;CELL``, ``TEL;WORK;FAX``)."""
    kinds = {t.lower().strip('"') for value in prop.params.get("TYPE", [])
             for t in str(value).split(",")}
    kinds |= {str(t).lower() for t in getattr(prop, "singletonparams", [])}
    return kinds


def _point_label(kinds: set[str]) -> str:
    if "fax" in kinds:
        return "fax"
    if kinds & _MOBILE:
        return "mobile"
    for label in ("work", "home"):
        if label in kinds:
            return label
    return "other" if "other" in kinds else ""


def card_texts(
    card: Any, keep_extra: bool
) -> tuple[dict[str, str], list[tuple[str, str]], list[tuple[str, str, str]], list[str]]:
    """One parsed vCard -> (field texts, extra (property, value) pairs, every phone and
    email as (kind, type, value), notes on properties that could not be read)."""
    texts: dict[str, str] = {}
    extra: list[tuple[str, str]] = []
    points: list[tuple[int, str, str, str]] = []  # (order, kind, label, value)
    notes: list[str] = []
    warnings: list[str] = []
    city = ""
    ours = "SALESDESK" in str(getattr(getattr(card, "prodid", None), "value", "")).upper()
    for prop in card.getChildren():
        name = prop.name.upper()
        try:
            value = prop.value
            if isinstance(value, bytes):  # (a PHOTO, a KEY: never used)
                continue
        except Exception as exc:  # vobject decodes lazily: one bad value, one property
            warnings.append(f"{name} not readable ({_reason(exc)}): left out")
            continue
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
        elif name in ("TEL", "EMAIL"):
            kinds = _types(prop)
            text = _plain(value).removeprefix("tel:").removeprefix("mailto:")
            order = 0 if "pref" in kinds or prop.params.get("PREF") else 1
            points.append((order, name.lower() if name == "EMAIL" else "phone",
                           _point_label(kinds), text))
        elif name == "ADR":
            line, found_city = _address(value, ours)
            texts.setdefault("address", line)
            city = city or found_city
        elif name == "NOTE":
            notes.append(_plain(value))
        elif name == "BDAY":
            texts["birthday"] = _plain(value)
        elif name == "CATEGORIES":
            texts["tags"] = _plain(value)
        elif name == "UID" and _own_uuid(value):
            texts["uuid"] = _own_uuid(value)
        elif name in ("KIND", "X-ADDRESSBOOKSERVER-KIND"):
            texts["_kind"] = _plain(value).strip().lower()
        elif keep_extra and name not in _SKIP:
            text = _plain(value)
            if text.strip() and len(text) <= 1000:
                extra.append((name.title(), text))
    if notes:
        texts["notes"] = "\n".join(n for n in notes if n.strip())
    if city:
        texts.setdefault("area", city)
    points.sort(key=lambda p: p[0])  # (a PREF one first: it was the main one)
    return texts, extra, [(k, label, v) for _o, k, label, v in points], warnings


def _reason(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:80]


def parse_card(block: str) -> tuple[Any, list[str]]:
    """A BEGIN:VCARD ... END:VCARD block through vobject's own reader (folding, quoted-
    printable, any line ends); a property vobject cannot read is left out with a note,
    not the card. Raises when nothing of it is a card."""
    import vobject
    from vobject.base import getLogicalLines, textLineToContentLine

    try:
        return vobject.readOne(block, allowQP=True), []
    except Exception:  # vobject raises many kinds: salvage line by line
        pass
    good: list[str] = []
    notes: list[str] = []
    for line, number in getLogicalLines(io.StringIO(block), allowQP=True):
        try:
            textLineToContentLine(line, number)
        except Exception as exc:
            notes.append(f"{line.split(':', 1)[0][:30]} not readable ({_reason(exc)}): left out")
            continue
        good.append(line)
    return vobject.readOne("\r\n".join(good) + "\r\n", allowQP=True), notes


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
        #: cards left out on purpose (contact groups), said in the result
        self.skipped: list[str] = []

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
            if not line.strip() and lines is not None:
                continue  # (CR CR LF line ends read as an empty line after each one)
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
        for number, block in enumerate(self._blocks(), start=1):
            try:
                card, notes = parse_card(block)
                texts, extra, points, warnings = card_texts(card, self.keep_extra)
            except Exception as exc:  # vobject raises many kinds on a broken card
                yield Record(number, {}, [], [("vCard", f"not readable: {_reason(exc)}")])
                continue
            kind = texts.pop("_kind", "")
            if kind == "group":
                self.skipped.append(f"card {number}: a contact group (KIND:group), not a "
                                    "contact: left out")
                continue
            if kind == "org" and texts.get("company"):
                texts.setdefault("kind", "company")
                texts.setdefault("name", texts["company"])
            if not any(texts.get(f) for f in ("name", "company", "first_name", "last_name")) \
                    and not points:
                reason = "; ".join(notes) if notes else "no name, phone or email"
                yield Record(number, {}, [], [("vCard", f"nothing to import: {reason}")])
                continue
            record = Record(number, texts, extra, [], points)
            record.warnings = [f"card {number}: {note}" for note in (*notes, *warnings)]
            yield record

    def close(self) -> None:
        self._text.close()
