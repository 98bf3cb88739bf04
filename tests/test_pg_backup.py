"""``salesdesk backup`` / ``restore`` on a PostgreSQL server: a pg_dump of the book, put
back by pg_restore (the database as it was dumped first), and one line for a file that is
not such a backup or for the tools missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from salesdesk.cli.main import app as cli_app
from salesdesk.data import store
from salesdesk.data.db import open_database
from tests.conftest import NOW, TODAY
from tests.test_team import Team, books, team

#: The team fixture (three reps and a lead on a fresh database), used by name.
FIXTURES = (team,)

runner = CliRunner()


def names(url: str) -> set[str]:
    database = open_database(url)
    try:
        return {c.name for c in store.list_cards(database, TODAY)}
    finally:
        database.close()


def test_backup_then_restore_a_server_book(pg_url: str, tmp_path: Path) -> None:
    database = open_database(pg_url)
    try:
        store.add_prospect(database, NOW, "Ann Kept", grade="A")
    finally:
        database.close()
    made = runner.invoke(cli_app, ["backup", "--out", f"{tmp_path}/", "--db", pg_url])
    assert made.exit_code == 0, made.output
    assert "(1 prospects, pg_dump)" in made.output
    dumps = list(tmp_path.glob("*.dump"))
    assert len(dumps) == 1
    database = open_database(pg_url)
    try:
        store.add_prospect(database, NOW, "Bo Later", grade="B")
    finally:
        database.close()
    assert names(pg_url) == {"Ann Kept", "Bo Later"}
    back = runner.invoke(cli_app, ["restore", str(dumps[0]), "--yes", "--db", pg_url])
    assert back.exit_code == 0, back.output
    assert names(pg_url) == {"Ann Kept"}
    kept = back.output.split("kept in ")[1].strip()
    assert Path(kept).is_file()  # the book as it was, before the restore


def test_a_wrong_file_or_missing_tools_are_one_line(
    pg_url: str, tmp_path: Path, monkeypatch: Any
) -> None:
    open_database(pg_url).close()
    junk = tmp_path / "junk.dump"
    junk.write_text("not a dump")
    bad = runner.invoke(cli_app, ["restore", str(junk), "--yes", "--db", pg_url])
    assert bad.exit_code == 2 and "is not a server backup" in bad.output
    assert len(bad.output.strip().splitlines()) == 1
    no_confirm = runner.invoke(cli_app, ["restore", str(junk), "--db", pg_url])
    assert no_confirm.exit_code == 2
    import salesdesk.data.pg_backup as pg_backup

    monkeypatch.setattr(pg_backup.shutil, "which", lambda name: None)
    monkeypatch.setattr(pg_backup.glob, "glob", lambda pattern: [])
    missing = runner.invoke(cli_app, ["backup", "--out", f"{tmp_path}/", "--db", pg_url])
    assert missing.exit_code == 2, missing.output
    assert "needs pg_dump, which is not installed" in missing.output
    assert "Traceback" not in missing.output
    assert list(tmp_path.glob("*.dump")) == [junk]  # no backup made




def test_on_a_team_server_a_rep_cannot_dump_the_others_book(team: Team, tmp_path: Path) -> None:
    books(team)
    bad = runner.invoke(cli_app, ["backup", "--out", f"{tmp_path}/", "--db", team.urls["anna"]])
    assert bad.exit_code == 2, bad.output
    assert "pg_dump of" in bad.output and "failed" in bad.output
    assert len(bad.output.strip().splitlines()) == 1
    owner = runner.invoke(cli_app, ["backup", "--out", f"{tmp_path}/", "--db", team.owner_url])
    assert owner.exit_code == 0 and "(3 prospects, pg_dump)" in owner.output
