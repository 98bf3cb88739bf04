"""Which column of an imported file feeds which card field (pure: no files, no database).

Headers are recognised after normalising (case, width, spaces and punctuation ignored), in
English and Chinese, and in the column names of Google Contacts, Outlook, HubSpot and
Pipedrive exports. ``--map COLUMN=FIELD`` overrides; what is left is reported as unmapped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from salesdesk.data.io.aliases import ALIASES as _ALIASES
from salesdesk.errors import InputError
from salesdesk.rules.fields import FIELDS

IGNORE = "ignore"
#: An override kept internal: the column is not mapped (kept as extra data).
EXTRA = "\x00extra"
#: What is trimmed from a cell: spaces (ASCII and ideographic), not tabs or line breaks, so
#: a value SalesDesk exported comes back exactly (a leading tab is a neutralised formula).
TRIM = " \u3000"
#: Pseudo-fields: parts of a name, combined into ``name``.
NAME_PARTS = ("first_name", "middle_name", "last_name")
#: Timestamps a SalesDesk export carries, so export then import gives the same cards.
TIMESTAMPS = (
    "created_at", "graded_at", "reviewed_at", "touched_at", "closed_at",
    "first_contact_due", "first_contact_at",
)
#: The card's stable identity: a SalesDesk export's ``uuid`` is kept on the way back in
#: when no other card holds it.
IDENTITY = ("uuid",)
#: A SalesDesk export's columns of further phones and emails ("mobile: 138...; 021-..."):
#: read back as contact points.
POINT_COLUMNS = ("other_phones", "other_emails")


IMPORT_FIELDS: tuple[str, ...] = (
    *(spec.name for spec in FIELDS),
    *NAME_PARTS,
    *TIMESTAMPS,
    *IDENTITY,
    *POINT_COLUMNS,
)
#: Fields every column of which is kept (the card's main one and contact points).
POINT_FIELDS = ("phone", "email")
def point_cell(points: Sequence[tuple[str, str]]) -> str:
    """Further phones or emails as one cell: ``label: value; value``."""
    return "; ".join(f"{label}: {value}" if label else value for label, value in points)


def point_cell_values(text: str) -> list[tuple[str, str]]:
    """:func:`point_cell` read back: (label, value) pairs."""
    pairs = []
    for part in (p.strip() for p in text.split(";")):
        label, sep, value = part.partition(": ")
        if sep and label in ("mobile", "work", "home", "fax", "other"):
            pairs.append((label, value.strip()))
        elif part:
            pairs.append(("", part))
    return pairs
#: Fields whose values from several columns are joined rather than first-non-empty.
JOINED = {"notes": "\n", "tags": ", "}

# A SalesDesk export carries these; they are ignored quietly on the way back in.
_QUIET = ("id", "import_batch", "previous_id")
# Google Contacts: "E-mail 1 - Value", "Phone 2 - Value", "Organization 1 - Name"...
_NUMBERED = re.compile(
    r"^(email|phone|organization|address|website|relation|event|im|externalid)\d+(.*)$"
)
_NUMBERED_FIELDS = {
    ("email", "value"): "email",
    ("phone", "value"): "phone",
    ("organization", "name"): "company",
    ("organization", "title"): "title",
    ("address", "formatted"): "address",
    ("address", "street"): "address",
    ("address", "city"): "area",
}
# Pipedrive: "Person - Name", "Person - Phone - Mobile", "Organization - Name", "Deal - Value"
_PREFIXES = ("person", "contact")
#: SalesDesk-only fields with a fixed set of values: mapped only when the header is the
#: field's own name (as SalesDesk exports it), since CRMs reuse "Priority" or "Status".
EXACT_ONLY = frozenset(
    spec.name for spec in FIELDS if spec.kind in ("choice", "int") and spec.name not in _ALIASES
)


def normalise(header: str) -> str:
    """Header text for matching: NFKC, case-folded, letters and digits only."""
    text = unicodedata.normalize("NFKC", header).replace("\ufeff", "").casefold()
    text = text.replace("e-mail", "email")
    return "".join(ch for ch in text if ch.isalnum())


def _build_aliases() -> dict[str, tuple[str, int]]:
    table: dict[str, tuple[str, int]] = {}
    for name in IMPORT_FIELDS:  # exact field names: a SalesDesk export maps back
        table[normalise(name)] = (name, 0)
    for spec in FIELDS:  # and the labels the card detail shows
        table.setdefault(normalise(spec.label), (spec.name, 0))
    for name, aliases in _ALIASES.items():
        for rank, alias in enumerate(aliases):
            key = normalise(alias)
            if key not in table or table[key][0] == name:
                table[key] = (name, rank)
    for name in _QUIET:
        table[normalise(name)] = (IGNORE, 0)
    return table


_TABLE = _build_aliases()


def guess_field(header: str) -> tuple[str, int] | None:
    """The field a header names and its rank (lower wins), IGNORE for noise, or None."""
    key = normalise(header)
    if not key:
        return None
    if key in _TABLE:
        found = _TABLE[key]
        if found[0] in EXACT_ONLY and header.strip() != found[0]:
            return None
        return found
    numbered = _NUMBERED.match(key)
    if numbered:
        kind, rest = numbered.groups()
        if rest in ("type", "label") or rest.endswith("type"):
            return (IGNORE, 0)
        target = _NUMBERED_FIELDS.get((kind, rest))
        return (target, 50 + int(re.findall(r"\d+", key)[0])) if target else None
    for prefix in _PREFIXES:
        if key.startswith(prefix) and key != prefix:
            inner = _TABLE.get(key[len(prefix) :])
            if inner and inner[0] != IGNORE and inner[0] not in EXACT_ONLY:
                return (inner[0], inner[1] + 20)
    if key.startswith(("organization", "org")):
        rest = key.removeprefix("organization").removeprefix("org")
        if rest in ("name", ""):
            return ("company", 0)
        if rest == "address":
            return ("address", 30)
    return None


@dataclass(frozen=True)
class ColumnMap:
    """How the columns of one file map to fields."""

    headers: tuple[str, ...]
    #: field -> column indexes, best first
    sources: dict[str, tuple[int, ...]]
    #: columns not imported (reported; kept in notes with --keep-extra)
    unmapped: tuple[int, ...] = ()
    #: columns ignored on purpose (ids of a SalesDesk export, Google's type labels)
    ignored: tuple[int, ...] = ()
    overridden: frozenset[int] = field(default_factory=frozenset)

    def label(self, name: str) -> str:
        """The column name(s) a field comes from, for error messages."""
        if name == "name" and "name" not in self.sources:
            parts = [self.headers[i] for p in NAME_PARTS for i in self.sources.get(p, ())]
            if parts:
                return " + ".join(parts)
            if "company" in self.sources:
                return self.label("company")
        columns = self.sources.get(name, ())
        return self.headers[columns[0]] if columns else name

    def labels(self) -> dict[str, str]:
        return {name: self.label(name) for name in (*self.sources, "name")}

    def pairs(self) -> list[tuple[str, str]]:
        """(column, where it goes) for every mapped column, in file order: a second phone
        or email column goes to the card's further phones or emails."""
        from salesdesk.data.io.contacts import label_of

        owner = {i: name for name, cols in self.sources.items() for i in cols}
        for name in POINT_FIELDS:
            for i in self.sources.get(name, ())[1:]:
                label = label_of(self.headers[i])
                owner[i] = f"more {name}s" + (f" ({label})" if label else "")
        for i in self.sources.get("phone", ())[:1]:
            if label_of(self.headers[i]) == "fax":
                owner[i] = "more phones (fax)"
        return [(self.headers[i], owner[i]) for i in sorted(owner)]

    def _split_plain(
        self, cells: Sequence[str], keep_extra: bool
    ) -> tuple[dict[str, str], list[tuple[str, str]], list[tuple[str, str, str]]]:
        """:meth:`split` of a row of the common file (see ``__post_init__``), reaching
        every column it reads: the same values, without a test per cell."""
        values = {name: text for name, index in self._single  # type: ignore[attr-defined]
                  if (text := cells[index].strip(TRIM))}
        points = [(name, label, text)
                  for name, index, label, _typed in self._points  # type: ignore[attr-defined]
                  if (text := cells[index].strip(TRIM))]
        extra = [(self.headers[i], text) for i in self.unmapped
                 if (text := cells[i].strip())] if keep_extra else []
        return values, extra, points

    @property
    def unmapped_names(self) -> list[str]:
        return [self.headers[i] for i in self.unmapped]

    def has_name(self) -> bool:
        return any(name in self.sources for name in ("name", "company", *NAME_PARTS))

    def __post_init__(self) -> None:
        from salesdesk.data.io.contacts import label_of

        keys = [normalise(h) for h in self.headers]
        points = []
        for name in POINT_FIELDS:
            for index in self.sources.get(name, ()):
                numbered = re.match(r"^(email|phone)(\d+)value$", keys[index])
                typed = -1
                if numbered:  # Google: "Phone 1 - Type" beside "Phone 1 - Value"
                    for suffix in ("type", "label"):
                        wanted = f"{numbered.group(1)}{numbered.group(2)}{suffix}"
                        if wanted in keys:
                            typed = keys.index(wanted)
                points.append((name, index, label_of(self.headers[index]), typed))
        for name in POINT_COLUMNS:
            points.extend((name, index, "", -1) for index in self.sources.get(name, ()))
        rest = {n: cols for n, cols in self.sources.items()
                if n not in POINT_FIELDS and n not in POINT_COLUMNS}
        single = [(n, cols[0]) for n, cols in rest.items() if len(cols) == 1]
        multi = [(n, cols) for n, cols in rest.items() if len(cols) > 1]
        object.__setattr__(self, "_single", tuple(single))
        object.__setattr__(self, "_multi", tuple(multi))
        object.__setattr__(self, "_points", tuple(points))
        # The common file: one column a field, phones and emails one a column and untyped.
        # A row of it that reaches every column these name is read by :meth:`_split_plain`.
        plain = not multi and all(typed < 0 and name in POINT_FIELDS
                                  for name, _i, _l, typed in points)
        used = [i for _n, i in single] + [i for _n, i, _l, _t in points] + list(self.unmapped)
        object.__setattr__(self, "_plain_width", max(used, default=-1) + 1 if plain else -1)

    def split(
        self, cells: Sequence[str], keep_extra: bool
    ) -> tuple[dict[str, str], list[tuple[str, str]], list[tuple[str, str, str]]]:
        """One row's cells -> (field texts, extra (column, value) pairs for the notes, every
        phone and email as (phone | email, type, value))."""
        width = len(cells)
        if width >= self._plain_width >= 0:  # type: ignore[attr-defined]
            return self._split_plain(cells, keep_extra)
        from salesdesk.data.io.contacts import label_of

        values: dict[str, str] = {}
        extra: list[tuple[str, str]] = []
        points: list[tuple[str, str, str]] = []
        for name, index in self._single:  # type: ignore[attr-defined]
            if index < width:
                text = cells[index].strip(TRIM)
                if text:
                    values[name] = text
        for name, columns in self._multi:  # type: ignore[attr-defined]
            found = [c for c in (cells[i].strip(TRIM) for i in columns if i < width) if c]
            if not found:
                continue
            joiner = JOINED.get(name)
            if joiner is not None:
                values[name] = joiner.join(dict.fromkeys(found))
                continue
            values[name] = found[0]
            if keep_extra and len(found) > 1:
                for i in columns[1:]:
                    text = cells[i].strip(TRIM) if i < width else ""
                    if text and text != found[0]:
                        extra.append((self.headers[i], text))
        for name, index, label, typed in self._points:  # type: ignore[attr-defined]
            text = cells[index].strip(TRIM) if index < width else ""
            if text and name in POINT_COLUMNS:
                kind = "phone*" if name == "other_phones" else "email*"  # (*: never main)
                points.extend((kind, lab, value) for lab, value in point_cell_values(text))
            elif text:
                if 0 <= typed < width and cells[typed].strip():
                    label = label_of(cells[typed]) or label
                points.append((name, label, text))
        if keep_extra:
            for i in self.unmapped:
                text = cells[i].strip() if i < width else ""
                if text:
                    extra.append((self.headers[i], text))
        return values, extra, points


def _column_index(headers: Sequence[str], column: str) -> int | None:
    if column in headers:
        return list(headers).index(column)
    wanted = normalise(column)
    for index, header in enumerate(headers):
        if normalise(header) == wanted:
            return index
    if column.isdecimal() and 1 <= int(column) <= len(headers):
        return int(column) - 1
    return None


def parse_overrides(items: Sequence[str]) -> dict[str, str]:
    """``["Mobile=phone", "Fax=ignore"]`` -> {column: field}; InputError if malformed."""
    out: dict[str, str] = {}
    for item in items:
        column, sep, target = item.rpartition("=")
        column, target = column.strip(), target.strip().lower()
        if not sep or not column or not target:
            raise InputError(f"invalid --map {item!r}: use COLUMN=FIELD, e.g. 'Mobile=phone'")
        if target not in IMPORT_FIELDS and target not in (IGNORE, "-"):
            raise InputError(
                f"invalid --map {item!r}: unknown field {target!r}; use one of "
                f"{', '.join(IMPORT_FIELDS)} or ignore"
            )
        out[column] = IGNORE if target == "-" else target
    return out


def split_import_options(typed: str) -> tuple[list[str], str | None, str | None]:
    """The import screen's Columns field: ``COLUMN=FIELD`` pairs, comma-separated, plus
    ``encoding=NAME`` and ``locale=en|eu`` (as ``--encoding`` and ``--locale``)."""
    from salesdesk.data.io.encoding import codec_name
    from salesdesk.rules.settings import parse_setting

    pairs: list[str] = []
    encoding = locale = None
    for item in (p.strip() for p in typed.split(",")):
        key, _sep, value = item.partition("=")
        if key.strip().lower() == "encoding" and value.strip():
            encoding = codec_name(value)
        elif key.strip().lower() == "locale" and value.strip():
            locale = parse_setting("amount_locale", value)
        elif item:
            pairs.append(item)
    return pairs, encoding, locale


def map_columns(headers: Sequence[str], overrides: Mapping[str, str] | None = None) -> ColumnMap:
    """Map ``headers`` to fields; ``overrides`` is {column: field or 'ignore'}."""
    headers = tuple(headers)
    chosen: dict[int, tuple[str, int]] = {}
    overridden: set[int] = set()
    for column, target in (overrides or {}).items():
        index = _column_index(headers, column)
        if index is None and target == EXTRA:
            continue
        if index is None:
            shown = ", ".join(headers[:12]) + (" ..." if len(headers) > 12 else "")
            raise InputError(f"--map: no column {column!r} in the file (columns: {shown})")
        chosen[index] = (target, -1)
        if target != EXTRA:
            overridden.add(index)
    keys = {normalise(h) for h in headers}
    for index, header in enumerate(headers):
        if index in chosen:
            continue
        guess = guess_field(header)
        if guess is None:
            continue
        # Outlook has both "Title" (Mr., Ms.) and "Job Title": the bare one is a salutation.
        if normalise(header) == "title" and "jobtitle" in keys:
            continue
        chosen[index] = guess
    sources: dict[str, list[tuple[int, int]]] = {}
    ignored: list[int] = []
    for index, (target, rank) in chosen.items():
        if target == EXTRA:
            continue
        if target == IGNORE:
            ignored.append(index)
        else:
            sources.setdefault(target, []).append((rank, index))
    ordered = {
        name: tuple(index for _rank, index in sorted(pairs)) for name, pairs in sources.items()
    }
    used = {i for cols in ordered.values() for i in cols} | set(ignored)
    unmapped = tuple(i for i in range(len(headers)) if i not in used and headers[i].strip())
    blank = tuple(i for i in range(len(headers)) if i not in used and not headers[i].strip())
    return ColumnMap(
        headers, ordered, unmapped, tuple(sorted(ignored)) + blank, frozenset(overridden)
    )
