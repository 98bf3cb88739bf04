"""``salesdesk review``: the sections on the terminal, JSON, a Markdown report, and clean
failures."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from salesdesk.cli.main import app
from salesdesk.data import store
from salesdesk.data.db import open_database
from salesdesk.data.review import load_weekly_review
from salesdesk.render.review_figures import TERMINAL_TOP
from salesdesk.rules.review import present
from tests.conftest import NOW, TODAY

runner = CliRunner()
WIDE = {"COLUMNS": "160", "LINES": "50"}
DAY = timedelta(days=1)
MON = date(2026, 11, 16)


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR_FORCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def db_file(db_path: Path) -> Path:
    """Two live cards, a win this week with a name full of Markdown, a silent customer."""
    db = open_database(db_path)
    try:
        ann = store.add_prospect(db, NOW - 20 * DAY, "Ann", company="Acme", grade="B")
        store.regrade(db, NOW - DAY, ann, "A")
        store.log_touch(db, NOW - DAY, ann, "call", "asked for a quote")
        store.add_prospect(db, NOW - DAY, "[bold]王伟[/]", grade="C")
        won = store.add_prospect(db, NOW - 30 * DAY, "Pipe | *Star* [x] `tick`", value=5000)
        store.set_status(db, NOW - 2 * DAY, won, "customer", value=12000)
        old = store.add_prospect(db, NOW - 300 * DAY, "Old Customer", value=40000)
        store.set_status(db, NOW - 200 * DAY, old, "customer", value=40000)
    finally:
        db.close()
    return db_path


def review(db: Path, *args: str) -> Result:
    return runner.invoke(app, ["--db", str(db), "review", *args], env=WIDE)


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.output, result.exception)
    assert "Traceback" not in result.output
    return result.stdout


def clean_failure(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    return lines[0]


def test_terminal_sections(db_file: Path) -> None:
    out = ok(review(db_file))
    assert out.startswith("Weekly review 2026-W47 · Mon 16 Nov – Sun 22 Nov 2026")
    assert "4.1 effective selling weeks left in 2026" in out
    for section in ("Pool", "Outcomes", "Visits", "Logged", "Touches (notes not counted)",
                    "Where the time went", "80/20", "Retention", "Stage funnel",
                    "Trends, last 12 weeks (W36–W47)"):
        assert f"\n{section}\n" in out, section
    assert "A 1 · B 0 · C 1 = 2 live, target 50 · add 48 · 1 new this week" in out
    assert "won      Pipe | *Star* [x] `tick`  12,000" in out  # literal, not markup
    assert "promoted Ann · Acme  B → A" in out
    assert "1 customer not contacted for more than 60 days (value 40,000)" in out
    assert "Old Customer  40,000 (200 days, last contact 2026-05-02)" in out
    assert "\x1b" not in out


def test_terminal_says_the_presenters_sentences(db_file: Path) -> None:
    """The command prints every sentence of the one presenter the screen and the report
    draw, word for word."""
    db = open_database(db_file)
    try:
        figures = present(load_weekly_review(db, MON, TODAY), TERMINAL_TOP)
    finally:
        db.close()
    out = ok(review(db_file))
    sentences = [figures.as_of, *(s for sec in figures.sections for s in sec.sentences),
                 *(t.summary for t in figures.trends)]
    assert len(sentences) > 12
    for sentence in sentences:
        assert str(sentence) in out, sentence


def test_json_keys_and_values(db_file: Path) -> None:
    data = json.loads(ok(review(db_file, "--json")))
    assert set(data) == {
        "week_start", "week_end", "as_of", "iso_week", "pool", "outcomes", "activity",
        "pareto", "retention", "selling_weeks_left", "funnel", "trends", "complaints",
        "first_contact", "answer_hours",
    }
    assert (data["week_start"], data["week_end"], data["as_of"]) == (
        "2026-11-16", "2026-11-22", TODAY.isoformat(),
    )
    assert data["pool"] == {"by_grade": {"A": 1, "B": 0, "C": 1}, "live": 2, "target": 50,
                            "to_add": 48, "new": 1,
                            "value_by_grade": {"A": 0.0, "B": 0.0, "C": 0.0}, "forecast": 0.0,
                            "chances": {"A": 0.6, "B": 0.3, "C": 0.1}}
    assert data["outcomes"]["won"] == [
        {"id": 3, "name": "Pipe | *Star* [x] `tick`", "company": "", "value": 12000.0}
    ]
    assert [m["to_grade"] for m in data["outcomes"]["promoted"]] == ["A"]
    assert data["activity"]["by_kind"]["call"] == 1
    assert set(data["activity"]["visits"]) == {"planned", "done", "missed", "open", "moved",
                                               "cancelled"}
    assert [c["name"] for c in data["retention"]["customers"]] == ["Old Customer"]
    assert data["retention"]["count"] == 1
    assert data["pareto"]["customers"] == 2 and data["pareto"]["top_count"] == 1
    assert [c["name"] for c in data["pareto"]["top"]] == ["Old Customer"]
    assert data["pareto"]["top_share"] == round(40000 / 52000, 4)
    assert len(data["trends"]) == 12 and data["trends"][-1]["wins"] == 1
    assert set(data["trends"][0]) == {"week_start", "touches", "live", "wins", "won_value",
                                      "complaints", "answered_in_time"}


def test_week_option(db_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.loads(ok(review(db_file, "--week", "last", "--json")))
    assert data["week_start"] == "2026-11-09" and data["outcomes"]["won"] == []
    line = review(db_file, "--week", "2026-12-31", "--json")  # not begun yet
    assert line.exit_code == 2 and "has not begun" in line.stderr
    monkeypatch.setenv("SALESDESK_NOW", "2027-01-05T09:00")
    for week in ("2026-12-31", "2026-W53", "last"):
        data = json.loads(ok(review(db_file, "--week", week, "--json")))
        assert (data["week_start"], data["week_end"], data["iso_week"]) == (
            "2026-12-28", "2027-01-03", "2026-W53",
        )


def test_markdown_report(db_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "review.md"
    out = ok(review(db_file, "--markdown", str(target)))
    assert out.strip() == f"wrote the 2026-W47 review to {target}"
    report = target.read_text(encoding="utf-8")
    assert report.startswith("# Weekly review 2026-W47\n")
    assert r"- Won: Pipe \| \*Star\* \[x\] \`tick\` · 12,000" in report
    assert "- Old Customer · 40,000 (0 touches)" in report  # the top 20% of 2 customers
    assert "- Old Customer · 40,000 (200 days, last contact 2026-05-02)" in report
    assert "## Trends, last 12 weeks (W36–W47)" in report
    assert "| 2026-W47 | 1 | 2 | 1 | 12,000 |" in report
    terminal = ok(review(db_file))
    for line in ("A 1 · B 0 · C 1 = 2 live, target 50 · add 48 · 1 new this week",
                 "won 1 (12,000) · lost 0 · dropped 0 · parked 0 · reopened 0",
                 "1 customer not contacted for more than 60 days (value 40,000)"):
        assert line in report and line in terminal, line


def test_every_outcome_is_named(db_path: Path, tmp_path: Path) -> None:
    """Exploratory test: the tables named only the wins, and the report had no Parked
    line. Each card that left the pool this week is named, in both."""
    db = open_database(db_path)
    try:
        for name, status in (("Lena Lost", "lost"), ("Dora Dropped", "dropped"),
                             ("Pia Parked", "parked")):
            pid = store.add_prospect(db, NOW - 30 * DAY, name)
            store.set_status(db, NOW - DAY, pid, status)
    finally:
        db.close()
    out = ok(review(db_path))
    for line in ("lost     Lena Lost", "dropped  Dora Dropped", "parked   Pia Parked"):
        assert line in out, line
    target = tmp_path / "r.md"
    ok(review(db_path, "--markdown", str(target)))
    report = target.read_text(encoding="utf-8")
    for line in ("- Lost: Lena Lost", "- Dropped: Dora Dropped", "- Parked: Pia Parked"):
        assert line in report, line


def test_markdown_and_json_together(db_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "r.md"
    data = json.loads(ok(review(db_file, "--json", "--markdown", str(target))))
    assert data["iso_week"] == "2026-W47" and target.exists()


@pytest.mark.usefixtures("db")  # a named --db must exist for this command
def test_empty_database(db_path: Path) -> None:
    out = ok(review(db_path))
    assert "A 0 · B 0 · C 0 = 0 live, target 50 · add 50 · 0 new this week" in out
    assert "No revenue recorded in the last 12 months" in out
    assert "No customers yet" in out


@pytest.mark.parametrize("week", ["soon", "2026-13-01", ""])
def test_bad_week_is_one_line(db_file: Path, week: str) -> None:
    line = clean_failure(review(db_file, "--week", week))
    assert line.startswith("salesdesk: invalid week")


def test_bad_markdown_target_is_one_line(db_file: Path, tmp_path: Path) -> None:
    assert "does not exist" in clean_failure(
        review(db_file, "--markdown", str(tmp_path / "nope" / "r.md"))
    )
    assert "is a folder" in clean_failure(review(db_file, "--markdown", str(tmp_path)))
