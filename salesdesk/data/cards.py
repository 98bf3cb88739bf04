"""Reading cards: the board's rows (only the columns a card shows), one card's whole record
and timeline, and the header's counts. Plain values out, never ORM objects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from sqlite3 import Connection
from typing import Any

from salesdesk.data.complaints import ComplaintCounts, complaint_counts
from salesdesk.data.db import Database
from salesdesk.data.settings import get_setting, pool_target
from salesdesk.data.sql import MAX_ID, fetch_row, like_pattern
from salesdesk.enums import Stage, Status
from salesdesk.errors import InputError, NotFound
from salesdesk.rules import first_contact as first_contact_rules
from salesdesk.rules.complaints import answer_due
from salesdesk.rules.fields import FIELD_BY_NAME, MAX_TEXT
from salesdesk.rules.grading import Grade, Urgency, score
from salesdesk.rules.man import Tri, Verdict, man_case, suggest_priority, verdict_of_case
from salesdesk.rules.pipeline import DEFAULT_PROBABILITIES, Pipeline, parse_probabilities

# Columns the board shows; the board never loads more than these.
_CARD_COLUMNS = (
    "id, name, company, grade, status, next_date, next_action, "
    "substr(touched_at, 1, 10), substr(graded_at, 1, 10), substr(reviewed_at, 1, 10), "
    "substr(created_at, 1, 10), money, authority, need, value, key_account, area, "
    "pot_growth + pot_plan + pot_revenue + pot_opportunity + pot_fit + pot_competitive"
    " + pot_relationship, priority, inquiries, purchase_history != '', stage, "
    "phone != '' AND (email != '' OR address != ''), product_interest != '', next_kind, "
    "oc.c_open, oc.c_first, first_contact_due, first_contact_at"
)
#: The cards with their open complaints: how many, and when the oldest unanswered one
#: came in (one grouped pass over the open complaints, joined by card).
_CARD_FROM = (
    "prospect LEFT JOIN (SELECT prospect_id AS c_pid, count(*) AS c_open, "
    "min(CASE WHEN answered_at IS NULL THEN received_at END) AS c_first "
    "FROM complaint WHERE resolved_at IS NULL GROUP BY prospect_id) oc "
    "ON oc.c_pid = prospect.id"
)


_GRADES = {g.value: g for g in Grade}
_fromiso = date.fromisoformat

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
    next_kind: str = ""  # the next step's kind: call, visit, meeting... ('' with none)
    complaints_open: int = 0  # open (unresolved) complaints
    complaint_due: datetime | None = None  # the oldest unanswered one's answer deadline
    first_contact_due: datetime | None = None  # a new lead's clock, while not contacted

    @property
    def complaint(self) -> str:
        """"running", "missed" (the answer clock), "open" (answered) or "" (none open)."""
        return self.urgency.complaint

    @property
    def first_contact(self) -> str:
        """"running" or "missed" while a new lead waits for its first contact, else ""."""
        return self.urgency.first_contact

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
    """One timeline entry; a recorded change carries its facts (grade, status, stage
    from and to, a win's amount) in typed fields, the note is what the rep reads."""

    id: int
    kind: str
    at: datetime
    note: str
    outcome: str
    from_grade: str | None
    to_grade: str | None
    from_status: str | None = None
    to_status: str | None = None
    amount: float | None = None
    from_stage: str | None = None
    to_stage: str | None = None


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
    complaints: ComplaintCounts = field(default_factory=ComplaintCounts)
    first_contact: tuple[int, int] = (0, 0)  # new leads waiting: (running, missed)
    pipeline: Pipeline | None = None  # the live cards' value by grade and the forecast


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class Clocks:
    """What the complaint and first-contact clocks of a read are judged by."""

    now: datetime
    answer_hours: int


def clocks(db: Database, now: date | datetime) -> Clocks:
    """``now`` (a day alone: its start) and the answer window setting."""
    moment = now if isinstance(now, datetime) else datetime.combine(now, time())
    return Clocks(moment, int(get_setting(db, "complaint_answer_hours")))


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _complaint_state(
    open_count: int | None, first_unanswered: str | None, clock: Clocks
) -> tuple[str, datetime | None]:
    if not open_count:
        return "", None
    if first_unanswered:
        due = answer_due(datetime.fromisoformat(first_unanswered), clock.answer_hours)
        return ("running" if clock.now <= due else "missed"), due
    return "open", None


def _first_contact_state(due: str | None, contacted: str | None, clock: Clocks) -> str:
    if not due or contacted:
        return ""
    return str(first_contact_rules.state(datetime.fromisoformat(due), None, clock.now))


def _card_from_row(row: Sequence[Any], clock: Clocks) -> CardRow:
    today = clock.now.date()
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
        next_kind,
        open_count,
        first_unanswered,
        contact_due,
        contacted,
    ) = row
    complaint, complaint_due = _complaint_state(open_count, first_unanswered, clock)
    first_contact = _first_contact_state(contact_due, contacted, clock)
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
            complaint=complaint,
            first_contact=first_contact,
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
        next_kind or "",
        int(open_count or 0),
        complaint_due,
        _dt(contact_due) if first_contact else None,
    )


#: What the board's filter and ``list --search`` look in; ``pinyin_key`` lets ``wang`` and
#: ``wh`` find 王海燕 (it holds only ASCII, so a Chinese term never matches it by accident).
SEARCH_COLUMNS = (
    "name", "company", "phone", "email", "wechat", "area", "tags", "notes", "pinyin_key",
)


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


def urgency_key(card: CardRow) -> tuple[float, int]:
    """Sort key for urgency order: highest score first, then the oldest card (lowest id)."""
    return (-card.urgency.score, card.id)


#: SQLite refuses a LIKE pattern over 50,000 bytes (SQLITE_MAX_LIKE_PATTERN_LENGTH).
LIKE_LIMIT = 49_000


def list_cards(
    db: Database,
    today: date | datetime,
    *,
    statuses: Iterable[str] = (Status.LIVE,),
    grade: str | None = None,
    search: str | None = None,
    due_only: bool = False,
    ids: Iterable[int] | None = None,
    limit: int | None = None,
) -> list[CardRow]:
    """Cards in urgency order, filtered. Search matches name, company, phone, email, WeChat,
    area, tags and notes (substring; case-insensitive for Latin letters, Chinese as typed),
    and the pinyin of a Chinese name or company (full syllables or initials). ``today``
    may be the moment (the board's): the complaint and first-contact clocks are judged by
    it; a day alone judges them at its start. ``limit``: only the first so many."""
    clock = clocks(db, today)
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
    if search and len(search) > MAX_TEXT:  # (SQLite's LIKE stops at 50,000 bytes)
        raise InputError(
            f"the search is too long ({len(search):,} characters, at most {MAX_TEXT:,})"
        )
    if search and search.strip():
        for term in search.split():
            # SQLite's LIKE folds only ASCII case; for other cased letters (É, Ö, Я) compare
            # casefolded text through a Python function, only when the term needs it.
            needs_fold = not term.isascii() and term.casefold() != term.upper()
            fold = fold or needs_fold
            col = "sd_fold({})" if needs_fold else "{}"
            pattern = like_pattern(term.casefold() if needs_fold else term)
            if len(pattern.encode("utf-8")) > LIKE_LIMIT:
                raise InputError(
                    f"a search word is too long ({len(term):,} characters): search for "
                    "a shorter part of it"
                )
            where.append(
                "("
                + " OR ".join(f"{col.format(c)} LIKE ? ESCAPE '\\'" for c in SEARCH_COLUMNS)
                + ")"
            )
            params.extend([pattern] * len(SEARCH_COLUMNS))
    sql = f"SELECT {_CARD_COLUMNS} FROM {_CARD_FROM} WHERE {' AND '.join(where)}"
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
    cards = [_card_from_row(row, clock) for row in rows]
    if due_only:
        cards = [c for c in cards if c.review_due or c.overdue]
    cards.sort(key=urgency_key)
    return cards if limit is None else cards[:limit]


@dataclass(frozen=True)
class NameMatch:
    """A card a typed name may mean (``salesdesk grade wang A``)."""

    id: int
    name: str
    company: str
    status: str


def find_by_name(db: Database, text: str, limit: int = 10) -> list[NameMatch]:
    """The cards ``text`` names: the one whose whole name it is (any case), else every
    card with it in its name or its name's pinyin (``wang``, ``wh``), live cards first;
    at most ``limit`` + 1, so a caller can say there are more."""
    term = text.strip()
    if not term:
        return []
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT id, name, company, status FROM prospect WHERE name = ? COLLATE NOCASE "
            "ORDER BY status != 'live', id LIMIT 2",
            (term,),
        ).fetchall()
        if len(rows) != 1:
            pattern = like_pattern(term)
            rows = conn.execute(
                "SELECT id, name, company, status FROM prospect "
                "WHERE name LIKE ? ESCAPE '\\' OR pinyin_key LIKE ? ESCAPE '\\' "
                "ORDER BY status != 'live', id LIMIT ?",
                (pattern, pattern, limit + 1),
            ).fetchall()
    return [NameMatch(*row) for row in rows]


def card_exists(db: Database, prospect_id: int) -> bool:
    """Whether a card has this id (an indexed look)."""
    if not 0 < prospect_id <= MAX_ID:
        return False
    with db.connect() as conn:
        found = conn.execute("SELECT 1 FROM prospect WHERE id = ?", (prospect_id,))
        return found.fetchone() is not None


def get_card(db: Database, prospect_id: int, today: date | datetime) -> CardRow:
    """One card as the board shows it; NotFound if the id is unknown."""
    if not 0 < prospect_id <= MAX_ID:
        raise NotFound(f"no prospect with id {prospect_id}")
    clock = clocks(db, today)
    with db.connect() as conn:
        row = conn.execute(
            f"SELECT {_CARD_COLUMNS} FROM {_CARD_FROM} WHERE id = ?", (prospect_id,)
        ).fetchone()
    if row is None:
        raise NotFound(f"no prospect with id {prospect_id}")
    return _card_from_row(row, clock)


def prospect_row(conn: Connection, prospect_id: int) -> dict[str, Any] | None:
    """A card's every column as stored (None if there is no such card)."""
    return fetch_row(conn, "prospect", prospect_id)


def typed_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Stored raw values -> Python values (dates, datetimes, bools)."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        spec = FIELD_BY_NAME.get(key)
        if value is not None and key.endswith(("_at", "_due")):
            value = datetime.fromisoformat(value)
        elif spec and spec.kind == "date" and value is not None:
            value = date.fromisoformat(value[:10])
        elif spec and spec.kind == "bool":
            value = bool(value)
        out[key] = value
    return out


def get_prospect(db: Database, prospect_id: int, today: date | datetime) -> ProspectDetail:
    """The whole card with its timeline (newest first); NotFound if the id is unknown."""
    with db.connect() as conn:
        raw = prospect_row(conn, prospect_id)
        if raw is None:
            raise NotFound(f"no prospect with id {prospect_id}")
        acts = conn.execute(
            "SELECT id, kind, at, note, outcome, from_grade, to_grade, from_status, "
            "to_status, amount, from_stage, to_stage FROM activity "
            "WHERE prospect_id = ? ORDER BY at DESC, id DESC",
            (prospect_id,),
        ).fetchall()
    card = get_card(db, prospect_id, today)
    activities = tuple(
        ActivityRow(a[0], a[1], datetime.fromisoformat(a[2]), *a[3:]) for a in acts
    )
    return ProspectDetail(prospect_id, typed_fields(raw), card.urgency, activities)


def summary(db: Database, today: date | datetime) -> BoardSummary:
    """Counts for the header strip: by grade, due for review, overdue, pool vs target."""
    cards = list_cards(db, today)
    return summarise(cards, pool_target(db), closed_counts(db), pipeline(db),
                     complaint_counts(db))


def pipeline(db: Database) -> Pipeline:
    """The live cards' estimated value by grade, summed by SQLite (one pass of the index on
    status, grade and value, not of the cards), with the forecast's chances."""
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT grade, total(value) FROM prospect WHERE status = 'live' GROUP BY grade"
        ).fetchall()
    values = dict.fromkeys(("A", "B", "C"), 0.0)
    values.update({grade: float(total) for grade, total in rows if grade in values})
    try:
        chances = parse_probabilities(get_setting(db, "forecast_probability"))
    except InputError:  # written by hand with the sqlite3 shell: the defaults
        chances = parse_probabilities(DEFAULT_PROBABILITIES)
    return Pipeline(values, chances)


def summarise(
    cards: Sequence[CardRow],
    target: int,
    closed: dict[str, int],
    pipe: Pipeline | None = None,
    complaints: ComplaintCounts | None = None,
) -> BoardSummary:
    """The header's counts from cards already read (the board keeps its list in memory)."""
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
        complaints=complaints or ComplaintCounts(),
        first_contact=(
            sum(1 for c in cards if c.first_contact == "running"),
            sum(1 for c in cards if c.first_contact == "missed"),
        ),
        pipeline=pipe,
    )


def closed_counts(db: Database) -> dict[str, int]:
    """How many cards are closed, by status (customer, parked, dropped, lost)."""
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT status, count(*) FROM prospect WHERE status != 'live' GROUP BY status"
        ).fetchall()
    return {status: count for status, count in rows}


def count_prospects(db: Database) -> int:
    """Every card, live or closed."""
    with db.connect() as conn:
        return int(conn.execute("SELECT count(*) FROM prospect").fetchone()[0])
