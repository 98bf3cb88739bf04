"""Startup benchmark: time from process start until the board shows cards.

Builds databases with ``salesdesk demo`` (10,000 and 100,000 prospects), then launches the
real entry point (``salesdesk --db FILE``, headless) several times and compares the median
against a floor measured in the same run: a minimal Textual app that also imports sqlmodel
and shows one line. Prints the median ratio; the target is <= 1.25 at 10,000 prospects.

    python benchmarks/startup.py [--runs 7] [--sizes 10000,100000]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = r"""
import sys, time
import sqlmodel  # noqa: F401  (the floor pays for the same ORM import)
from textual.app import App
from textual.widgets import Static

class Floor(App):
    def compose(self):
        yield Static("hello")

async def auto(pilot):
    await pilot.pause()
    print(time.time() - float(sys.argv[1]))
    pilot.app.exit()

Floor().run(headless=True, auto_pilot=auto, size=(140, 45))
"""

REAL = r"""
import sys, time
started = float(sys.argv[1])
import salesdesk.launch as launch
from salesdesk import app as appmod

async def auto(pilot):
    from salesdesk.screens.board import BoardScreen
    while True:
        await pilot.pause()
        screen = pilot.app.screen
        if isinstance(screen, BoardScreen) and screen.cards:
            break
    print(time.time() - started)
    pilot.app.exit()

original = appmod.SalesDeskApp.run
appmod.SalesDeskApp.run = lambda self, **kw: original(
    self, headless=True, auto_pilot=auto, size=(140, 45))
sys.argv = ["salesdesk", "--db", sys.argv[2]]
launch.main()
"""


def timed(code: str, *args: str) -> float:
    """Seconds from spawning the process until it reports its first useful screen.

    The child prints the elapsed time itself, so interpreter exit and database close
    (which the rep never waits for) are not counted, for the floor and SalesDesk alike.
    """
    started = time.time()
    result = subprocess.run([sys.executable, "-c", code, str(started), *args], check=True,
                            capture_output=True, text=True)
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        databases = {}
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(folder) / f"demo-{size}.db"
            subprocess.run([sys.executable, "-m", "salesdesk", "demo", "--prospects", str(size),
                            "--db", str(path)], check=True, stdout=subprocess.DEVNULL)
            databases[size] = path
        timed(FLOOR)  # warm the file cache once
        for size, path in databases.items():
            timed(REAL, str(path))
            floors, reals = [], []
            for _ in range(args.runs):  # interleave so load changes hit both alike
                floors.append(timed(FLOOR))
                reals.append(timed(REAL, str(path)))
            floor, real = statistics.median(floors), statistics.median(reals)
            print(f"{size:>7} prospects: salesdesk {real * 1000:6.0f} ms, floor "
                  f"{floor * 1000:6.0f} ms, ratio {real / floor:.2f}")


if __name__ == "__main__":
    main()
