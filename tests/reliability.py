"""The reliability harness shared by ``tests/test_reliability.py`` (a few seconds, bounded
in count and time) and ``benchmarks/reliability.py`` (the fuller figures the README
reports): kill -9 during writes and imports, concurrent writers, bad files.

Every run is a real ``salesdesk`` process (or a writer process over the data layer) on a
real file; what is checked afterwards is the file itself: ``PRAGMA integrity_check``, every
acknowledged write present, an import all there or not at all.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}

#: A writer over the data layer: adds cards one at a time (each its own transaction) and
#: prints each id once it is committed: an acknowledged write.
WRITER = """
import sys
from datetime import datetime
from pathlib import Path
from salesdesk.data import store
from salesdesk.data.db import open_database
db = open_database(Path(sys.argv[1]))
tag = sys.argv[2]
count = int(sys.argv[3])
for n in range(count):
    pid = store.add_prospect(db, datetime(2026, 11, 18, 9), f"{tag}-{n}", notes="w" * 500)
    store.log_touch(db, datetime(2026, 11, 18, 9), pid, "call", f"note {n}")
    print(pid, flush=True)
db.close()
"""


def cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from salesdesk.cli.main import main; main()", *args]


@dataclass
class Figures:
    kills: int = 0
    integrity_failures: int = 0
    lost_writes: int = 0
    partial_imports: int = 0
    acknowledged: int = 0
    tracebacks: int = 0
    notes: list[str] = field(default_factory=list)


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def names(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM prospect")}
    finally:
        conn.close()


def new_book(folder: Path) -> Path:
    path = folder / "sales.db"
    done = subprocess.run(cli("--db", str(path), "add", "Seed"), env=ENV, capture_output=True)
    assert done.returncode == 0, done.stderr
    return path


def import_file(folder: Path, rows: int, tag: str) -> Path:
    source = folder / f"{tag}.csv"
    lines = ["name,company,notes"]
    lines += [f"{tag} {n},Firm {n % 97},{'note ' * 20}" for n in range(rows)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return source


def kill_loop(
    folder: Path, *, kills: int, seconds: float, import_rows: int = 2000, seed: int = 15
) -> Figures:
    """Kill -9 writers and imports at random moments, at most ``kills`` times and for at
    most ``seconds``; check the file after each kill."""
    rng = random.Random(seed)
    path = new_book(folder)
    figures = Figures()
    acknowledged: set[str] = {"Seed"}
    deadline = time.monotonic() + seconds
    round_ = 0
    while figures.kills < kills and time.monotonic() < deadline:
        round_ += 1
        kind = ("writer", "import", "cli")[round_ % 3]
        tag = f"r{round_}"
        if kind == "writer":
            argv = [sys.executable, "-c", WRITER, str(path), tag, "1000"]
        elif kind == "import":
            argv = cli("--db", str(path), "import", str(import_file(folder, import_rows, tag)))
        else:
            argv = cli("--db", str(path), "add", tag, "--action", "x" * 2000)
        proc = subprocess.Popen(argv, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        time.sleep(rng.uniform(0.15, 0.9))
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
            figures.kills += 1
        out, err = proc.communicate()
        if "Traceback" in err:
            figures.tracebacks += 1
            figures.notes.append(err.strip().splitlines()[-1])
        if kind == "writer":
            # Printed ids are committed: the names behind them must all be there.
            count = len(out.split())
            acknowledged.update(f"{tag}-{n}" for n in range(count))
        elif kind == "cli" and proc.returncode == 0:
            acknowledged.add(tag)
        verdict = integrity(path)
        if verdict != "ok":
            figures.integrity_failures += 1
            figures.notes.append(f"{kind}: {verdict}")
            break
        present = names(path)
        figures.lost_writes += len(acknowledged - present)
        if kind == "import":
            got = sum(1 for name in present if name.startswith(f"{tag} "))
            if got not in (0, import_rows):
                figures.partial_imports += 1
        if not killed and kind == "import" and proc.returncode == 0:
            acknowledged.update(f"{tag} {n}" for n in range(import_rows))
    figures.acknowledged = len(acknowledged)
    return figures


def concurrent_writers(folder: Path, writers: int, each: int) -> tuple[int, int, str]:
    """``writers`` processes add ``each`` cards at once: (expected, found, integrity)."""
    path = new_book(folder)
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), f"w{n}", str(each)],
                         env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(writers)
    ]
    acknowledged = 0
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        acknowledged += len(out.split())
    return writers * each + 1, len(names(path)), integrity(path)


def _bad_files(folder: Path) -> dict[str, Path]:
    made: dict[str, Path] = {}
    text = folder / "text.db"
    text.write_text("name,company\nAnn,Acme\n")
    made["not a database"] = text
    empty = folder / "empty.db"
    empty.touch()
    made["empty (0 bytes)"] = empty
    newer = folder / "newer.db"
    conn = sqlite3.connect(newer)
    conn.execute("CREATE TABLE prospect (id INTEGER PRIMARY KEY)")
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    made["newer schema"] = newer
    foreign = folder / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE other (x)")
    conn.commit()
    conn.close()
    made["another program's SQLite"] = foreign
    made["missing folder"] = folder / "no" / "such" / "sales.db"
    made["a folder"] = folder
    return made


Run = Callable[[list[str]], tuple[int, str, str]]


def run_process(args: list[str]) -> tuple[int, str, str]:
    """``salesdesk ARGS`` as its own process: (exit code, stdout, stderr)."""
    done = subprocess.run(cli(*args), env=ENV, capture_output=True, text=True)
    return done.returncode, done.stdout, done.stderr


def bad_files(
    folder: Path, rounds: int = 1, run: Run = run_process
) -> tuple[int, int, list[str]]:
    """Every bad file under list, add and export: (runs, clean refusals, failures). A clean
    refusal: exit 2, one line on stderr, nothing on stdout, the file byte for byte as it was
    and no file created beside it."""
    runs = clean = 0
    failures: list[str] = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(dir=folder) as where:
            for what, path in _bad_files(Path(where)).items():
                for args in (("list",), ("add", "X"), ("export",)):
                    if what == "missing folder" and args[0] == "add":
                        continue  # add makes a new database at a path it is given
                    before = path.read_bytes() if path.is_file() else None
                    beside = sorted(os.listdir(path.parent)) if path.parent.exists() else None
                    code, out, err = run(["--db", str(path), *args])
                    runs += 1
                    after = path.read_bytes() if path.is_file() else None
                    now_beside = (sorted(os.listdir(path.parent))
                                  if path.parent.exists() else None)
                    ok = (code == 2 and out == "" and len(err.strip().splitlines()) == 1
                          and "Traceback" not in err
                          and before == after and beside == now_beside)
                    if ok:
                        clean += 1
                    else:
                        failures.append(f"{what} / {args[0]}: {code} {err.strip()[:200]}")
    return runs, clean, failures
