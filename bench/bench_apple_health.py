"""Importing an Apple Health export: time and peak RSS, beside a bare expat pass and healthkit-to-sqlite.

One generated export (`airfit.demo.apple_health`, three years of an Apple Watch and an iPhone, about a
million records by default) is read by, each in its own process so each peak RSS is its own:

1. a bare expat pass: a parser whose start-element handler only counts (the floor for any Python reader);
2. `airfit import-from apple-health USER FILE --dry-run` (read, resolve the days, compute the merge report);
3. the same without `--dry-run` (and writing the days) into an empty data directory;
4. `healthkit-to-sqlite FILE DB --xml` (PyPI, a dev dependency), the common tool.

Prints wall time, peak RSS (`ru_maxrss` of the process) and the ratios the goal is stated in: our import at
most 3x the bare pass, under a quarter of healthkit-to-sqlite's time, peak RSS under 300 MB.

    uv run python bench/bench_apple_health.py [--days 1095] [--filler 540] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from airfit.demo.apple_health import write_export
from harness import measure, server_env

BARE_EXPAT = """
import sys
from xml.parsers import expat
count = 0
def start(name, attrs):
    global count
    count += 1
parser = expat.ParserCreate()
parser.buffer_text = True
parser.StartElementHandler = start
with open(sys.argv[1], "rb") as f:
    while chunk := f.read(1 << 20):
        parser.Parse(chunk, False)
parser.Parse(b"", True)
print(count, "elements")
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=int, default=1095)
    parser.add_argument("--filler", type=int, default=540, help="heart-rate records per day (sizes the file)")
    parser.add_argument("--keep", type=Path, help="write the export and databases here and keep them")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-apple-health-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        export = folder / "export.xml"
        started = time.perf_counter()
        truth = write_export(export, days=args.days, end=date(2025, 6, 30), filler_per_day=args.filler)
        print(
            f"export: {truth.records:,} records, {len(truth.days):,} days, "
            f"{export.stat().st_size / 1e6:.0f} MB, generated in {time.perf_counter() - started:.1f} s"
        )
        python = sys.executable
        runs = [measure("bare expat pass", [python, "-c", BARE_EXPAT, str(export)])]
        for dry in (True, False):
            data = folder / f"data-{'dry' if dry else 'real'}"
            shutil.rmtree(data, ignore_errors=True)
            env = server_env(data, "bench")
            command = [python, "-m", "airfit", "import-from", "apple-health", "bench", str(export)]
            runs.append(
                measure(f"airfit import{' --dry-run' if dry else ''}", command + (["--dry-run"] * dry), env)
            )
        database = folder / "healthkit.db"
        database.unlink(missing_ok=True)
        tool = shutil.which("healthkit-to-sqlite") or "healthkit-to-sqlite"
        runs.append(measure("healthkit-to-sqlite", [tool, str(export), str(database), "--xml", "--silent"]))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)

    bare = runs[0].seconds
    other = runs[-1].seconds
    print(f"\n{'':26} {'seconds':>8} {'peak RSS MB':>12} {'x bare expat':>13} {'x healthkit-to-sqlite':>22}")
    for run in runs:
        print(
            f"{run.name:26} {run.seconds:8.1f} {run.peak_mb:12.0f} "
            f"{run.seconds / bare:13.2f} {run.seconds / other:22.2f}"
        )
    for run in runs[1:3]:
        read = next((line for line in run.output.splitlines() if line.startswith(("Read in", "Dry run"))), "")
        print(f"  {run.name}: {read.strip()}")
    ours = runs[2]
    print(
        f"\ngoals: import <= 3x bare expat: {ours.seconds / bare:.2f}x; "
        f"< 0.25x healthkit-to-sqlite: {ours.seconds / other:.2f}x; peak RSS < 300 MB: {ours.peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
