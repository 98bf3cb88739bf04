"""Whose week the weekly review shows on a team server: ``w`` on the review's figures
(a lead chooses the team or one rep; a rep is told they see only their own) and
``salesdesk review --rep NAME``, against a real PostgreSQL with row-level security."""

from __future__ import annotations

import io
import json
from typing import Any

from rich.console import Console
from textual.widgets import OptionList, Static
from typer.testing import CliRunner

from salesdesk.app import make_app
from salesdesk.cli.main import app as cli_app
from salesdesk.config import Settings
from tests.conftest import NOW, notes, ready
from tests.test_team import Team, books, team

#: The team fixture (three reps and a lead on a fresh database), used by name.
FIXTURES = (team,)

runner = CliRunner()


def shown(app: Any, selector: str) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(app.screen.query_one(selector, Static).content)
    return console.export_text()


async def _figures(pilot: Any) -> None:
    await ready(pilot)
    await pilot.press("w")  # the board's w: the review
    await ready(pilot)
    await pilot.press("f")
    await ready(pilot)


async def test_a_lead_chooses_whose_week_the_figures_show(team: Team) -> None:
    books(team)  # anna 2 cards, bo 1, chen none
    database = team.open("lead")
    app = make_app(Settings(db_path=team.urls["lead"], clock=lambda: NOW), database)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await _figures(pilot)
            assert "· the team" in shown(app, "#rv-title")
            assert app.screen.review.pool.live == 3
            keys = {k for k, b in app.screen.active_bindings.items() if b.binding.show}
            assert "w" in keys  # in the Footer (and so in ? help) with its description
            await pilot.press("w")
            await ready(pilot)
            chooser = app.screen.query_one("#rep-list", OptionList)
            labels = [str(chooser.get_option_at_index(i).prompt)
                      for i in range(chooser.option_count)]
            assert labels == ["the team (every rep)",
                              *sorted(team.names[p] for p in ("anna", "bo", "chen"))]
            await pilot.press("down", "down", "enter")  # the team, anna, bo: bo
            await ready(pilot)
            assert f"· {team.names['bo']}" in shown(app, "#rv-title")
            assert app.screen.review.pool.live == 1
            await pilot.press("w", "down", "enter")  # chen: an empty book
            await ready(pilot)
            assert f"· {team.names['chen']}" in shown(app, "#rv-title")
            assert app.screen.review.pool.live == 0
            await pilot.press("w", "up", "up", "up", "enter")  # back to the team
            await ready(pilot)
            assert "· the team" in shown(app, "#rv-title")
            assert app.screen.review.pool.live == 3
    finally:
        database.close()


async def test_a_rep_sees_only_their_own_week(team: Team) -> None:
    books(team)
    database = team.open("anna")
    app = make_app(Settings(db_path=team.urls["anna"], clock=lambda: NOW), database)
    try:
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await _figures(pilot)
            assert app.screen.review.pool.live == 2
            await pilot.press("w")
            await pilot.pause()
            assert not app.screen.query("#rep-list")  # no chooser
            said = " ".join(notes(app))
            assert "only a lead may review another rep's week" in said
            assert app.screen.review.pool.live == 2
    finally:
        database.close()


async def test_on_a_file_there_is_nobody_to_choose(settings: Settings, db: Any) -> None:
    app = make_app(settings, db)
    async with app.run_test(size=(120, 40)) as pilot:
        await _figures(pilot)
        keys = {k for k, b in app.screen.active_bindings.items() if b.binding.show}
        assert "w" not in keys
        await pilot.press("w")
        await pilot.pause()
        assert not app.screen.query("#rep-list")


def test_review_rep_on_the_command_line(team: Team) -> None:
    books(team)
    lead = team.urls["lead"]
    result = runner.invoke(cli_app, ["review", "--rep", team.names["anna"], "--json",
                                     "--db", lead], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["pool"]["live"] == 2
    own = runner.invoke(cli_app, ["review", "--rep", team.names["bo"], "--json",
                                  "--db", team.urls["bo"]])
    assert own.exit_code == 0 and json.loads(own.stdout)["pool"]["live"] == 1
    for args, said in (
        (["--rep", team.names["bo"], "--db", team.urls["anna"]],
         "only a lead may review another rep's week"),
        (["--rep", "nobody_here", "--db", lead], "no rep 'nobody_here' in this team"),
        (["--rep", "Bad Name", "--db", lead], "invalid rep name"),
        (["--rep", team.names["bo"], "--team", "--db", lead], "choose one"),
    ):
        bad = runner.invoke(cli_app, ["review", *args])
        assert bad.exit_code == 2, (args, bad.output)
        assert said in bad.output and "Traceback" not in bad.output
        assert len(bad.output.strip().splitlines()) == 1


def test_review_rep_needs_a_team_database(db: Any, db_path: Any) -> None:
    bad = runner.invoke(cli_app, ["review", "--rep", "anna", "--db", str(db_path)])
    assert bad.exit_code == 2 and "needs a team database" in bad.output
