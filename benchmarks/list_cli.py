"""``salesdesk list`` benchmark: the whole command, spawn to exit, against Python's start.

Builds databases with ``salesdesk demo`` (10,000 and 100,000 prospects), then runs the
installed ``salesdesk`` script (``list --grade A --limit 30 --db FILE``, output piped)
several times and compares the median wall time, and the peak memory (RSS), with a floor
measured in the same run, interleaved: ``python -c "import sqlite3"``. The target is a
ratio <= 4 at 100,000 cards. A full ``list --grade A`` (every A card, piped) is timed
too, so the cost of printing stays visible.

Children run with bytecode caching on (as an installed package has it), after a warm-up.

    python benchmarks/list_cli.py [--runs 9] [--sizes 10000,100000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 4.0


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.pop("SALESDESK_NOW", None)
    return env


def measured(command: list[str]) -> tuple[float, int]:
    """(seconds from spawn to exit, peak RSS in KiB) of one run, its output read."""
    with tempfile.TemporaryFile("w+") as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors,
                                   env=child_env())
        assert process.stdout is not None
        process.stdout.read()
        _pid, status, usage = os.wait4(process.pid, 0)  # (wait4: this child's own peak)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed: {errors.read()}")
    return elapsed, usage.ru_maxrss


def salesdesk_command() -> list[str]:
    """The console script a rep runs, else ``python -m salesdesk``."""
    script = Path(sys.executable).with_name("salesdesk")
    return [str(script)] if script.exists() else [sys.executable, "-m", "salesdesk"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    floor_command = [sys.executable, "-c", "import sqlite3"]
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(folder) / f"demo-{size}.db"
            subprocess.run([sys.executable, "-m", "salesdesk", "demo", "--prospects", str(size),
                            "--db", str(path)], check=True, stdout=subprocess.DEVNULL,
                           env=child_env())
            cases = {
                "list --grade A --limit 30": ["list", "--grade", "A", "--limit", "30"],
                "list --grade A (all)": ["list", "--grade", "A"],
            }
            for label, options in cases.items():
                command = [*salesdesk_command(), "--db", str(path), *options]
                measured(floor_command)
                measured(command)  # warm-up: bytecode written, file cached
                floors, reals = [], []
                for _ in range(args.runs):  # interleaved, so load changes hit both alike
                    floors.append(measured(floor_command))
                    reals.append(measured(command))
                floor = statistics.median(f[0] for f in floors)
                real = statistics.median(r[0] for r in reals)
                floor_rss = statistics.median(f[1] for f in floors)
                real_rss = statistics.median(r[1] for r in reals)
                verdict = ""
                if "--limit" in options:
                    verdict = "  (target <= 4: " + ("met)" if real / floor <= TARGET else
                                                    "not met)")
                print(f"{size:>7} prospects, {label:<26}: {real * 1000:5.0f} ms, floor "
                      f"{floor * 1000:4.0f} ms, ratio {real / floor:5.2f}; RSS "
                      f"{real_rss / 1024:5.1f} MB, floor {floor_rss / 1024:4.1f} MB, ratio "
                      f"{real_rss / floor_rss:4.2f}{verdict}", flush=True)


if __name__ == "__main__":
    main()
