"""Startup benchmark: time from process start until the board shows cards, and memory.

Builds databases with ``salesdesk demo`` (1, 10,000 and 100,000 prospects), then launches
the real entry point (``salesdesk --db FILE``, headless, 140x45) several times and compares
the median against a floor measured in the same run, interleaved: a minimal Textual app
(no sqlmodel: the board does not import it) that shows one line. Two moments are timed in
every process:

* first frame: the first screen update that shows the board with its cards (for the floor,
  its line). The probe asks the board's card columns for their lengths (counts the board
  already holds), never for the cards themselves: reading every card to see whether there
  are any cost seconds and 70 MB at 100,000, which the first frame never spends. This is
  "cards on screen", the figure the targets apply to (<= 1.15 at 10,000, <= 1.3 at
  100,000). With 1 card it is the app's fixed start cost.
* settled: the app has gone idle after that frame (Textual builds the Footer's keys and
  re-lays out the screen after the first paint). Reported so that work done just after the
  first frame stays visible too.

The peak memory (RSS: the child's ``ru_maxrss`` from ``wait4``, its whole life) is compared
the same way (target <= 1.5 at 100,000). Children run with bytecode caching on, as an
installed package has it.

    python benchmarks/startup.py [--runs 7] [--sizes 1,10000,100000]
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

FLOOR = r"""
import sys, time
started = float(sys.argv[1])
from textual.app import App
from textual.widgets import Static

first_frame = None

class Floor(App):
    def compose(self):
        yield Static("hello")

    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        global first_frame
        if first_frame is None and renderable is not None and screen.query(Static):
            first_frame = time.time() - started

async def auto(pilot):
    while first_frame is None:
        await pilot.pause()
    await pilot.pause()
    print(first_frame, time.time() - started)
    pilot.app.exit()

Floor().run(headless=True, auto_pilot=auto, size=(140, 45))
"""

# The real entry point, patched only when salesdesk.app is first imported, so everything
# happens in the order a rep's `salesdesk` runs it (cards are read before Textual loads).
REAL = r"""
import importlib.abc, importlib.util, sys, time
started = float(sys.argv[1])
first_frame = None

def patch(appmod):
    display = appmod.SalesDeskApp._display
    def timed_display(self, screen, renderable):
        display(self, screen, renderable)
        global first_frame
        if first_frame is None and renderable is not None and any(
                len(column.cards) for column in screen.query("CardColumn")):
            first_frame = time.time() - started
    appmod.SalesDeskApp._display = timed_display

    async def auto(pilot):
        while first_frame is None:
            await pilot.pause()
        await pilot.pause()
        print(first_frame, time.time() - started)
        pilot.app.exit()
    run = appmod.SalesDeskApp.run
    appmod.SalesDeskApp.run = lambda self, **kw: run(
        self, headless=True, auto_pilot=auto, size=(140, 45))

class PatchOnImport(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "salesdesk.app":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        exec_module = spec.loader.exec_module
        def exec_and_patch(module):
            exec_module(module)
            patch(module)
        spec.loader.exec_module = exec_and_patch
        return spec

sys.meta_path.insert(0, PatchOnImport())
import salesdesk.launch
sys.argv = ["salesdesk", "--db", sys.argv[2]]
salesdesk.launch.main()
"""


#: (first frame, settled) targets by size: the board's time over the floor's.
TIME_TARGETS = {10_000: 1.15, 100_000: 1.3}
#: The peak memory target by size: the board's over the floor's.
RSS_TARGETS = {100_000: 1.5}


def child_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if k not in ("PYTHONDONTWRITEBYTECODE", "SALESDESK_NOW")}


def timed(code: str, *args: str) -> tuple[float, float, int]:
    """(first frame, settled) in seconds from spawning the process, and its peak RSS (KiB).

    The child prints the elapsed times itself, so interpreter exit and database close
    (which the rep never waits for) are not counted, for the floor and SalesDesk alike.
    """
    started = time.time()
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen([sys.executable, "-c", code, str(started), *args],
                                   stdout=subprocess.PIPE, stderr=errors, text=True,
                                   env=child_env())
        assert process.stdout is not None
        out = process.stdout.read()
        _pid, status, usage = os.wait4(process.pid, 0)  # (wait4: this child's own peak)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            errors.seek(0)
            raise SystemExit(f"the child failed: {errors.read()}")
    first, settled = out.split()[-2:]
    return float(first), float(settled), usage.ru_maxrss


def verdict(ratio: float, target: float | None) -> str:
    if target is None:
        return ""
    return f"  (target <= {target}: {'met' if ratio <= target else 'not met'})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="1,10000,100000")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        databases = {}
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(folder) / f"demo-{size}.db"
            subprocess.run([sys.executable, "-m", "salesdesk", "demo", "--prospects", str(size),
                            "--db", str(path)], check=True, stdout=subprocess.DEVNULL,
                           env=child_env())
            databases[size] = path
        timed(FLOOR)  # warm the file cache (and the bytecode) once
        for size, path in databases.items():
            timed(REAL, str(path))
            floors, reals = [], []
            for _ in range(args.runs):  # interleave so load changes hit both alike
                floors.append(timed(FLOOR))
                reals.append(timed(REAL, str(path)))
            for label, moment in (("first frame", 0), ("settled", 1)):
                floor = statistics.median(f[moment] for f in floors)
                real = statistics.median(r[moment] for r in reals)
                target = TIME_TARGETS.get(size) if moment == 0 else None
                print(f"{size:>7} prospects, {label:<11}: salesdesk {real * 1000:5.0f} ms, "
                      f"floor {floor * 1000:5.0f} ms, ratio {real / floor:.2f}"
                      f"{verdict(real / floor, target)}", flush=True)
            floor_rss = statistics.median(f[2] for f in floors)
            real_rss = statistics.median(r[2] for r in reals)
            print(f"{size:>7} prospects, {'peak RSS':<11}: salesdesk {real_rss / 1024:5.1f} MB, "
                  f"floor {floor_rss / 1024:5.1f} MB, ratio {real_rss / floor_rss:.2f}"
                  f"{verdict(real_rss / floor_rss, RSS_TARGETS.get(size))}", flush=True)


if __name__ == "__main__":
    main()
