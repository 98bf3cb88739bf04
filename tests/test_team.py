"""A team on one PostgreSQL database: three reps and a lead, each seeing only what they
should (row-level security, held by the server even for raw SQL through the app's own
connection), the lead's review per rep and for the team, and a hand-over that keeps a
customer's whole history."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from typer.testing import CliRunner

from salesdesk.cli.main import app as cli_app
from salesdesk.cli.team import login_url
from salesdesk.data import store
from salesdesk.data.db import Database, open_database
from salesdesk.data.team import add_member, hand_over, init_team, members
from salesdesk.errors import InputError, NotFound
from tests.conftest import NOW, TODAY

runner = CliRunner()


@dataclass
class Team:
    owner_url: str
    urls: dict[str, str]  # person -> their login URL
    names: dict[str, str]  # person -> role name (unique per test: roles are cluster-wide)

    def open(self, person: str) -> Database:
        return open_database(self.urls[person])


@pytest.fixture
def team(pg_url: str, pg_server: str) -> Iterator[Team]:
    init_team(pg_url)
    tag = uuid.uuid4().hex[:6]
    names = {p: f"{p}_{tag}" for p in ("anna", "bo", "chen", "lead")}
    urls = {}
    for person, name in names.items():
        secret = add_member(pg_url, name, lead=person == "lead")
        urls[person] = login_url(pg_url, name, secret)
    yield Team(pg_url, urls, names)
    with psycopg.connect(pg_server, autocommit=True) as conn:
        database = pg_url.split("/")[3].split("?")[0]
        conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        for name in names.values():
            conn.execute(f"DROP ROLE IF EXISTS {name}")


def books(team: Team) -> dict[str, int]:
    """Each rep adds their own cards: anna 2, bo 1, chen none."""
    made = {}
    for person, cards in (("anna", ["Ann One", "Ann Two"]), ("bo", ["Bo One"])):
        database = team.open(person)
        try:
            for name in cards:
                made[name] = store.add_prospect(database, NOW, name, grade="B")
        finally:
            database.close()
    return made


def names_seen(database: Database) -> set[str]:
    return {c.name for c in store.list_cards(database, TODAY)}


def test_each_rep_sees_only_their_own_book_and_the_lead_sees_all(team: Team) -> None:
    books(team)
    seen = {}
    for person in ("anna", "bo", "chen", "lead"):
        database = team.open(person)
        try:
            seen[person] = names_seen(database)
        finally:
            database.close()
    assert seen == {
        "anna": {"Ann One", "Ann Two"},
        "bo": {"Bo One"},
        "chen": set(),
        "lead": {"Ann One", "Ann Two", "Bo One"},
    }
    listed = {m.name: m.lead for m in members(team.open("lead"))}  # type: ignore[arg-type]
    assert {team.names[p]: p == "lead" for p in team.names}.items() <= listed.items()


def test_a_rep_cannot_read_or_change_another_reps_card_even_with_raw_sql(team: Team) -> None:
    cards = books(team)
    bos = cards["Bo One"]
    anna = team.open("anna")
    try:
        with pytest.raises(NotFound):
            store.get_card(anna, bos, TODAY)
        with pytest.raises(NotFound):
            store.regrade(anna, NOW, bos, "A")
        with anna.connect() as conn:  # the app's own connection, raw SQL
            assert conn.execute("SELECT count(*) FROM prospect").fetchone()[0] == 2
            assert conn.execute("SELECT name FROM prospect WHERE id = ?", (bos,)).fetchall() \
                == []
            assert conn.execute("UPDATE prospect SET grade = 'A' WHERE id = ?",
                                (bos,)).rowcount == 0
            assert conn.execute("UPDATE prospect SET owner = ? WHERE id = ?",
                                (team.names["anna"], bos)).rowcount == 0
            assert conn.execute("DELETE FROM prospect WHERE id = ?", (bos,)).rowcount == 0
            assert conn.execute("SELECT count(*) FROM activity WHERE prospect_id = ?",
                                (bos,)).fetchone()[0] == 0
            assert conn.execute("SELECT count(*) FROM journal_row WHERE prospect_id = ?",
                                (bos,)).fetchone()[0] == 0
            with pytest.raises(psycopg.errors.InsufficientPrivilege):  # a card in bo's name
                conn.execute(
                    "INSERT INTO prospect (name, created_at, graded_at, owner) "
                    "VALUES ('Planted', '2026-11-18', '2026-11-18', ?)", (team.names["bo"],))
            with pytest.raises(psycopg.errors.InsufficientPrivilege):  # becoming bo
                conn.execute(f"SET ROLE {team.names['bo']}")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):  # turning it off
                conn.execute("ALTER TABLE prospect DISABLE ROW LEVEL SECURITY")
        # Undo is per rep too: anna's undo takes back anna's change, never bo's.
        store.regrade(anna, NOW, cards["Ann One"], "A")
        undone = store.undo(anna)
        assert undone is not None and "Ann One" in undone.label
    finally:
        anna.close()
    bo = team.open("bo")
    try:
        assert store.get_card(bo, bos, TODAY).grade == "B"  # untouched by all of that
    finally:
        bo.close()


def test_the_lead_reviews_each_rep_and_the_team(team: Team) -> None:
    books(team)
    result = runner.invoke(cli_app, ["review", "--team", "--json", "--db", team.urls["lead"]],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    live = {name: r["pool"]["live"] for name, r in data["reps"].items()}
    assert live == {team.names["anna"]: 2, team.names["bo"]: 1, team.names["chen"]: 0}
    assert data["team"]["pool"]["live"] == 3
    text = runner.invoke(cli_app, ["review", "--team", "--db", team.urls["lead"]],
                         env={"COLUMNS": "120"}).stdout
    for person in ("anna", "bo", "chen"):
        assert f"── {team.names[person]} " in text
    assert "── the team " in text


def test_a_rep_cannot_review_the_others(team: Team) -> None:
    result = runner.invoke(cli_app, ["review", "--team", "--db", team.urls["anna"]])
    assert result.exit_code == 2
    assert "cannot act as" in result.output and "Traceback" not in result.output


def test_handing_a_customer_over_keeps_its_whole_history(team: Team) -> None:
    cards = books(team)
    card = cards["Ann Two"]
    anna = team.open("anna")
    try:
        store.log_touch(anna, NOW, card, "call", "asked for a quote")
        store.set_status(anna, NOW, card, "customer", value=4200)
        history = [(a.kind, a.note) for a in store.get_prospect(anna, card, TODAY).activities]
    finally:
        anna.close()
    lead = team.open("lead")
    try:
        moved = hand_over(lead, card, team.names["bo"])  # type: ignore[arg-type]
        assert moved >= 1 + len(history)
        with pytest.raises(InputError):
            hand_over(lead, card, "nobody_here")  # type: ignore[arg-type]
    finally:
        lead.close()
    bo, anna = team.open("bo"), team.open("anna")
    try:
        detail = store.get_prospect(bo, card, TODAY)
        assert [(a.kind, a.note) for a in detail.activities] == history
        assert detail["status"] == "customer"
        with pytest.raises(NotFound):
            store.get_card(anna, card, TODAY)
    finally:
        bo.close()
        anna.close()


def test_team_commands_say_one_line_for_mistakes(team: Team, tmp_path: Any) -> None:
    bad = runner.invoke(cli_app, ["team", "init", str(tmp_path / "a.db")])
    assert bad.exit_code == 2 and "postgresql://" in bad.output
    bad = runner.invoke(cli_app, ["team", "add-rep", "Robert'); DROP", "--db", team.owner_url])
    assert bad.exit_code == 2 and "invalid rep name" in bad.output
    again = runner.invoke(cli_app, ["team", "init", team.owner_url])  # idempotent
    assert again.exit_code == 0, again.output
    rep = runner.invoke(cli_app, ["team", "add-rep", "--db", team.owner_url,
                                  f"dee_{uuid.uuid4().hex[:6]}"])
    assert rep.exit_code == 0 and "postgresql://dee_" in rep.output
    name = rep.output.split("added rep ")[1].split(";")[0]
    with psycopg.connect(team.owner_url, autocommit=True) as conn:
        conn.execute(f"DROP OWNED BY {name}")
        conn.execute(f"DROP ROLE {name}")
