"""Screen-opening benchmark: a key on a settled board -> that screen settled with its
content shown, against the board's own start-up, the way a person sees it.

Runs the real ``salesdesk --db FILE`` in tmux (140x45, the Pane machinery of
``benchmarks/keys.py``) on demo databases of each size. Each run starts the app afresh and
times its start-up until the board is settled (cards shown, then ``--quiet`` ms without
output); then, for each screen, presses its key on the settled board and times it until
the screen shows its content (its own words for it: "MAN check · 1 of N", the
suggestions' count, "Weekly review · walk-through   1 of N", "N left · 0 done") and has
gone quiet, and goes back (esc) to the board, settled again, before the next one. The
first output after the key (the screen drawn, its progress line showing) is kept too.

A first start of a day rescores every card: one start is made (untimed) before the runs.

    python benchmarks/screens.py [--sizes 1000,10000,100000] [--runs 3] [--screens man,...]

Prints, per size and screen, the medians of the runs: the board's start-up, the first
paint and the content, in ms, and content / start-up. The target is <= 1.3 at 100,000.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from keys import Pane, bench_env, bench_parser, make_demo  # noqa: E402  (shared tmux machinery)

TARGET = 1.3
BOARD_SHOWN = re.compile(r"A ·")


@dataclass
class Screen:
    """One screen: its key on the board and the words that show its content."""

    name: str
    key: str
    shown: re.Pattern[str]
    firsts: list[float] = field(default_factory=list)
    contents: list[float] = field(default_factory=list)


def screens() -> list[Screen]:
    return [
        Screen("man", "m", re.compile(r"MAN check · \d+ of \d+|nothing to check|No prospects")),
        Screen("visits", "v", re.compile(r"Suggestions  \d+")),
        Screen("review", "w", re.compile(r"walk-through   \d+ of \d+|walk-through\s*\n")),
        Screen("today", "T", re.compile(r"\d+ left · \d+ done")),
    ]


class TimedPane(Pane):
    """A Pane that also remembers when each write arrived (the first one after a key)."""

    def __init__(self, name: str, command: str, env: dict[str, str]) -> None:
        self.writes: list[float] = []
        super().__init__(name, command, env)

    def _read(self) -> None:
        assert self._client.stdout is not None
        for line in self._client.stdout:
            if line.startswith(b"%output"):
                moment = time.perf_counter()
                with self._lock:
                    self.last_output = moment
                    self.outputs += 1
                    self.writes.append(moment)

    def first_write_after(self, since: float) -> float:
        with self._lock:
            return next((w for w in self.writes if w > since), since)

    def wait_for(
        self, pattern: re.Pattern[str], quiet: float, since: float, timeout: float = 180.0
    ) -> float:
        """Wait until the screen shows ``pattern`` and then goes quiet; the last write."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if pattern.search(self.screen()):
                return self.settle(quiet, since=since, timeout=timeout)
            time.sleep(0.01)
        raise SystemExit(f"{self.name}: never showed {pattern.pattern!r}:\n{self.screen()}")


def start(db: Path, env: dict[str, str], tag: str, quiet: float) -> tuple[TimedPane, float]:
    """Start the app on ``db``; the pane and the time until its board settled."""
    started = time.perf_counter()
    pane = TimedPane(
        f"sdscreens-{os.getpid()}-{tag}", f"{sys.executable} -m salesdesk --db {db}", env
    )
    last = pane.wait_for(BOARD_SHOWN, quiet, started)
    return pane, last - started


def run_once(db: Path, env: dict[str, str], tag: str, quiet: float, chosen: list[Screen]) -> float:
    """One run: a start, then each screen opened from the settled board."""
    pane, board = start(db, env, tag, quiet)
    try:
        for screen in chosen:
            sent = pane.send(screen.key)
            last = pane.wait_for(screen.shown, quiet, sent)
            screen.firsts.append(pane.first_write_after(sent) - sent)
            screen.contents.append(last - sent)
            back = pane.send("Escape")
            pane.wait_for(BOARD_SHOWN, quiet, back)
        return board
    finally:
        pane.close()


def measure_size(
    size: int, folder: Path, env: dict[str, str], runs: int, quiet: float, wanted: set[str] | None
) -> tuple[list[float], list[Screen]]:
    db = make_demo(size, folder, env)
    pane, _ = start(db, env, f"{size}-warm", quiet)  # the day's first start rescores
    pane.close()
    chosen = [s for s in screens() if wanted is None or s.name in wanted]
    boards = [run_once(db, env, f"{size}-{i}", quiet, chosen) for i in range(runs)]
    return boards, chosen


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--screens", help="which: man,visits,review,today")
    args = parser.parse_args()
    quiet = args.quiet / 1000
    wanted = set(args.screens.split(",")) if args.screens else None
    with tempfile.TemporaryDirectory() as folder:
        env = bench_env(args, Path(folder))
        print(
            f"{'size':>8}  {'screen':<8} {'board':>8} {'first':>8} {'content':>8} "
            f"{'ratio':>6}  target <= {TARGET}"
        )
        for size in (int(s) for s in args.sizes.split(",")):
            boards, chosen = measure_size(size, Path(folder), env, args.runs, quiet, wanted)
            board = statistics.median(boards)
            for screen in chosen:
                first = statistics.median(screen.firsts)
                content = statistics.median(screen.contents)
                ratio = content / board
                verdict = "met" if ratio <= TARGET else "NOT met"
                print(
                    f"{size:>8}  {screen.name:<8} {board * 1000:6.0f}ms {first * 1000:6.0f}ms "
                    f"{content * 1000:6.0f}ms {ratio:6.2f}  {verdict}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
