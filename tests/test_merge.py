"""``salesdesk duplicates``, ``salesdesk merge`` (every activity, visit, phone and email
kept, the richer fields, undoable) and the warning ``add`` gives for a likely duplicate."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from typer.testing import CliRunner

from salesdesk.app import make_app
from salesdesk.cli.main import app
from salesdesk.config import Settings
from salesdesk.data import store, visits
from salesdesk.data.db import Database
from salesdesk.data.merge import find_duplicates, merge

from .conftest import NOW, TODAY, notes, status

runner = CliRunner()


def target(db: Database) -> str:
    """What ``--db`` names: the file, or the server's URL (the PostgreSQL run)."""
    return str(getattr(db, "url", db.path))


def sd(db: Database, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", target(db), *args])
    return result.exit_code, result.output


def test_duplicates_lists_likely_then_possible_pairs(db: Database) -> None:
    a = store.add_prospect(db, NOW, "Ann Lee", email="ann@x.cn")
    b = store.add_prospect(db, NOW, "Annie Lee", email="ANN@x.cn")
    c = store.add_prospect(db, NOW, "罗艳", phone="13800138000")
    d = store.add_prospect(db, NOW, "罗艳", phone="13900139000")
    pairs = find_duplicates(db, "CN")
    assert [(p.first, p.second, p.verdict, p.reason) for p in pairs] == [
        (a, b, "likely", "same email"),
        (c, d, "possible", "same name (no company to tell them apart)"),
    ]
    code, out = sd(db, "duplicates")
    assert code == 0 and "1 likely, 1 possible" in out
    code, out = sd(db, "duplicates", "--likely")
    assert "罗艳" not in out


def test_merge_keeps_everything_and_undo_puts_it_back(db: Database) -> None:
    keep = store.add_prospect(db, NOW, "Ann Lee", email="ann@x.cn", notes="met at expo")
    other = store.add_prospect(db, NOW - timedelta(days=30), "Ann Lee", company="Acme",
                               phone="13800138000", email="ann@acme.cn", notes="likes tea",
                               value=5000.0)
    store.log_touch(db, NOW, other, "call", "asked for a quote")
    vid = visits.plan_visit(db, NOW, other, TODAY + timedelta(days=2))
    result = merge(db, NOW, keep, other)
    card = store.get_prospect(db, keep, TODAY)
    assert (card["company"], card["phone"], card["email"], card["value"]) == (
        "Acme", "13800138000", "ann@x.cn", 5000.0)
    assert card["notes"] == "met at expo\nlikes tea"
    assert set(result.filled) >= {"company", "phone", "value", "created_at"}
    with db.connect() as conn:
        assert conn.execute("SELECT prospect_id FROM visit WHERE id = ?", (vid,)).fetchone() \
            == (keep,)
        notes = [r[0] for r in conn.execute(
            "SELECT note FROM activity WHERE prospect_id = ? ORDER BY id", (keep,))]
        points = conn.execute("SELECT kind, value FROM contact_point WHERE prospect_id = ?",
                              (keep,)).fetchall()
        assert conn.execute("SELECT count(*) FROM prospect").fetchone()[0] == 1
    assert "asked for a quote" in notes and any("merged #" in n for n in notes)
    assert points == [("email", "ann@acme.cn")]
    code, out = sd(db, "show", str(keep))
    assert code == 0 and "more emails: ann@acme.cn" in out
    code, _out = sd(db, "undo")
    assert code == 0
    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM prospect").fetchone()[0] == 2
        assert conn.execute("SELECT prospect_id FROM visit WHERE id = ?", (vid,)).fetchone() \
            == (other,)
        assert conn.execute("SELECT count(*) FROM contact_point").fetchone()[0] == 0
    assert store.get_prospect(db, keep, TODAY)["company"] == ""


def test_merge_on_the_command_line(db: Database) -> None:
    keep = store.add_prospect(db, NOW, "Ann Lee", email="ann@x.cn")
    other = store.add_prospect(db, NOW, "Ann Lee", email="ann@x.cn", company="Acme")
    code, out = sd(db, "merge", str(keep), str(other))
    assert code == 0 and f"merged #{other} into #{keep}" in out
    code, out = sd(db, "merge", str(keep), str(keep))
    assert code == 2 and "cannot be merged with itself" in out
    code, out = sd(db, "merge", str(keep), "999")
    assert code != 0 and "Traceback" not in out


def test_add_warns_of_a_likely_duplicate(db: Database, tmp_path: Path) -> None:
    first = store.add_prospect(db, NOW, "Ann Lee", phone="+86 138 0013 8000")
    result = runner.invoke(app, ["--db", target(db), "add", "ann lee", "--phone",
                                 "13800138000"])
    assert result.exit_code == 0
    assert f"likely a duplicate of #{first}" in result.output
    assert "same phone and a similar name" in result.output
    quiet = runner.invoke(app, ["--db", target(db), "add", "Bob", "--phone", "13800138000"])
    assert "duplicate" not in quiet.output  # a shared phone alone is no likely duplicate


async def test_the_new_card_form_warns_of_a_likely_duplicate(
    db: Database, settings: Settings
) -> None:
    first = store.add_prospect(db, NOW, "Ann Lee", company="Acme")
    app = make_app(settings, db)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("n", *"ann lee", "tab", *"ACME", "enter")
        for _ in range(20):
            await pilot.pause(0.05)
            if "duplicate" in status(app):
                break
        line = status(app)
    # said on the board's status line, in place of "Added ...", in the warning's colour
    assert line.startswith(f"Likely a duplicate of #{first} Ann Lee (same name and company)")
    assert len(store.list_cards(db, TODAY)) == 2  # added all the same: the rep decides


async def test_the_card_detail_merges_a_likely_duplicate(
    db: Database, settings: Settings
) -> None:
    keep = store.add_prospect(db, NOW, "Ann Lee", email="ann@x.cn")
    other = store.add_prospect(db, NOW, "Ann Lee", email="ANN@x.cn", phone="13800138000")
    store.log_touch(db, NOW, other, "call", "asked for a quote")
    app = make_app(settings, db)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        app.open_card(keep)
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert f"#{other} Ann Lee (same email)" in str(app.screen.query_one(".dialog-title")
                                                      .render())
        await pilot.press("enter")
        for _ in range(20):
            await pilot.pause(0.05)
            if any("Merged" in n for n in notes(app)):
                break
        assert any(f"Merged #{other} into this card" in n for n in notes(app))
    card = store.get_prospect(db, keep, TODAY)
    assert card["phone"] == "13800138000" and len(store.list_cards(db, TODAY)) == 1
    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM activity WHERE prospect_id = ? AND note = "
                            "'asked for a quote'", (keep,)).fetchone()[0] == 1
