"""Reliability, bounded to a few seconds (the fuller figures: benchmarks/reliability.py):
kill -9 during CLI writes and imports, concurrent writers, bad files. Every run is a real
process on a real file; the file is checked after each."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from salesdesk.cli.main import app
from tests.reliability import bad_files, concurrent_writers, kill_loop

#: Bounded in count and in time: at most this many kills, for at most this long.
KILLS = 8
SECONDS = 8.0


def test_kill_9_during_writes_and_imports_loses_nothing(tmp_path: Path) -> None:
    figures = kill_loop(tmp_path, kills=KILLS, seconds=SECONDS, import_rows=1500)
    assert figures.kills >= 1, "nothing was killed: the loop tests nothing"
    assert figures.integrity_failures == 0, figures.notes
    assert figures.lost_writes == 0
    assert figures.partial_imports == 0
    assert figures.tracebacks == 0, figures.notes


def test_two_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    expected, found, verdict = concurrent_writers(tmp_path, writers=2, each=15)
    assert verdict == "ok"
    assert found == expected


def in_process(args: list[str]) -> tuple[int, str, str]:
    """``salesdesk ARGS`` in this process (the benchmark runs each as its own process)."""
    result = CliRunner().invoke(app, args, env={"NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


def test_bad_files_are_refused_with_one_line_and_left_untouched(tmp_path: Path) -> None:
    runs, clean, failures = bad_files(tmp_path, run=in_process)
    assert failures == []
    assert clean == runs == 17
