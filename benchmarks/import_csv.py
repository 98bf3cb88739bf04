"""Import benchmark: SalesDesk's CSV import against ``sqlite-utils insert --csv``.

Builds realistic CSV files (English and Chinese names, companies, phones, emails, areas,
grades, amounts, multi-line notes), then imports each into a fresh database with the real
command line of both tools, in the same run, and prints the median wall-clock times, their
ratio (target <= 1.0 at 100,000 rows, with encoding detection, phone and email
normalisation and the duplicate rule included) and SalesDesk's peak memory (the child
process's ``ru_maxrss``). Comparing the peak at 20,000 and 100,000 rows shows that
streaming keeps memory flat: it must not grow with the file.

sqlite-utils stores every column as text and checks nothing; SalesDesk also validates every
row, maps the columns, looks for duplicates and writes the undo journal and import batch.

    python benchmarks/import_csv.py [--runs 3] [--sizes 20000,100000]
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 1.0
# The console script's own entry (``salesdesk --db DB import FILE``), in a child process
# that reports its peak memory as it exits.
CHILD = r"""
import atexit, resource, sys
from salesdesk.cli.main import main
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
def report():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"RSS {baseline} {peak}", file=sys.stderr)
atexit.register(report)
sys.argv = ["salesdesk", "--db", sys.argv[2], "import", sys.argv[1]]
main()
"""

FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "晓东", "建华", "海燕")
FIRST = ("Alice", "Ben", "Carla", "David", "Emma", "Frank", "Grace", "Henry", "Isla", "Jack")
LAST = ("Smith", "Jones", "Brown", "Taylor", "Wilson", "Evans", "Walker", "Wright", "Green")
COMPANIES = ("华信科技", "金桥物流", "东方电气", "Acme Supplies", "Northwind", "Bluebird Ltd")
AREAS = ("浦东", "徐汇", "静安", "闵行", "Downtown", "Riverside", "Northgate")
TITLES = ("采购经理", "总经理", "Buyer", "Owner", "Office manager", "")
NOTES = ("喜欢下午联系", "asked for a quote", "展会认识, 对新品感兴趣",
         "call back after the holidays", "prefers WeChat\nnot before 10am", "")


def build_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["姓名", "公司", "职务", "手机", "Email", "区域", "等级", "金额", "备注"])
        for i in range(rows):
            chinese = rng.random() < 0.5
            name = (
                rng.choice(FAMILY) + rng.choice(GIVEN)
                if chinese
                else f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            )
            writer.writerow(
                [
                    f"{name} {i}",
                    f"{rng.choice(COMPANIES)} {i % 997}",
                    rng.choice(TITLES),
                    f"1{rng.randint(30, 89)}{i:08d}",
                    f"contact{i}@example.com" if rng.random() < 0.7 else "",
                    rng.choice(AREAS),
                    rng.choice("ABC"),
                    f"{rng.randint(1, 500)}k" if rng.random() < 0.5 else str(rng.randint(0, 99999)),
                    rng.choice(NOTES),
                ]
            )


def run_salesdesk(csv_path: Path, db_path: Path) -> tuple[float, int, int]:
    """Wall time (s), baseline and peak RSS (KB) of ``salesdesk import`` in a fresh process."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(csv_path), str(db_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    line = next(x for x in done.stderr.splitlines() if x.startswith("RSS "))
    _, baseline, peak = line.split()
    if "created" not in done.stdout:
        raise SystemExit(f"salesdesk import failed:\n{done.stdout}\n{done.stderr}")
    return elapsed, int(baseline), int(peak)


def run_sqlite_utils(csv_path: Path, db_path: Path) -> float:
    tool = shutil.which("sqlite-utils") or str(Path(sys.executable).with_name("sqlite-utils"))
    started = time.perf_counter()
    subprocess.run([tool, "insert", str(db_path), "prospects", str(csv_path), "--csv"],
                   check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="20000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'rows':>8}  {'salesdesk':>10}  {'sqlite-utils':>12}  {'ratio':>6}  "
          f"{'peak RSS':>9}  {'before import':>13}")
    ratios: dict[int, float] = {}
    peaks: dict[int, int] = {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for size in sizes:
            csv_path = root / f"contacts-{size}.csv"
            build_csv(csv_path, size)
            ours, theirs, rss = [], [], []
            for run in range(args.runs):
                db_a, db_b = root / f"sd-{size}-{run}.db", root / f"su-{size}-{run}.db"
                elapsed, baseline, peak = run_salesdesk(csv_path, db_a)
                ours.append(elapsed)
                rss.append((baseline, peak))
                theirs.append(run_sqlite_utils(csv_path, db_b))
            mine, other = statistics.median(ours), statistics.median(theirs)
            ratios[size] = mine / other
            peaks[size] = max(p for _b, p in rss)
            print(f"{size:>8,}  {mine:>9.2f}s  {other:>11.2f}s  {ratios[size]:>6.2f}  "
                  f"{peaks[size] / 1024:>7.0f}MB  {min(b for b, _p in rss) / 1024:>11.0f}MB")
    largest = max(sizes)
    verdict = "ok" if ratios[largest] <= TARGET_RATIO else "ABOVE TARGET"
    print(f"ratio at {largest:,} rows: {ratios[largest]:.2f} (target <= {TARGET_RATIO}): {verdict}")
    if len(sizes) > 1:
        smallest = min(sizes)
        growth = (peaks[largest] - peaks[smallest]) / 1024
        print(f"peak memory {smallest:,} -> {largest:,} rows: {growth:+.1f} MB "
              f"({largest // smallest}x the rows)")


if __name__ == "__main__":
    main()
