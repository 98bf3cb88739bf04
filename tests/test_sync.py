"""Moving a book between a file and a server (``db copy``), and the check-out for the
road: a rep checks out, works offline, checks in with a conflict and settles it."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from salesdesk.cli.main import app as cli_app
from salesdesk.data import store
from salesdesk.data.checkout import checkin, conflicts, resolve
from salesdesk.data.db import Database, open_database
from salesdesk.data.demo import fill_demo
from salesdesk.data.sql import sql_timestamp
from tests.conftest import NOW, TODAY

runner = CliRunner()
WIDE = {"COLUMNS": "200", "NO_COLOR": "1"}


def sd(*args: str) -> Any:
    return runner.invoke(cli_app, list(args), env=WIDE, catch_exceptions=False)


def listing(target: str) -> str:
    result = sd("--db", target, "list", "--status", "all", "--json")
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def test_db_copy_moves_a_whole_book_to_a_server_and_back(tmp_path: Path, pg_url: str) -> None:
    source = tmp_path / "mine.db"
    database = open_database(source)
    try:
        fill_demo(database, TODAY, prospects=40)
        store.undo(database)  # (the journal goes too)
        undo_before = store.last_change(database)
    finally:
        database.close()
    points = "SELECT prospect_id, kind, value, label, position FROM contact_point ORDER BY id"
    with sqlite3.connect(source) as conn:  # a card's further phone and email go too
        conn.execute("INSERT INTO contact_point (prospect_id, kind, value, label, position) "
                     "VALUES (1, 'phone', '+86 139 0000 0001', 'work', 1), "
                     "(1, 'email', 'ann@home.example', '', 2)")
        mine = conn.execute(points).fetchall()
    first = sd("db", "copy", str(source), pg_url)
    assert first.exit_code == 0 and "copied" in first.stdout, first.output
    assert listing(pg_url) == listing(str(source))
    back = tmp_path / "back.db"
    assert sd("db", "copy", pg_url, str(back)).exit_code == 0
    assert listing(str(back)) == listing(str(source))
    with sqlite3.connect(back) as conn:
        assert conn.execute(points).fetchall() == mine
    copied = open_database(back)
    try:
        assert store.last_change(copied) == undo_before
        new = store.add_prospect(copied, NOW, "After the copy")  # ids never reused
        assert new > max(c.id for c in store.list_cards(copied, TODAY, statuses=("live",))
                         if c.name != "After the copy")
    finally:
        copied.close()
    again = sd("db", "copy", str(source), pg_url)  # into a book that is not empty
    assert again.exit_code == 2 and "already holds" in again.output
    missing = sd("db", "copy", str(tmp_path / "nope.db"), str(tmp_path / "x.db"))
    assert missing.exit_code == 2 and "no database" in missing.output


def _names(db: Database) -> dict[str, Any]:
    return {c.name: c for c in store.list_cards(db, TODAY)}


def test_check_out_work_offline_check_in_with_a_conflict_and_settle_it(
    tmp_path: Path, pg_url: str
) -> None:
    t0, t1, t2 = NOW - timedelta(days=3), NOW - timedelta(days=2), NOW - timedelta(days=1)
    server = open_database(pg_url)
    try:
        ann = store.add_prospect(server, t0, "Ann", grade="C")
        bob = store.add_prospect(server, t0, "Bob", grade="B", notes="as it was")
    finally:
        server.close()
    road = tmp_path / "road.db"
    out = sd("checkout", pg_url, "--to", str(road))
    assert out.exit_code == 0, out.output
    assert "salesdesk checkin --db" in out.stdout
    local = open_database(road)  # offline: a regrade, a new card with a call, an edit
    try:
        store.regrade(local, t1, ann, "A")
        new = store.add_prospect(local, t1, "Carla New", grade="B")
        store.log_touch(local, t1, new, "call", "met at the fair")
        store.update_fields(local, t1, bob, {"notes": "said on the road"})
    finally:
        local.close()
    server = open_database(pg_url)  # meanwhile, at the office, Bob is edited too
    try:
        store.update_fields(server, t2, bob, {"notes": "said at the office"})
    finally:
        server.close()

    result = sd("checkin", "--db", str(road))
    assert result.exit_code == 0, result.output
    assert "1 changed on both sides" in result.stdout
    server = open_database(pg_url)
    try:
        cards = _names(server)
        assert cards["Ann"].grade == "A"
        carla = store.get_prospect(server, cards["Carla New"].id, TODAY)
        assert [a.note for a in carla.activities] == ["met at the fair"]  # its parent found
        assert store.get_prospect(server, bob, TODAY)["notes"] == "said at the office"
    finally:
        server.close()
    local = open_database(road)
    try:
        assert store.get_prospect(local, bob, TODAY)["notes"] == "said on the road"  # kept
        found = conflicts(local)
        assert [(c.table, c.mine["notes"], c.theirs["notes"]) for c in found] == [
            ("prospect", "said on the road", "said at the office")]
        again = checkin(local, NOW)  # idempotent: nothing more is sent
        assert sum(again.sent.values()) + sum(again.added.values()) == 0
    finally:
        local.close()
    listed = sd("conflicts", "--db", str(road))
    assert "said on the road" in listed.stdout and "said at the office" in listed.stdout
    local = open_database(road)
    try:
        resolve(local, found[0].id, "mine", NOW)
        after = checkin(local, NOW)
        assert after.sent["prospect"] == 1 and after.conflicts == 0
        assert conflicts(local) == []
    finally:
        local.close()
    server = open_database(pg_url)
    try:
        assert store.get_prospect(server, bob, TODAY)["notes"] == "said on the road"
        assert len(_names(server)) == 3  # nothing doubled by the second check-ins
    finally:
        server.close()


def test_checkin_of_a_plain_file_is_one_line(tmp_path: Path) -> None:
    plain = tmp_path / "plain.db"
    open_database(plain).close()
    result = sd("checkin", "--db", str(plain))
    assert result.exit_code == 2 and "not a check-out" in result.output


def test_what_was_removed_offline_is_removed_at_check_in_unless_changed_there(
    tmp_path: Path, pg_url: str
) -> None:
    t0, t1, t2 = NOW - timedelta(days=3), NOW - timedelta(days=2), NOW - timedelta(days=1)
    server = open_database(pg_url)
    try:
        ann = store.add_prospect(server, t0, "Ann", grade="C")
        store.log_touch(server, t0, ann, "call", "first call")
        eve = store.add_prospect(server, t0, "Eve", grade="B", notes="as it was")
        store.add_prospect(server, t0, "Dan", grade="B")
    finally:
        server.close()
    road = tmp_path / "road.db"
    assert sd("checkout", pg_url, "--to", str(road)).exit_code == 0
    local = open_database(road)  # offline: Dan's and Eve's adds and Ann's call undone
    try:
        for _ in range(3):
            assert store.undo(local, now=t1) is not None
        assert set(_names(local)) == {"Ann"}
    finally:
        local.close()
    server = open_database(pg_url)  # meanwhile, at the office, Eve is edited
    try:
        store.update_fields(server, t2, eve, {"notes": "said at the office"})
    finally:
        server.close()

    result = sd("checkin", "--db", str(road))
    assert result.exit_code == 0, result.output
    assert "1 removed" in result.stdout and "1 changed on both sides" in result.stdout
    server = open_database(pg_url)
    try:
        assert set(_names(server)) == {"Ann", "Eve"}  # Dan gone; Eve changed there: kept
        assert store.get_prospect(server, ann, TODAY).activities == ()
    finally:
        server.close()
    listed = sd("conflicts", "--db", str(road))
    assert "Eve" in listed.stdout and "removed here" in listed.stdout
    local = open_database(road)
    try:
        (gone,) = conflicts(local)
        assert gone.mine == {} and gone.theirs["notes"] == "said at the office"
        resolve(local, gone.id, "theirs", NOW)  # Eve comes back, as the office has her
        eve_here = _names(local)["Eve"]
        assert store.get_prospect(local, eve_here.id, TODAY)["notes"] == "said at the office"
        again = checkin(local, NOW)
        assert again.conflicts == 0 and sum(again.deleted.values()) == 0
        assert sum(again.sent.values()) + sum(again.added.values()) == 0
    finally:
        local.close()


def _write(target: Path | str, *statements: tuple[str, tuple[Any, ...]]) -> None:
    """Write contact points as another program would (the file, or the server)."""
    from tests.pg_fixtures import write_any

    write_any(target, *statements)


def _points(target: Path | str) -> set[tuple[str, str, str, str, int]]:
    """Every contact point of the book: (card name, kind, value, label, position)."""
    database = open_database(target)
    try:
        with database.connect() as conn:
            rows = conn.execute(
                "SELECT p.name, c.kind, c.value, c.label, c.position FROM contact_point c "
                "JOIN prospect p ON p.id = c.prospect_id").fetchall()
            count = conn.execute("SELECT count(*) FROM contact_point").fetchone()[0]
    finally:
        database.close()
    found = {(str(n), str(k), str(v), str(lb), int(pos)) for n, k, v, lb, pos in rows}
    assert len(found) == count  # (nothing doubled)
    return found


_ADD_POINT = ("INSERT INTO contact_point (prospect_id, kind, value, label, position, "
              "updated_at) VALUES (?, ?, ?, ?, ?, ?)")


def test_contact_points_go_both_ways_at_check_in(tmp_path: Path, pg_url: str) -> None:
    """Matched by card, kind and value: one added offline arrives, one removed offline is
    removed unless the server changed it, the server's additions and edits come into the
    file, both sides' additions are kept; a second check-in changes nothing."""
    t0, t1, t2 = (sql_timestamp(NOW - timedelta(days=d)) for d in (3, 2, 1))
    server = open_database(pg_url)
    try:
        kim = store.add_prospect(server, NOW - timedelta(days=3), "Kim", grade="B")
        lee = store.add_prospect(server, NOW - timedelta(days=3), "Lee", grade="C")
    finally:
        server.close()
    _write(pg_url,
           (_ADD_POINT, (kim, "phone", "+86 139 0000 0001", "work", 1, t0)),
           (_ADD_POINT, (kim, "email", "kim@old.example", "", 2, t0)),
           (_ADD_POINT, (lee, "phone", "+86 139 0000 0002", "", 1, t0)),
           (_ADD_POINT, (lee, "email", "lee@work.example", "", 2, t0)))
    road = tmp_path / "road.db"
    assert sd("checkout", pg_url, "--to", str(road)).exit_code == 0
    # The file's card ids are the server's (a copy), so the same ids name the cards here.
    _write(road,  # offline: one added, one removed here, one edited here, one removed
           (_ADD_POINT, (kim, "phone", "+86 139 0000 0003", "home", 3, t1)),
           ("DELETE FROM contact_point WHERE value = 'kim@old.example'", ()),
           ("UPDATE contact_point SET label = 'office', updated_at = ? "
            "WHERE value = 'lee@work.example'", (t1,)),
           ("DELETE FROM contact_point WHERE value = '+86 139 0000 0002'", ()))
    _write(pg_url,  # at the office: one added, one edited, and the one removed offline
           (_ADD_POINT, (kim, "email", "kim@new.example", "", 4, t2)),
           ("UPDATE contact_point SET label = 'mobile', updated_at = ? "
            "WHERE value = '+86 139 0000 0001'", (t2,)),
           ("UPDATE contact_point SET label = 'wife', updated_at = ? "
            "WHERE value = '+86 139 0000 0002'", (t2,)))

    result = sd("checkin", "--db", str(road))
    assert result.exit_code == 0, result.output
    assert "further phones and emails: 1 new, 1 changed, 1 removed on the server; " \
        "3 taken into this file" in result.stdout
    both = {
        ("Kim", "phone", "+86 139 0000 0001", "mobile", 1),  # the office's edit
        ("Kim", "phone", "+86 139 0000 0003", "home", 3),  # added offline
        ("Kim", "email", "kim@new.example", "", 4),  # added at the office
        ("Lee", "phone", "+86 139 0000 0002", "wife", 1),  # removed here, changed there
        ("Lee", "email", "lee@work.example", "office", 2),  # edited offline
    }  # kim@old.example: removed offline, untouched there: gone
    assert _points(pg_url) == both
    assert _points(road) == both
    local = open_database(road)
    try:
        again = checkin(local, NOW)
        assert again.points == type(again.points)()  # nothing more to do either way
    finally:
        local.close()
    assert _points(pg_url) == both and _points(road) == both


def test_a_card_removed_offline_goes_with_its_phones_unless_the_server_added_one(
    tmp_path: Path, pg_url: str
) -> None:
    """A card removed offline takes its checked-out phones with it on the server; a card
    that got a phone on the server since is not removed there: a 'removed here' conflict,
    never a failed check-in."""
    server = open_database(pg_url)
    try:
        kim = store.add_prospect(server, NOW - timedelta(days=3), "Kim", grade="B")
        ben = store.add_prospect(server, NOW - timedelta(days=2), "Ben", grade="B")
    finally:
        server.close()
    stamp = sql_timestamp(NOW - timedelta(days=2))
    _write(pg_url, (_ADD_POINT, (kim, "phone", "+86 139 0000 0002", "work", 1, stamp)))
    road = tmp_path / "road.db"
    assert sd("checkout", pg_url, "--to", str(road)).exit_code == 0
    local = open_database(road)
    try:
        for _ in range(2):  # Ben's add, then Kim's, undone offline
            assert store.undo(local, now=NOW) is not None
        assert _names(local) == {}
    finally:
        local.close()
    _write(pg_url, (_ADD_POINT, (ben, "email", "ben@new.example", "", 1, stamp)))
    result = sd("checkin", "--db", str(road))
    assert result.exit_code == 0, result.output
    assert "1 removed" in result.stdout and "1 changed on both sides" in result.stdout
    server = open_database(pg_url)
    try:
        assert set(_names(server)) == {"Ben"}
    finally:
        server.close()
    assert _points(pg_url) == {("Ben", "email", "ben@new.example", "", 1)}


def test_the_root_db_option_names_the_check_out_too(tmp_path: Path) -> None:
    plain = tmp_path / "plain.db"
    open_database(plain).close()
    for args in (["--db", str(plain), "checkin"], ["--db", str(plain), "conflicts"],
                 ["checkin", "--db", str(plain)]):
        result = sd(*args)
        assert result.exit_code == 2 and f"{plain} is not a check-out" in result.output, args
