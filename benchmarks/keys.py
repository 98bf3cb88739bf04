"""Key latency benchmark: keystroke -> screen settled, the way a person sees it.

Runs the real ``salesdesk --db FILE`` in tmux (140x45) on demo databases of each size and
sends keys through a tmux control-mode client, which also reports every byte the app
writes to its terminal, with the time it arrived. A key's latency is the time from
sending it to the app's last write before the screen goes quiet (``--quiet`` ms without
output). A floor is measured in the same run the same way: a minimal Textual app that
updates one line per key. Before its first key the run waits for the board to go idle
(under 3% of a core for a second, from /proc): a board just up still runs its start's
work beside it (the page check, the day's backup, the detail and visit plan made ready).

What a board key did is said on the board's status line (one row, see
salesdesk/widgets/status_line.py), which is blanked a few seconds later; a toast (still
used by the app's own notices) disappears three seconds after it appears; a card a regrade
moved stays lit for FLASH_SECONDS. None of these repaints may be counted against a later
key: before a key is timed, the run waits for a toast still up to go, and for a status line
to blank or a lit card to go out if it would do so while the key is timed (a key that says
something itself restarts the line's time, so keys in a row are not held up).

    python benchmarks/keys.py [--sizes 1000,10000,100000] [--repeats 20] [--keys move,...]

Prints p50 and p95 per key and size in ms, and p95 against the floor's p95. The target is
p95 <= 50 ms for every key at every size.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from salesdesk.widgets.card_column import FLASH_SECONDS
from salesdesk.widgets.status_line import SHOW_SECONDS

WIDTH, HEIGHT = 140, 45
TOAST_SECONDS = 3.0
#: How long the board's status line keeps a message (what the benchmark's keys say).
STATUS_SECONDS = SHOW_SECONDS["information"]
#: A key's timing ends this long at most after it is sent (its work, then ``--quiet``):
#: a status line blanking within it would be counted against the key.
TIMED_WINDOW = 1.5
TARGET_MS = 50.0

FLOOR_APP = r"""
from textual.app import App
from textual.widgets import Static

class Floor(App):
    BINDINGS = [("j", "bump", "Bump"), ("q", "quit", "Quit")]
    count = 0

    def compose(self):
        yield Static("0", id="n")

    def action_bump(self):
        self.count += 1
        self.query_one("#n", Static).update(str(self.count))

Floor().run()
"""


class Pane:
    """A tmux session running one program, driven through a control-mode client."""

    def __init__(self, name: str, command: str, env: dict[str, str]) -> None:
        self.name = name
        self.last_output = 0.0
        self.outputs = 0
        #: When the last toast shown will have gone (no key is timed before then).
        self.toast_gone = 0.0
        #: Repaints a key causes later, each (earliest, latest): the status line blanking
        #: its message, a card lit by a regrade going out.
        self.later: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
        env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
        subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", str(WIDTH), "-y",
                        str(HEIGHT), *env_args, command], check=True)
        self._client = subprocess.Popen(["tmux", "-C", "attach", "-t", name],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self._client.stdout is not None
        for line in self._client.stdout:
            if line.startswith(b"%output"):
                with self._lock:
                    self.last_output = time.perf_counter()
                    self.outputs += 1

    def _command(self, text: str) -> None:
        assert self._client.stdin is not None
        self._client.stdin.write(text.encode() + b"\n")
        self._client.stdin.flush()

    def send(self, key: str, literal: bool = False) -> float:
        """Send one key (tmux key name) or literal text; the moment it was sent."""
        quoted = "'" + key.replace("'", "'\\''") + "'"
        sent = time.perf_counter()
        self._command(f"send-keys -t {self.name} {'-l ' if literal else ''}{quoted}")
        return sent

    def settle(self, quiet: float, since: float = 0.0, timeout: float = 30.0,
               answered: bool = False) -> float:
        """Wait until nothing was written for ``quiet`` seconds after ``since`` (and
        something was written at all); the last write's time. With ``answered`` the
        quiet only counts once something was written after ``since``: a key whose
        answer comes late is timed to that answer, not counted as 0 ms."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self._lock:
                last, count = self.last_output, self.outputs
            waiting = answered and last <= since
            if count and not waiting and time.perf_counter() - max(last, since) >= quiet:
                return last
            time.sleep(0.002)
        raise SystemExit(f"{self.name}: the screen never went quiet")

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name],
                              capture_output=True, text=True).stdout

    def cpu_seconds(self) -> float:
        """The CPU time used so far by the pane's program and its children (Linux
        /proc; 0.0 elsewhere)."""
        pane = subprocess.run(["tmux", "display-message", "-p", "-t", self.name,
                               "#{pane_pid}"], capture_output=True, text=True).stdout.strip()
        stats: dict[int, tuple[int, float]] = {}  # pid: (parent, seconds)
        for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else ():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            ticks = int(fields[11]) + int(fields[12])  # utime, stime
            stats[int(entry.name)] = (int(fields[1]), ticks / os.sysconf("SC_CLK_TCK"))
        tree = {int(pane)} if pane.isdigit() else set()
        grown = True
        while grown:
            more = {pid for pid, (parent, _s) in stats.items() if parent in tree} - tree
            tree |= more
            grown = bool(more)
        return sum(stats[pid][1] for pid in tree if pid in stats)

    def wait_idle(self, window: float = 1.0, share: float = 0.03,
                  timeout: float = 120.0) -> None:
        """Wait until the program used less than ``share`` of a core for ``window``
        seconds: a board just up still has its start's work running beside it (the page
        check, the day's backup, the detail and the visit plan made ready), which the
        first keys timed would share the machine with."""
        deadline = time.perf_counter() + timeout
        before = self.cpu_seconds()
        while time.perf_counter() < deadline:
            time.sleep(window)
            now = self.cpu_seconds()
            if now - before < share * window:
                return
            before = now

    def close(self) -> None:
        self._command(f"kill-session -t {self.name}")
        self._client.wait(timeout=10)


@dataclass
class Step:
    """One key: sent, and timed when ``measured``; ``toast`` when it may show a toast,
    ``status`` when it says something on the board's status line, ``flash`` when it
    lights a card for a moment."""

    key: str
    measured: bool = False
    literal: bool = False
    toast: bool = False
    status: bool = False
    flash: bool = False


@dataclass
class Scenario:
    name: str
    steps: Callable[[int], list[Step]]  # the steps of repeat number i
    times: list[float] = field(default_factory=list)


def _type(text: str) -> list[Step]:
    return [Step(ch, literal=True) for ch in text]


def scenarios() -> list[Scenario]:
    return [
        Scenario("move (j/k)", lambda i: [Step("j" if i % 2 == 0 else "k", measured=True)]),
        Scenario("column (l/h)", lambda i: [Step("l" if i % 2 == 0 else "h", measured=True)]),
        Scenario("regrade (b/a)",
                 lambda i: [Step("b" if i % 2 == 0 else "a", measured=True, status=True,
                                 flash=True)]),
        Scenario("keep (a in A)", lambda i: [Step("a", measured=True, status=True)]),
        Scenario("log a touch (enter)", lambda i: [
            Step("t"), Step("c"), *_type("called about the quote"),
            Step("Enter", measured=True, status=True)]),
        Scenario("next step (enter)", lambda i: [
            Step("d"), Step("C-u"), *_type("+3d"), Step("Enter", measured=True, status=True)]),
        Scenario("open detail (enter)", lambda i: [Step("Enter", measured=True), Step("Escape")]),
        Scenario("close detail (esc)", lambda i: [Step("Enter"), Step("Escape", measured=True)]),
        Scenario("undo (u)", lambda i: [Step("u", measured=True, status=True)]),
        Scenario("closed view (o)", lambda i: [Step("o", measured=True), Step("o")]),
        Scenario("back from closed (o)", lambda i: [Step("o"), Step("o", measured=True)]),
        Scenario("filter, per character", lambda i: [
            Step("/"), *[Step(ch, literal=True, measured=True) for ch in "acme"],
            Step("Escape")]),
        # Not among the keys, but a rep sees them: the filter's field opening, and
        # Escape clearing the filter and closing it.
        Scenario("slash (open the filter)", lambda i: [
            Step("/", measured=True), *[Step(ch, literal=True) for ch in "acme"],
            Step("Escape")]),
        Scenario("escape (close the filter)", lambda i: [
            Step("/"), *[Step(ch, literal=True) for ch in "acme"],
            Step("Escape", measured=True)]),
    ]


def wait_for_repaints(pane: Pane, quiet: float) -> None:
    """Before a key is timed: let a toast still up go, and a status line that would blank
    (or a lit card that would go out) while the key is timed do so first."""
    now = time.perf_counter()
    until = pane.toast_gone if now < pane.toast_gone else 0.0
    for earliest, latest in pane.later.values():
        if latest > now and earliest < now + TIMED_WINDOW:
            until = max(until, latest + 0.1)
    if until > now:
        time.sleep(until - now)
        pane.settle(quiet, since=time.perf_counter())


def run_scenario(pane: Pane, scenario: Scenario, repeats: int, quiet: float) -> None:
    for i in range(repeats):
        for step in scenario.steps(i):
            if step.measured:
                wait_for_repaints(pane, quiet)
            sent = pane.send(step.key, step.literal)
            last = pane.settle(quiet, since=sent, answered=step.measured)
            if step.measured:
                scenario.times.append(max(0.0, last - sent))
            if step.toast:
                pane.toast_gone = time.perf_counter() + TOAST_SECONDS + 0.5
            if step.status:  # its timer started while the key was handled
                pane.later["status"] = (sent + STATUS_SECONDS, last + STATUS_SECONDS)
            if step.flash:  # the moved card stays lit for a moment
                pane.later["flash"] = (sent + FLASH_SECONDS, last + FLASH_SECONDS)


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure_floor(env: dict[str, str], repeats: int, quiet: float) -> list[float]:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
        script.write(FLOOR_APP)
    pane = Pane(f"sdbench-{os.getpid()}-floor", f"{sys.executable} {script.name}", env)
    try:
        pane.settle(1.0, since=time.perf_counter())
        floor = Scenario("floor (j)", lambda i: [Step("j", measured=True)])
        run_scenario(pane, floor, repeats, quiet)
        return floor.times
    finally:
        pane.close()
        os.unlink(script.name)


def bench_parser(doc: str | None) -> argparse.ArgumentParser:
    """The options every tmux benchmark takes: sizes, the quiet window, other code."""
    if shutil.which("tmux") is None:
        raise SystemExit("this benchmark needs tmux")
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--quiet", type=float, default=300, help="ms without output")
    parser.add_argument("--code", help="run the SalesDesk found in this folder instead "
                        "(PYTHONPATH), e.g. another checkout, to compare in one run")
    return parser


def bench_env(args: argparse.Namespace, folder: Path) -> dict[str, str]:
    """The apps' environment: a throwaway HOME in ``folder``, and ``--code`` if given."""
    home = folder / "home"
    home.mkdir()
    env = {"HOME": str(home), "COLORTERM": "truecolor"}
    if args.code:
        env["PYTHONPATH"] = str(Path(args.code).resolve())
    return env


def make_demo(size: int, folder: Path, env: dict[str, str]) -> Path:
    """A demo database of ``size`` prospects in ``folder``."""
    db = folder / f"demo-{size}.db"
    subprocess.run([sys.executable, "-m", "salesdesk", "demo", "--prospects", str(size),
                    "--db", str(db)], check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, **env})
    return db


def measure_size(size: int, folder: Path, env: dict[str, str], repeats: int, quiet: float,
                 wanted: set[str] | None) -> list[Scenario]:
    db = make_demo(size, folder, env)
    pane = Pane(f"sdbench-{os.getpid()}-{size}", f"{sys.executable} -m salesdesk --db {db}",
                env)
    try:
        # The first start of a day rescores every card first (it says so on stderr, then
        # waits seconds with nothing written): wait for the board itself.
        deadline = time.perf_counter() + 180
        pane.settle(2.0, since=time.perf_counter(), timeout=180)
        while "A ·" not in pane.screen() and time.perf_counter() < deadline:
            pane.settle(2.0, since=time.perf_counter(), timeout=180)
        if "A ·" not in pane.screen():
            raise SystemExit(f"the board did not open:\n{pane.screen()}")
        pane.wait_idle()
        chosen = [s for s in scenarios()
                  if wanted is None or s.name.split()[0].rstrip(",") in wanted]
        for scenario in chosen:
            run_scenario(pane, scenario, repeats, quiet)
        return chosen
    finally:
        pane.close()


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--keys", help="first words of the keys to time (move,regrade,...)")
    args = parser.parse_args()
    quiet = args.quiet / 1000
    wanted = set(args.keys.split(",")) if args.keys else None
    with tempfile.TemporaryDirectory() as folder:
        env = bench_env(args, Path(folder))
        floor = measure_floor(env, args.repeats, quiet)
        floor_p95 = percentile(floor, 0.95)
        print(f"floor (minimal Textual app, one line per key): "
              f"p50 {statistics.median(floor) * 1000:.0f} ms, p95 {floor_p95 * 1000:.0f} ms")
        print(f"{'size':>8}  {'key':<24} {'p50':>7} {'p95':>7} {'p95/floor':>9}  target")
        for size in (int(s) for s in args.sizes.split(",")):
            for scenario in measure_size(size, Path(folder), env, args.repeats, quiet, wanted):
                p50 = statistics.median(scenario.times) * 1000
                p95 = percentile(scenario.times, 0.95) * 1000
                verdict = "met" if p95 <= TARGET_MS else "NOT met"
                print(f"{size:>8}  {scenario.name:<24} {p50:5.0f}ms {p95:5.0f}ms "
                      f"{p95 / (floor_p95 * 1000):9.2f}  {verdict}", flush=True)


if __name__ == "__main__":
    main()
