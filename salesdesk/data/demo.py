"""Realistic, varied demo data: English and Chinese cards, every grade and status, ten weeks
of activity. Bulk-inserted in one transaction so 100,000 prospects take seconds."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from salesdesk.data.db import Database
from salesdesk.data.sql import next_id, refresh_pinyin, sql_timestamp
from salesdesk.rules.step_kinds import default_step_kind

EN_FIRST = (
    "Alice",
    "Ben",
    "Carla",
    "David",
    "Emma",
    "Frank",
    "Grace",
    "Henry",
    "Isla",
    "Jack",
    "Karen",
    "Liam",
    "Maya",
    "Noah",
    "Olivia",
    "Paul",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
)
EN_LAST = (
    "Smith",
    "Jones",
    "Brown",
    "Taylor",
    "Wilson",
    "Evans",
    "Walker",
    "Wright",
    "Green",
    "Hall",
    "Wood",
    "Clarke",
    "Hughes",
    "Turner",
    "Baker",
    "Murphy",
    "Price",
    "Bell",
)
CN_FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
CN_GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "晓东",
    "建华",
    "海燕",
    "志强",
    "雪梅",
    "国平",
)
EN_COMPANY = (
    "Northwind Traders",
    "Acme Supplies",
    "Bluebird Logistics",
    "Harbor Foods",
    "Summit Dental",
    "Greenleaf Farms",
    "Orbit Electronics",
    "Maple Interiors",
    "Riverside Clinic",
    "Atlas Construction",
    "Brightside Print",
    "Cedar Hotels",
)
CN_COMPANY = (
    "华信科技有限公司",
    "东方贸易公司",
    "金桥物流",
    "长江电子",
    "新世纪酒店",
    "明德教育",
    "宏达建材",
    "瑞丰食品",
    "天成医疗器械",
    "恒通汽配",
    "佳美装饰",
    "中和印务",
)
AREAS = ("浦东", "徐汇", "静安", "闵行", "Downtown", "Riverside", "Northgate", "Airport Park")
SOURCES = ("referral", "directory", "exhibition", "online", "walk-in", "existing customer")
PRODUCTS = (
    "copiers",
    "office network",
    "fleet leasing",
    "POS terminals",
    "cloud backup",
    "打印机",
    "办公家具",
    "安防系统",
)
TITLES = (
    "Purchasing manager",
    "Owner",
    "Office manager",
    "IT lead",
    "CFO",
    "采购经理",
    "总经理",
    "行政主管",
)
ACTIONS = (
    "call back",
    "send quote",
    "visit with samples",
    "demo",
    "follow up on proposal",
    "meet the decider",
    "送样品",
    "电话回访",
    "报价",
    "拜访",
)
TOPICS = (
    "their expansion plans",
    "delivery terms",
    "the spring promotion",
    "service contract",
    "孩子升学",
    "新办公室装修",
    "his fishing trip",
    "付款方式",
)
NOTES_EN = (
    "Prefers calls after 3pm.",
    "Price sensitive; compare with current supplier.",
    "Decision after the board meeting.",
    "Met at the trade fair.",
    "Wants a trial before ordering.",
    "Budget approved for Q1.",
)
NOTES_CN = (
    "喜欢下午联系，不要太早。",
    "对价格比较敏感，需要对比现有供应商。",
    "老板下个月出差回来再定。",
    "展会上认识的，对新产品很感兴趣。",
    "要求先试用再下单。",
    "明年一季度有预算。",
)
#: How often each kind is logged in the demo (calls the most).
DEMO_TOUCH_MIX = ("call", "call", "call", "message", "email", "visit", "meeting", "note")
TOUCH_NOTES = (
    "Left a message.",
    "Talked about pricing.",
    "Sent the brochure.",
    "Good meeting.",
    "聊了交货期。",
    "客户很忙，改天再约。",
    "发了报价单。",
    "Asked for references.",
)
HIGH_CHINESE_SHARE = 0.45

_PROSPECT_COLS = (
    "kind", "name", "company", "title", "phone", "email", "address", "area", "source", "tags",
    "product_interest", "value", "purchase_history", "size", "work", "family", "personality",
    "habits", "hobbies", "contact_style", "contact_times", "promotions", "values_note",
    "birthday", "notes", "grade", "status", "stage", "money", "authority", "need", "next_date",
    "next_action", "next_topic", "key_account", "pot_growth", "pot_plan", "pot_revenue",
    "pot_opportunity", "pot_fit", "pot_competitive", "pot_relationship", "previous_id",
    "created_at", "graded_at", "reviewed_at", "touched_at", "closed_at", "updated_at",
    "next_kind",
)


def _when(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 18), rng.choice((0, 15, 30, 45))))


def _prospect(rng: random.Random, today: date) -> tuple[tuple[object, ...], list[tuple]]:
    """One card row and its activities (prospect id filled in later)."""
    chinese = rng.random() < HIGH_CHINESE_SHARE
    if chinese:
        name = rng.choice(CN_FAMILY) + rng.choice(CN_GIVEN)
        company = rng.choice(CN_COMPANY) if rng.random() < 0.8 else ""
        notes = rng.choice(NOTES_CN)
    else:
        name = f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"
        company = rng.choice(EN_COMPANY) if rng.random() < 0.8 else ""
        notes = rng.choice(NOTES_EN)
    roll = rng.random()
    status = (
        "live"
        if roll < 0.62
        else "customer"
        if roll < 0.82
        else "parked"
        if roll < 0.89
        else "dropped"
        if roll < 0.95
        else "lost"
    )
    grade = rng.choices("ABC", weights=(18, 34, 48))[0]
    window = {"A": 7, "B": 30, "C": 90}[grade]
    created = today - timedelta(days=rng.randint(0, 300))
    graded = max(created, today - timedelta(days=rng.randint(0, int(window * 1.25))))
    reviewed = graded + timedelta(days=rng.randint(0, max(0, (today - graded).days)))
    next_date = today + timedelta(days=rng.randint(-6, 21)) if status == "live" else None
    if status == "live" and rng.random() < 0.15:
        next_date = None
    tri = ("yes", "no", "unknown")
    money, authority, need = (rng.choices(tri, weights=(5, 2, 3))[0] for _ in range(3))
    if rng.random() < 0.03:
        money, authority, need = "no", "no", "no"  # a few hopeless ones for the MAN check
    stage = (
        "customer"
        if status == "customer"
        else rng.choice(("target", "interested", "intentional", "prospective"))
    )
    value = round(rng.lognormvariate(9.5, 1.1), -2)
    key_account = (status == "customer" and rng.random() < 0.3) or rng.random() < 0.04
    birthday = (
        date(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28))
        if rng.random() < 0.4
        else None
    )
    phone = f"1{rng.randint(30, 89)}{rng.randint(10000000, 99999999)}"
    email = "" if chinese and rng.random() < 0.5 else f"contact{rng.randint(1, 99999)}@example.com"
    pots = tuple(int(rng.random() < 0.4) for _ in range(7))
    closed_on = max(created, today - timedelta(days=rng.randint(0, 70)))
    closed_at = sql_timestamp(_when(closed_on, rng)) if status != "live" else None
    activities: list[tuple] = []
    last_touch = None
    for _ in range(rng.randint(0, 5)):
        day = max(created, today - timedelta(days=rng.randint(0, 69)))
        at = _when(day, rng)
        last_touch = max(last_touch or at, at)
        kind = rng.choice(DEMO_TOUCH_MIX)
        activities.append(_entry(kind, sql_timestamp(at), rng.choice(TOUCH_NOTES)))
    row: tuple[object, ...] = (
        "company" if company and rng.random() < 0.3 else "person",
        name,
        company,
        rng.choice(TITLES),
        phone,
        email,
        "",
        rng.choice(AREAS),
        rng.choice(SOURCES),
        "",
        rng.choice(PRODUCTS),
        value,
        "",
        rng.choice(("small", "medium", "large", "")),
        "",
        "",
        "",
        "",
        "",
        rng.choice(("phone", "WeChat", "email", "visit")),
        rng.choice(("mornings", "after 3pm", "Tuesdays", "")),
        "",
        "",
        birthday.isoformat() if birthday else None,
        notes,
        grade,
        status,
        stage,
        money,
        authority,
        need,
        next_date.isoformat() if next_date else None,
        rng.choice(ACTIONS) if next_date else "",
        rng.choice(TOPICS) if rng.random() < 0.5 else "",
        int(key_account),
        *pots,
        None,
        sql_timestamp(_when(created, rng)),
        sql_timestamp(_when(graded, rng)),
        sql_timestamp(_when(reviewed, rng)),
        sql_timestamp(last_touch) if last_touch else None,
        closed_at,
    )
    row = (*row, max(str(t) for t in row[-5:] if t))  # updated_at: its latest moment
    action = str(row[_PROSPECT_COLS.index("next_action")])
    row = (*row, default_step_kind(action, None) if next_date else "")
    if rng.random() < 0.35 and (today - graded).days < 70:
        old = rng.choice([g for g in "ABC" if g != grade])
        graded_stamp = sql_timestamp(_when(graded, rng))
        activities.append(_entry("grade", graded_stamp, from_grade=old, to_grade=grade))
    if status != "live":
        assert closed_at is not None
        note = f"live → {status}"
        activities.append(_entry("status", closed_at, note, from_status="live", to_status=status))
    return row, activities


_ACTIVITY_COLS = (
    "prospect_id", "kind", "at", "note", "outcome", "from_grade", "to_grade", "from_status",
    "to_status", "updated_at",
)


def _entry(
    kind: str,
    at: str,
    note: str = "",
    *,
    from_grade: str | None = None,
    to_grade: str | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
) -> tuple[object, ...]:
    """One timeline entry (all of :data:`_ACTIVITY_COLS` but the card's id), written at
    its own moment."""
    return (kind, at, note, "", from_grade, to_grade, from_status, to_status, at)


def fill_demo(
    db: Database,
    today: date,
    prospects: int = 120,
    *,
    seed: int = 7,
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
    visits: bool = True,
) -> int:
    """Insert ``prospects`` demo cards with their activities, in one transaction, and (with
    ``visits``) planned, done and missed visits. Returns how many cards were added."""
    rng = random.Random(seed)
    with db.bulk() as conn:
        if replace:
            for table in ("activity", "complaint", "visit", "journal_row", "journal", "redo_row",
                          "redo",
                          "importbatch", "prospect"):
                conn.execute(f"DELETE FROM {table}")
        start = next_id(conn, "prospect") - 1
        cols = ", ".join(("id",) + _PROSPECT_COLS)
        marks = ", ".join("?" for _ in range(len(_PROSPECT_COLS) + 1))
        batch = 5_000
        done = 0
        while done < prospects:
            size = min(batch, prospects - done)
            rows: list[tuple[object, ...]] = []
            acts: list[tuple[object, ...]] = []
            for offset in range(size):
                pid = start + done + offset + 1
                row, activities = _prospect(rng, today)
                rows.append((pid, *row))
                acts.extend((pid, *a) for a in activities)
            conn.executemany(f"INSERT INTO prospect ({cols}) VALUES ({marks})", rows)
            conn.executemany(
                f"INSERT INTO activity ({', '.join(_ACTIVITY_COLS)}) "
                f"VALUES ({', '.join('?' for _ in _ACTIVITY_COLS)})",
                acts,
            )
            done += size
            if progress:
                progress(size)
        refresh_pinyin(conn, "id > ?", (start,))
        if visits:
            from salesdesk.data.demo_visits import add_demo_visits

            add_demo_visits(conn, random.Random(seed), today)
    return prospects
