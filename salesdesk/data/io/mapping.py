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

from salesdesk.errors import InputError
from salesdesk.rules.fields import FIELDS

IGNORE = "ignore"
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
IMPORT_FIELDS: tuple[str, ...] = (
    *(spec.name for spec in FIELDS),
    *NAME_PARTS,
    *TIMESTAMPS,
    *IDENTITY,
)
#: Fields whose values from several columns are joined rather than first-non-empty.
JOINED = {"notes": "\n", "tags": ", "}

# Aliases per field, best first: when several columns feed one field (mobile, business
# phone, home phone...), the first non-empty one in this order wins.
_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name", "full name", "contact name", "contact", "contact person", "display name",
        "customer name", "customer", "client name", "client", "person", "person name",
        "deal contact person", "姓名", "名字", "联系人", "联系人姓名", "客户姓名", "客户名称",
        "客户", "名称",
    ),
    "first_name": ("first name", "given name", "firstname", "名"),
    "middle_name": ("middle name", "additional name"),
    "last_name": ("last name", "family name", "surname", "lastname", "姓"),
    "company": (
        "company", "company name", "organization", "organisation", "organization name",
        "organisation name", "org", "account name", "account", "employer", "business name",
        "deal organization", "公司", "公司名称", "单位", "单位名称", "企业", "企业名称",
        "工作单位", "所属公司", "机构",
    ),
    "title": (
        "job title", "jobtitle", "position", "role", "job", "designation", "organization title",
        "title", "职务", "职位", "头衔", "岗位",
    ),
    "phone": (
        "mobile", "mobile phone", "mobile phone number", "mobile number", "cell", "cell phone",
        "phone mobile", "phone", "phone number", "telephone", "tel", "primary phone",
        "phone work", "business phone", "work phone", "company main phone", "phone home",
        "home phone", "phone other", "other phone", "手机", "手机号", "手机号码", "移动电话",
        "电话", "联系电话", "电话号码", "联系方式", "办公电话", "座机", "固话",
    ),
    "email": (
        "email", "email address", "primary email", "mail", "email work", "work email",
        "email home", "email other", "email 2 address", "email 3 address", "邮箱", "电子邮箱",
        "电子邮件", "邮件", "邮箱地址", "email地址",
    ),
    "wechat": (
        "wechat", "wechat id", "weixin", "微信", "微信号", "微信id", "微信 id", "wx",
    ),
    "address": (
        "address", "full address", "street address", "street", "mailing address",
        "business address", "business street", "home address", "home street",
        "other address", "other street", "organization address", "地址", "详细地址",
        "联系地址", "公司地址", "通讯地址", "单位地址",
    ),
    "area": (
        "area", "district", "region", "territory", "zone", "city", "town", "location",
        "business city", "home city", "other city", "区域", "地区", "片区", "区县", "城区",
        "城市", "所在地区", "所在城市", "所在区域",
    ),
    "notes": (
        "notes", "note", "comments", "comment", "remarks", "remark", "description", "memo",
        "备注", "说明", "描述", "留言", "备注信息",
    ),
    "value": (
        "value", "amount", "deal value", "deal amount", "estimated value", "expected value",
        "opportunity value", "expected revenue", "budget", "金额", "预计金额", "预算",
        "成交金额", "意向金额", "预计成交金额", "预估金额",
    ),
    "grade": (
        "grade", "rating", "abc", "lead grade", "等级", "级别", "客户等级", "客户级别", "分级",
    ),
    "source": (
        "source", "lead source", "original source", "channel", "来源", "客户来源", "渠道",
    ),
    "tags": (
        "tags", "tag", "labels", "label", "categories", "category", "group membership",
        "groups", "标签", "分类", "分组",
    ),
    "birthday": ("birthday", "date of birth", "dob", "birth date", "生日", "出生日期"),
    "product_interest": (
        "product interest", "product", "products", "interested in", "产品", "意向产品",
        "感兴趣产品", "需求产品",
    ),
    "next_date": (
        "next date", "next step date", "next contact", "next follow up", "follow up date",
        "下次联系", "下次联系日期", "下次跟进", "跟进日期", "下次拜访",
    ),
    "next_action": ("next action", "next step", "下一步", "下一步行动", "跟进事项"),
    "size": ("size", "company size", "employees", "规模", "公司规模"),
    "key_account": ("key account", "大客户", "重点客户"),
}
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
        """(column, field) for every mapped column, in file order."""
        owner = {i: name for name, cols in self.sources.items() for i in cols}
        return [(self.headers[i], owner[i]) for i in sorted(owner)]

    @property
    def unmapped_names(self) -> list[str]:
        return [self.headers[i] for i in self.unmapped]

    def has_name(self) -> bool:
        return any(name in self.sources for name in ("name", "company", *NAME_PARTS))

    def __post_init__(self) -> None:
        single = [(n, cols[0]) for n, cols in self.sources.items() if len(cols) == 1]
        multi = [(n, cols) for n, cols in self.sources.items() if len(cols) > 1]
        object.__setattr__(self, "_single", tuple(single))
        object.__setattr__(self, "_multi", tuple(multi))

    def split(
        self, cells: Sequence[str], keep_extra: bool
    ) -> tuple[dict[str, str], list[tuple[str, str]]]:
        """One row's cells -> (field texts, extra (column, value) pairs for the notes)."""
        width = len(cells)
        values: dict[str, str] = {}
        extra: list[tuple[str, str]] = []
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
        if keep_extra:
            for i in self.unmapped:
                text = cells[i].strip() if i < width else ""
                if text:
                    extra.append((self.headers[i], text))
        return values, extra


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


def map_columns(headers: Sequence[str], overrides: Mapping[str, str] | None = None) -> ColumnMap:
    """Map ``headers`` to fields; ``overrides`` is {column: field or 'ignore'}."""
    headers = tuple(headers)
    chosen: dict[int, tuple[str, int]] = {}
    overridden: set[int] = set()
    for column, target in (overrides or {}).items():
        index = _column_index(headers, column)
        if index is None:
            shown = ", ".join(headers[:12]) + (" ..." if len(headers) > 12 else "")
            raise InputError(f"--map: no column {column!r} in the file (columns: {shown})")
        chosen[index] = (target, -1)
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
