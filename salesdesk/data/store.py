"""Queries and commands shared by the TUI and the CLI. Returns plain values, never ORM objects.

Every command is one short transaction and writes one undo-journal entry, so ``undo`` can
reverse regrades, logged touches, edits and status changes, repeatedly, from either shell.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from sqlite3 import Connection
from typing import Any

from salesdesk.data.db import Database
from salesdesk.enums import TOUCH_KINDS, ActivityKind, Stage, Status
from salesdesk.errors import InputError, NotFound
from salesdesk.rules.fields import FIELD_BY_NAME, MAX_TEXT
from salesdesk.rules.grading import Grade, Urgency, score
from salesdesk.rules.man import (
    POTENTIAL_CRITERIA,
    ManResult,
    Tri,
    Verdict,
    assess,
    man_case,
    parse_tri,
    suggest_priority,
    verdict_of_case,
)
from salesdesk.rules.settings import SETTINGS, parse_setting
from salesdesk.text import has_visible

DEFAULT_POOL_TARGET = 50
SETTINGS_DEFAULTS: dict[str, str] = {key: spec.default for key, spec in SETTINGS.items()}

# Columns the board shows; the board never loads more than these.
_CARD_COLUMNS = (
    "id, name, company, grade, status, next_date, next_action, "
    "substr(touched_at, 1, 10), substr(graded_at, 1, 10), substr(reviewed_at, 1, 10), "
    "substr(created_at, 1, 10), money, authority, need, value, key_account, area, "
    "pot_growth + pot_plan + pot_revenue + pot_opportunity + pot_fit + pot_competitive"
    " + pot_relationship, priority, inquiries, purchase_history != '', stage, "
    "phone != '' AND (email != '' OR address != ''), product_interest != ''"
)


_GRADES = {g.value: g for g in Grade}
_fromiso = date.fromisoformat


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


@dataclass(slots=True)
class CardRow:
    """What a board card (or a `list` line) needs: plain values plus the urgency."""

    id: int
    name: str
    company: str
    grade: Grade
    status: str
    next_date: date | None
    next_action: str
    touched_on: date | None
    graded_on: date
    reviewed_on: date | None
    created_on: date
    man: str
    value: float
    key_account: bool
    area: str
    urgency: Urgency
    potential: int = 0  # the seven-point potential score, 0-7
    priority: int = 4  # evidence-based priority level 1-4 (set by hand, or suggested)
    priority_set: bool = False  # True when set by hand

    @property
    def verdict(self) -> Verdict:
        """The MAN verdict (qualified, contact, nurture, drop, incomplete)."""
        return verdict_of_case(self.man)

    @property
    def review_due(self) -> bool:
        return self.status == Status.LIVE and (self.urgency.review_due or self.urgency.past_window)

    @property
    def overdue(self) -> bool:
        return self.status == Status.LIVE and self.urgency.overdue

    @property
    def days_since_touch(self) -> int:
        return self.urgency.days_since_touch


@dataclass(frozen=True)
class ActivityRow:
    id: int
    kind: str
    at: datetime
    note: str
    outcome: str
    from_grade: str | None
    to_grade: str | None


@dataclass(frozen=True)
class ProspectDetail:
    """Everything about one card: its fields (stored values), urgency and timeline."""

    id: int
    fields: dict[str, Any]
    urgency: Urgency
    activities: tuple[ActivityRow, ...]

    def __getitem__(self, key: str) -> Any:
        return self.fields[key]


@dataclass(frozen=True)
class BoardSummary:
    """The header strip: counts at a glance."""

    by_grade: dict[str, int]
    due: int
    overdue: int
    live: int
    pool_target: int
    closed: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- reading


def _card_from_row(row: Sequence[Any], today: date) -> CardRow:
    (
        pid,
        name,
        company,
        grade,
        status,
        next_date,
        next_action,
        touched,
        graded,
        reviewed,
        created,
        money,
        authority,
        need,
        value,
        key_account,
        area,
        potential,
        priority,
        inquiries,
        has_ordered,
        stage,
        full_contact,
        has_interest,
    ) = row
    grade_ = _GRADES[grade]
    graded_on = _fromiso(graded) if graded else today
    reviewed_on = _fromiso(reviewed) if reviewed else None
    last_looked = max(graded_on, reviewed_on) if reviewed_on else graded_on
    next_on = _fromiso(next_date) if next_date else None
    touched_on = _fromiso(touched) if touched else None
    created_on = _fromiso(created) if created else today
    return CardRow(
        pid,
        name,
        company,
        grade_,
        status,
        next_on,
        next_action,
        touched_on,
        graded_on,
        reviewed_on,
        created_on,
        man_case(money, authority, need),
        float(value or 0),
        bool(key_account),
        area,
        score(
            grade_,
            graded_on,
            last_looked,
            touched_on,
            created_on,
            next_on,
            bool(key_account),
            today,
        ),
        int(potential or 0),
        int(priority)
        if priority
        else _suggested_priority(
            status,
            bool(has_ordered),
            int(inquiries or 0),
            stage,
            bool(full_contact),
            bool(has_interest),
            need,
            float(value or 0),
        ),
        bool(priority),
    )


_SEARCH_COLUMNS = ("name", "company", "phone", "email", "area", "tags", "notes")


def _fold(value: str | None) -> str:
    return value.casefold() if value else ""


def _suggested_priority(
    status: str,
    has_ordered: bool,
    inquiries: int,
    stage: str,
    full_contact: bool,
    has_interest: bool,
    need: str,
    value: float,
) -> int:
    """The evidence-based priority level suggested from the card (see README: MAN check)."""
    return int(
        suggest_priority(
            is_customer=status == Status.CUSTOMER,
            has_ordered=has_ordered,
            inquiries=inquiries,
            knows_product_detail=stage in (Stage.INTENTIONAL, Stage.PROSPECTIVE),
            has_full_contact=full_contact,
            has_requirement=has_interest and (value > 0 or need == Tri.YES),
        )
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def urgency_key(card: CardRow) -> tuple[float, int]:
    """Sort key for urgency order: highest score first, then the oldest card (lowest id)."""
    return (-card.urgency.score, card.id)


def list_cards(
    db: Database,
    today: date,
    *,
    statuses: Iterable[str] = (Status.LIVE,),
    grade: str | None = None,
    search: str | None = None,
    due_only: bool = False,
    ids: Iterable[int] | None = None,
) -> list[CardRow]:
    """Cards in urgency order, filtered. Search matches name, company, phone, email, area,
    tags and notes (substring; case-insensitive for Latin letters, Chinese as typed)."""
    statuses = [str(s) for s in statuses]
    where = [f"status IN ({', '.join('?' for _ in statuses)})"]
    params: list[Any] = list(statuses)
    if ids is not None:
        id_list = [int(i) for i in ids]
        if not id_list:
            return []
        where.append(f"id IN ({', '.join('?' for _ in id_list)})")
        params.extend(id_list)
    if grade:
        where.append("grade = ?")
        params.append(str(grade))
    fold = False
    if search and search.strip():
        for term in search.split():
            # SQLite's LIKE folds only ASCII case; for other cased letters (É, Ö, Я) compare
            # casefolded text through a Python function, only when the term needs it.
            needs_fold = not term.isascii() and term.casefold() != term.upper()
            fold = fold or needs_fold
            col = "sd_fold({})" if needs_fold else "{}"
            pattern = _like(term.casefold() if needs_fold else term)
            where.append(
                "("
                + " OR ".join(f"{col.format(c)} LIKE ? ESCAPE '\\'" for c in _SEARCH_COLUMNS)
                + ")"
            )
            params.extend([pattern] * len(_SEARCH_COLUMNS))
    sql = f"SELECT {_CARD_COLUMNS} FROM prospect WHERE {' AND '.join(where)}"
    with db.connect() as conn:
        # The board's hot path: straight to the DB-API cursor, no result-processing layer.
        raw = conn
        if fold:
            raw.create_function("sd_fold", 1, _fold, deterministic=True)
        cursor = raw.cursor()
        try:
            rows = cursor.execute(sql, tuple(params)).fetchall()
        finally:
            cursor.close()
    cards = [_card_from_row(row, today) for row in rows]
    if due_only:
        cards = [c for c in cards if c.review_due or c.overdue]
    cards.sort(key=urgency_key)
    return cards


def get_card(db: Database, prospect_id: int, today: date) -> CardRow:
    if not 0 < prospect_id <= MAX_ID:
        raise NotFound(f"no prospect with id {prospect_id}")
    with db.connect() as conn:
        row = conn.execute(
            f"SELECT {_CARD_COLUMNS} FROM prospect WHERE id = ?", (prospect_id,)
        ).fetchone()
    if row is None:
        raise NotFound(f"no prospect with id {prospect_id}")
    return _card_from_row(row, today)


MAX_ID = 2**63 - 1


def _raw_prospect(conn: Connection, prospect_id: int) -> dict[str, Any] | None:
    if not 0 < prospect_id <= MAX_ID:
        return None
    result = conn.execute("SELECT * FROM prospect WHERE id = ?", (prospect_id,))
    row = result.fetchone()
    return dict(zip([c[0] for c in result.description], row, strict=True)) if row else None


def _typed(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Stored raw values -> Python values (dates, datetimes, bools)."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        spec = FIELD_BY_NAME.get(key)
        if value is not None and key.endswith("_at"):
            value = datetime.fromisoformat(value)
        elif spec and spec.kind == "date" and value is not None:
            value = date.fromisoformat(value[:10])
        elif spec and spec.kind == "bool":
            value = bool(value)
        out[key] = value
    return out


def get_prospect(db: Database, prospect_id: int, today: date) -> ProspectDetail:
    """The whole card with its timeline (newest first); NotFound if the id is unknown."""
    with db.connect() as conn:
        raw = _raw_prospect(conn, prospect_id)
        if raw is None:
            raise NotFound(f"no prospect with id {prospect_id}")
        acts = conn.execute(
            "SELECT id, kind, at, note, outcome, from_grade, to_grade FROM activity "
            "WHERE prospect_id = ? ORDER BY at DESC, id DESC",
            (prospect_id,),
        ).fetchall()
    card = get_card(db, prospect_id, today)
    activities = tuple(
        ActivityRow(a[0], a[1], datetime.fromisoformat(a[2]), a[3], a[4], a[5], a[6]) for a in acts
    )
    return ProspectDetail(prospect_id, _typed(raw), card.urgency, activities)


def summary(db: Database, today: date) -> BoardSummary:
    """Counts for the header strip: by grade, due for review, overdue, pool vs target."""
    cards = list_cards(db, today)
    return summarise(cards, pool_target(db), closed_counts(db))


def summarise(cards: Sequence[CardRow], target: int, closed: dict[str, int]) -> BoardSummary:
    by_grade = {g.value: 0 for g in Grade}
    for card in cards:
        by_grade[card.grade.value] += 1
    return BoardSummary(
        by_grade=by_grade,
        due=sum(1 for c in cards if c.review_due),
        overdue=sum(1 for c in cards if c.overdue),
        live=len(cards),
        pool_target=target,
        closed=closed,
    )


def closed_counts(db: Database) -> dict[str, int]:
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT status, count(*) FROM prospect WHERE status != 'live' GROUP BY status"
        ).fetchall()
    return {status: count for status, count in rows}


def count_prospects(db: Database) -> int:
    with db.connect() as conn:
        return int(conn.execute("SELECT count(*) FROM prospect").fetchone()[0])


# --------------------------------------------------------------------------- settings


def get_setting(db: Database, key: str) -> str:
    """A setting's stored value, or its default."""
    if key not in SETTINGS:
        raise InputError(f"unknown setting {key!r}: known are {', '.join(SETTINGS)}")
    with db.connect() as conn:
        row = conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row is not None else SETTINGS[key].default


def get_settings(db: Database) -> dict[str, str]:
    """Every setting, stored or default."""
    with db.connect() as conn:
        stored: dict[str, str] = dict(
            conn.execute("SELECT key, value FROM setting").fetchall()
        )
    return {key: str(stored.get(key, spec.default)) for key, spec in SETTINGS.items()}


def set_setting(db: Database, key: str, value: str) -> None:
    """Validate and store a setting (InputError with a clear message if invalid)."""
    value = parse_setting(key, value)
    with db.begin() as conn:
        conn.execute(
            "INSERT INTO setting (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def pool_target(db: Database) -> int:
    return int(get_setting(db, "pool_target"))


# --------------------------------------------------------------------------- writing


def _ts(moment: datetime) -> str:
    """Datetimes are stored the way SQLAlchemy stores them, so both read them back alike."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def sql_value(value: Any) -> Any:
    """A Python value as SQLite stores it (datetimes as SQLAlchemy writes them, ISO dates,
    0/1 for booleans)."""
    if isinstance(value, datetime):
        return _ts(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


#: Tables the undo journal may touch, children first (deletion order).
JOURNAL_TABLES = ("activity", "visit", "prospect")


class Change:
    """One undoable command: collects before-images of the rows it touches.

    Use it inside one transaction: ``snapshot``/``update`` rows, ``insert`` new ones, then
    ``record``. Undo restores every before-image and deletes every row the change added.
    """

    def __init__(self, conn: Connection, label: str = "") -> None:
        self.conn = conn
        self.label = label
        self.rows: dict[str, dict[str, dict[str, Any] | None]] = {}

    # generic rows ----------------------------------------------------------------
    def raw(self, table: str, row_id: int) -> dict[str, Any] | None:
        assert table in JOURNAL_TABLES
        result = self.conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
        row = result.fetchone()
        return dict(zip([c[0] for c in result.description], row, strict=True)) if row else None

    def snapshot_row(self, table: str, row_id: int) -> dict[str, Any] | None:
        """Remember the row as it is now (once per change); return it (None if missing)."""
        raw = self.raw(table, row_id) if 0 < row_id <= MAX_ID else None
        if raw is not None:
            self.rows.setdefault(table, {}).setdefault(str(row_id), dict(raw))
        return raw

    def insert(self, table: str, values: Mapping[str, Any]) -> int:
        """Insert a row that undo will delete; returns its id."""
        assert table in JOURNAL_TABLES
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.conn.execute(
            f"INSERT INTO {table} ({cols}) VALUES ({marks})",
            tuple(sql_value(v) for v in values.values()),
        )
        row_id = int(cursor.lastrowid or 0)
        self.rows.setdefault(table, {})[str(row_id)] = None
        return row_id

    def update_row(self, table: str, row_id: int, values: Mapping[str, Any]) -> None:
        assert table in JOURNAL_TABLES
        if not values:
            return
        self.snapshot_row(table, row_id)
        cols = ", ".join(f"{name} = ?" for name in values)
        params = tuple(sql_value(v) for v in values.values()) + (row_id,)
        self.conn.execute(f"UPDATE {table} SET {cols} WHERE id = ?", params)

    def delete_row(self, table: str, row_id: int) -> None:
        self.snapshot_row(table, row_id)
        self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))

    # prospects and activities ------------------------------------------------------
    def snapshot(self, prospect_id: int) -> dict[str, Any]:
        raw = self.snapshot_row("prospect", prospect_id)
        if raw is None:
            raise NotFound(f"no prospect with id {prospect_id}")
        return raw

    def created(self, prospect_id: int) -> None:
        self.rows.setdefault("prospect", {})[str(prospect_id)] = None

    def update(self, prospect_id: int, values: Mapping[str, Any]) -> None:
        self.update_row("prospect", prospect_id, values)

    def activity(
        self,
        prospect_id: int,
        kind: str,
        at: datetime,
        note: str = "",
        outcome: str = "",
        from_grade: str | None = None,
        to_grade: str | None = None,
        visit_id: int | None = None,
    ) -> int:
        return self.insert(
            "activity",
            {
                "prospect_id": prospect_id,
                "kind": str(kind),
                "at": at,
                "note": note,
                "outcome": outcome,
                "from_grade": from_grade,
                "to_grade": to_grade,
                "visit_id": visit_id,
            },
        )

    def record(self, now: datetime) -> None:
        data = json.dumps({"rows": self.rows})
        self.conn.execute(
            "INSERT INTO journal (at, label, data) VALUES (?, ?, ?)", (_ts(now), self.label, data)
        )


_Change = Change


def _name(raw: Mapping[str, Any]) -> str:
    return str(raw["name"])


def _check_lengths(values: Mapping[str, Any]) -> None:
    """Text fields hold at most MAX_TEXT characters, whichever way they arrive."""
    for key, value in values.items():
        if isinstance(value, str) and len(value) > MAX_TEXT and key in FIELD_BY_NAME:
            label = FIELD_BY_NAME[key].label
            raise InputError(
                f"{label} is too long ({len(value):,} characters, at most {MAX_TEXT:,})"
            )


def add_prospect(db: Database, now: datetime, name: str, **values: Any) -> int:
    """Create a card and return its id. ``values`` are field names with parsed values."""
    if not name or not has_visible(name):
        raise InputError("a prospect needs a name (one with visible characters)")
    unknown = [key for key in values if key not in FIELD_BY_NAME]
    if unknown:
        raise InputError(f"unknown field(s): {', '.join(unknown)}")
    row: dict[str, Any] = {
        "name": name.strip(),
        "kind": "person",
        "grade": Grade.C.value,
        "status": Status.LIVE.value,
        "stage": Stage.TARGET.value,
        "money": Tri.UNKNOWN.value,
        "authority": Tri.UNKNOWN.value,
        "need": Tri.UNKNOWN.value,
        "value": 0.0,
        "key_account": False,
        "created_at": now,
        "graded_at": now,
    }
    for text_field in (s.name for s in FIELD_BY_NAME.values() if s.kind in ("text", "long")):
        row.setdefault(text_field, "")
    for spec in FIELD_BY_NAME.values():
        if spec.kind == "bool":
            row.setdefault(spec.name, False)
    row.update({k: v for k, v in values.items() if v is not None})
    _check_lengths(row)
    if row["grade"] not in Grade.__members__:
        raise InputError(f"invalid grade {row['grade']!r}: use A, B or C")
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    with db.begin() as conn:
        cursor = conn.execute(
            f"INSERT INTO prospect ({cols}) VALUES ({marks})",
            tuple(sql_value(v) for v in row.values()),
        )
        prospect_id = int(cursor.lastrowid or 0)
        change = _Change(conn, f"add {row['name']}")
        change.created(prospect_id)
        change.record(now)
    return prospect_id


def regrade(db: Database, now: datetime, prospect_id: int, grade: str) -> str:
    """Set the grade (A/B/C). Same grade counts as a review ("keep"). Returns the old grade.

    A closed card (customer, parked...) that is graded becomes live again.
    """
    with db.begin() as conn:
        change = _Change(conn, "")
        raw = change.snapshot(prospect_id)
        change.label = _apply_grade(change, raw, prospect_id, Grade(grade), now)
        change.record(now)
    return str(raw["grade"])


def _apply_grade(
    change: Change, raw: Mapping[str, Any], prospect_id: int, new: Grade, now: datetime
) -> str:
    """Grade a card inside ``change`` (reopening a closed one); returns the undo label."""
    old = str(raw["grade"])
    reopened = raw["status"] != Status.LIVE
    values: dict[str, Any] = {"grade": new.value, "graded_at": now, "reviewed_at": now}
    if reopened:
        values.update(status=Status.LIVE.value, closed_at=None)
    change.update(prospect_id, values)
    if reopened:
        change.activity(
            prospect_id, ActivityKind.STATUS, now, note=f"{raw['status']} → {Status.LIVE.value}"
        )
    if reopened:
        change.activity(prospect_id, ActivityKind.GRADE, now, from_grade=old, to_grade=new)
        return f"reopen {_name(raw)} ({raw['status']}) as {new}"
    if old != new:
        change.activity(prospect_id, ActivityKind.GRADE, now, from_grade=old, to_grade=new)
        return f"regrade {_name(raw)} {old}→{new}"
    return f"review {_name(raw)} (kept {new})"


def next_step_values(
    next_date: date | None,
    next_action: str | None,
    next_topic: str | None,
    *,
    clear_next: bool = False,
) -> dict[str, Any]:
    """The card columns a logged touch or a done visit sets for the next step: ``clear_next``
    empties it first; None leaves a part as it is."""
    values: dict[str, Any] = {}
    if clear_next:
        values.update(next_date=None, next_action="")
    if next_date is not None:
        values["next_date"] = next_date
    if next_action is not None:
        values["next_action"] = next_action
    if next_topic is not None:
        values["next_topic"] = next_topic
    return values


def log_touch(
    db: Database,
    now: datetime,
    prospect_id: int,
    kind: str,
    note: str = "",
    *,
    outcome: str = "",
    next_date: date | None = None,
    next_action: str | None = None,
    next_topic: str | None = None,
    clear_next: bool = False,
) -> int:
    """Log a call/visit/message/...; optionally set the next step. Returns the activity id."""
    try:
        kind_ = ActivityKind(kind.strip().lower())
        if kind_ not in TOUCH_KINDS:
            raise ValueError(kind)
    except ValueError:
        raise InputError(
            f"invalid kind {kind!r}: use call, visit, message, email, meeting or note"
        ) from None
    with db.begin() as conn:
        change = _Change(conn, "")
        raw = change.snapshot(prospect_id)
        activity_id = change.activity(prospect_id, kind_, now, note=note, outcome=outcome)
        values: dict[str, Any] = {"touched_at": now}
        values.update(next_step_values(next_date, next_action, next_topic, clear_next=clear_next))
        change.update(prospect_id, values)
        change.label = f"log {kind_} with {_name(raw)}"
        change.record(now)
    return activity_id


def set_next_step(
    db: Database,
    now: datetime,
    prospect_id: int,
    next_date: date | None,
    action: str | None = None,
) -> None:
    """Set (or clear, with None) the next-step date, and optionally the action."""
    with db.begin() as conn:
        change = _Change(conn, "")
        raw = change.snapshot(prospect_id)
        values: dict[str, Any] = {"next_date": next_date}
        if action is not None:
            values["next_action"] = action
        change.update(prospect_id, values)
        when = next_date.isoformat() if next_date else "none"
        change.label = f"next step of {_name(raw)} → {when}"
        change.record(now)


def update_fields(
    db: Database, now: datetime, prospect_id: int, values: Mapping[str, Any]
) -> list[str]:
    """Edit fields (already parsed with :func:`fields.parse_field`). Returns the changed names.

    Grade and status changes go through the same bookkeeping as regrade and won/drop.
    """
    for key in values:
        if key not in FIELD_BY_NAME:
            raise InputError(f"unknown field {key!r}")
    if "name" in values and not has_visible(str(values["name"])):
        raise InputError("Name cannot be empty (or only invisible characters)")
    _check_lengths(values)
    with db.begin() as conn:
        change = _Change(conn, "")
        raw = change.snapshot(prospect_id)
        typed = _typed(raw)
        changed = {k: v for k, v in values.items() if typed.get(k) != v}
        if not changed:
            return []
        others = {k: v for k, v in changed.items() if k not in ("grade", "status")}
        edited = [k for k in others if k != "stage"]
        if edited:
            labels = ", ".join(FIELD_BY_NAME[k].label.lower() for k in edited)
            change.activity(prospect_id, ActivityKind.EDIT, now, note=f"edited {labels}")
        if "stage" in others:
            _stage_moved(change, prospect_id, str(raw["stage"]), str(others["stage"]), now)
        if others:
            change.update(prospect_id, others)
            raw = {**raw, **others}
        # Grade and status follow the same rules as `a`/`b`/`c`, W, p and x on the board:
        # grading a closed card reopens it; winning one sets the customer stage.
        if "grade" in changed:
            _apply_grade(change, raw, prospect_id, Grade(changed["grade"]), now)
            raw = {**raw, "status": Status.LIVE.value}
        if "status" in changed and changed["status"] != raw["status"]:  # (not reopened above)
            _apply_status(change, raw, prospect_id, Status(changed["status"]), now)
        labels = ", ".join(FIELD_BY_NAME[k].label.lower() for k in changed)
        change.label = f"edit {_name(raw)}: {labels}"
        change.record(now)
    return list(changed)


def set_status(
    db: Database, now: datetime, prospect_id: int, status: str, *, value: float | None = None
) -> str:
    """Mark a card won (customer), parked, dropped, lost, or live again. Returns the old status."""
    with db.begin() as conn:
        change = _Change(conn, "")
        raw = change.snapshot(prospect_id)
        if raw["status"] == Status(status):  # nothing to record (and no second "win")
            already = "a customer" if status == Status.CUSTOMER else status
            raise InputError(f"{_name(raw)} is already {already}")
        change.label = _apply_status(change, raw, prospect_id, Status(status), now, value)
        change.record(now)
    return str(raw["status"])


def _apply_status(
    change: Change,
    raw: Mapping[str, Any],
    prospect_id: int,
    new: Status,
    now: datetime,
    value: float | None = None,
) -> str:
    """Change a card's status inside ``change``; returns the undo label.

    Winning a card makes it a customer at the customer stage with no pending next step.
    """
    old = str(raw["status"])
    values: dict[str, Any] = {
        "status": new.value,
        "closed_at": None if new == Status.LIVE else now,
    }
    if new == Status.CUSTOMER:
        values["stage"] = Stage.CUSTOMER.value
        values["next_date"] = None
        values["next_action"] = ""  # no next step: neither a date nor an action left
    if value is not None:
        values["value"] = value
    change.update(prospect_id, values)
    note = f"{old} → {new}"
    if new == Status.CUSTOMER and value is not None:
        note += f" ({value:,.0f})"
    if new == Status.CUSTOMER:  # (recorded first: the timeline shows the win on top)
        _stage_moved(change, prospect_id, str(raw["stage"]), Stage.CUSTOMER.value, now)
    change.activity(prospect_id, ActivityKind.STATUS, now, note=note)
    verb = {Status.CUSTOMER: "won", Status.LIVE: "reopen"}.get(new, new.value)
    return f"{verb} {_name(raw)}"


def _stage_moved(change: Change, prospect_id: int, old: str, new: str, now: datetime) -> None:
    """Record a stage change on the timeline, so the weekly review's funnel can tell a
    card's stage at the end of any past week."""
    if old != new:
        change.activity(prospect_id, ActivityKind.STAGE, now, note=f"{old} → {new}")


def _check_only(
    conn: Connection,
    rows: Mapping[str, Mapping[str, Mapping[str, Any] | None]],
    prospect_id: int,
    label: str,
) -> None:
    """Refuse (InputError) unless the change only edited the card ``prospect_id``."""
    if rows.get("prospect", {}).get(str(prospect_id), {}) is None:
        raise InputError(
            f"the last change added this card ({label}): undo it on the board if you mean "
            "to remove the card"
        )
    cards = {int(key) for key in rows.get("prospect", {})}
    for table in ("activity", "visit"):
        for key, before in rows.get(table, {}).items():
            if before is not None:
                cards.add(int(before["prospect_id"]))
            else:
                found = conn.execute(
                    f"SELECT prospect_id FROM {table} WHERE id = ?", (int(key),)
                ).fetchone()
                if found is not None:
                    cards.add(int(found[0]))
    if cards - {prospect_id}:
        raise InputError(
            f"the last change was not to this card ({label}): undo it on the board"
        )


@dataclass(frozen=True)
class UndoResult:
    label: str
    prospect_ids: tuple[int, ...]


def last_change(db: Database) -> str | None:
    with db.connect() as conn:
        row = conn.execute("SELECT label FROM journal ORDER BY id DESC LIMIT 1").fetchone()
    return str(row[0]) if row is not None else None


def undo(db: Database, *, only_prospect: int | None = None) -> UndoResult | None:
    """Reverse the most recent change (from the TUI or the CLI). None if nothing to undo.

    With ``only_prospect`` (undo inside a card's detail), the change must be an edit of that
    card alone: one that concerns other cards, or that created this card, is refused with
    an InputError saying so, and nothing changes.
    """
    with db.begin() as conn:
        row = conn.execute(
            "SELECT id, label, data FROM journal ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        journal_id, label, data = row
        payload = json.loads(data)
        if "rows" not in payload:
            raise InputError(f"cannot undo {label!r}: its record is in an unknown format")
        rows: dict[str, dict[str, dict[str, Any] | None]] = payload["rows"]
        if only_prospect is not None:
            _check_only(conn, rows, only_prospect, label)
        if payload.get("import_batch"):  # undoing a whole import: forget the batch too
            conn.execute("DELETE FROM importbatch WHERE id = ?", (payload["import_batch"],))
        prospect_ids: list[int] = [int(k) for k in rows.get("prospect", {})]
        # Delete what the change added, children first.
        for table in JOURNAL_TABLES:
            for key, before in rows.get(table, {}).items():
                if before is not None:
                    continue
                if table == "prospect":
                    for child in ("activity", "visit"):
                        conn.execute(
                            f"DELETE FROM {child} WHERE prospect_id = ?", (int(key),)
                        )
                conn.execute(f"DELETE FROM {table} WHERE id = ?", (int(key),))
        # Put back what it changed or deleted, parents first.
        for table in reversed(JOURNAL_TABLES):
            for key, before in rows.get(table, {}).items():
                if before is None:
                    continue
                if "prospect_id" in before and before["prospect_id"] not in prospect_ids:
                    prospect_ids.append(int(before["prospect_id"]))
                cols = [c for c in before if c != "id"]
                exists = conn.execute(
                    f"SELECT 1 FROM {table} WHERE id = ?", (int(key),)
                ).fetchone()
                if exists:
                    conn.execute(
                        f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                        tuple(before[c] for c in cols) + (int(key),),
                    )
                else:
                    conn.execute(
                        f"INSERT INTO {table} (id, {', '.join(cols)}) "
                        f"VALUES (?, {', '.join('?' for _ in cols)})",
                        (int(key), *(before[c] for c in cols)),
                    )
        conn.execute("DELETE FROM journal WHERE id = ?", (journal_id,))
    return UndoResult(label, tuple(prospect_ids))


# --------------------------------------------------------------------------- MAN check


@dataclass(frozen=True)
class ManState:
    """A card's MAN answers and what they mean, for the MAN check screen and CLI."""

    id: int
    name: str
    company: str
    status: str
    money: str
    authority: str
    need: str
    decider: str
    potential: dict[str, bool]
    priority: int
    priority_set: bool
    result: ManResult


def get_man(db: Database, prospect_id: int, today: date) -> ManState:
    """The MAN answers, potential toggles and priority of one card."""
    with db.connect() as conn:
        raw = _raw_prospect(conn, prospect_id)
    if raw is None:
        raise NotFound(f"no prospect with id {prospect_id}")
    card = get_card(db, prospect_id, today)
    return ManState(
        id=prospect_id,
        name=str(raw["name"]),
        company=str(raw["company"]),
        status=str(raw["status"]),
        money=str(raw["money"]),
        authority=str(raw["authority"]),
        need=str(raw["need"]),
        decider=str(raw["decider"]),
        potential={key: bool(raw[key]) for key, _label in POTENTIAL_CRITERIA},
        priority=card.priority,
        priority_set=card.priority_set,
        result=assess(Tri(raw["money"]), Tri(raw["authority"]), Tri(raw["need"])),
    )


_MAN_ELEMENTS = {"money": "money", "authority": "authority", "need": "need"}


def set_man(
    db: Database,
    now: datetime,
    prospect_id: int,
    *,
    money: str | None = None,
    authority: str | None = None,
    need: str | None = None,
    decider: str | None = None,
) -> ManResult:
    """Set any of the three MAN answers (yes/no/unknown) and the decision-maker's name.

    Logged in the timeline as what changed, e.g. "MAN M?N → MAN (qualified): authority yes".
    """
    answers = {"money": money, "authority": authority, "need": need}
    values: dict[str, Any] = {}
    for key, answer in answers.items():
        if answer is not None:
            try:
                values[key] = parse_tri(answer).value
            except ValueError as exc:
                raise InputError(f"{key}: {exc}") from None
    if decider is not None:
        if len(decider) > 200:
            raise InputError("the decision-maker's name is too long (200 characters at most)")
        values["decider"] = decider.strip()
    with db.begin() as conn:
        change = Change(conn)
        raw = change.snapshot(prospect_id)
        changed = {k: v for k, v in values.items() if raw[k] != v}
        old_case = man_case(raw["money"], raw["authority"], raw["need"])
        merged = {k: changed.get(k, raw[k]) for k in ("money", "authority", "need")}
        result = assess(Tri(merged["money"]), Tri(merged["authority"]), Tri(merged["need"]))
        if not changed:
            return result
        change.update(prospect_id, changed)
        parts = [
            f"{k} {v}" if k != "decider" else f"decider {v or '(none)'}" for k, v in changed.items()
        ]
        note = f"MAN {old_case} → {result.case} ({result.verdict.label}): {', '.join(parts)}"
        change.activity(prospect_id, ActivityKind.MAN, now, note=note)
        change.label = f"MAN of {_name(raw)}: {', '.join(parts)}"
        change.record(now)
    return result


def set_potential(
    db: Database, now: datetime, prospect_id: int, criterion: str, value: bool
) -> int:
    """Set one of the seven potential criteria; returns the new score (0-7)."""
    labels = dict(POTENTIAL_CRITERIA)
    if criterion not in labels:
        raise InputError(f"unknown criterion {criterion!r}: use one of {', '.join(labels)}")
    with db.begin() as conn:
        change = Change(conn)
        raw = change.snapshot(prospect_id)
        score_now = sum(bool(raw[key]) for key in labels) - bool(raw[criterion]) + value
        if bool(raw[criterion]) == value:
            return score_now
        change.update(prospect_id, {criterion: value})
        word = "yes" if value else "no"
        change.activity(
            prospect_id,
            ActivityKind.MAN,
            now,
            note=f"potential: {labels[criterion].lower()} {word} (score {score_now}/7)",
        )
        change.label = f"potential of {_name(raw)}: {labels[criterion].lower()} {word}"
        change.record(now)
    return score_now


def set_priority(db: Database, now: datetime, prospect_id: int, level: int | None) -> None:
    """Set the priority level 1-4 by hand, or None to go back to the suggested level."""
    if level is not None and level not in (1, 2, 3, 4):
        raise InputError(f"invalid priority {level!r}: use 1, 2, 3 or 4")
    with db.begin() as conn:
        change = Change(conn)
        raw = change.snapshot(prospect_id)
        if raw["priority"] == level:
            return
        change.update(prospect_id, {"priority": level})
        text = f"priority set to {level}" if level else "priority back to suggested"
        change.activity(prospect_id, ActivityKind.MAN, now, note=text)
        change.label = f"{text} for {_name(raw)}"
        change.record(now)


def man_queue(db: Database, today: date) -> list[int]:
    """The MAN check queue: live cards with MAN incomplete first, then not qualified ones,
    each group in urgency order. Qualified cards are not in the queue."""
    cards = list_cards(db, today)
    incomplete = [c.id for c in cards if c.verdict == Verdict.INCOMPLETE]
    unqualified = [c.id for c in cards if c.verdict not in (Verdict.INCOMPLETE, Verdict.QUALIFIED)]
    return incomplete + unqualified
