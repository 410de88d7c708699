"""Importing large CSV files of each kind: rows per second and peak RSS, beside a bare `csv.reader` pass.

Each source's file comes from its generator (`airfit.demo.csv_exports`), `--years` long: a lifter's workouts
as Hevy's and Strong's exports (Strong's semicolon-separated, with decimal commas and a 12-hour clock), a
scale's readings (one to three a day) and a MyFitnessPal log (a row per meal). For each file, each in its
own process so each peak RSS is its own:

1. a bare `csv.reader` pass that only counts rows (the floor for any Python reader of the file);
2. `airfit import-from SOURCE bench FILE --dry-run` (read the whole file, compute the report);
3. the same without `--dry-run` into an empty data directory (and writing the workouts or days).

Prints rows, file size, wall time, rows per second and peak RSS for each, and the rows per second of the
import itself (its report's time: reading and merging, without the command's start-up). No parser of
Hevy's or Strong's exports is published on PyPI to compare with (the Hevy packages there are clients of
Hevy's API).

    uv run python bench/bench_csv_imports.py [--years 30] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from airfit.demo.csv_exports import write_hevy_csv, write_nutrition_csv, write_scale_csv, write_strong_csv
from harness import Run, generated_workouts, measure, server_env

END = date(2025, 6, 30)
BARE_CSV = """
import csv, sys
with open(sys.argv[1], newline="", encoding=sys.argv[2]) as f:
    rows = sum(1 for _ in csv.reader(f, delimiter=sys.argv[3]))
print(rows, "rows")
"""


def _rows(path: Path, delimiter: str) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle, delimiter=delimiter)) - 1


def _report_seconds(output: str) -> float:
    """The report's own time: `Read in 1.2 s.` (after `Dry run: ...` in a dry run)."""
    match = re.search(r"Read in ([0-9.]+) s", output)
    return float(match.group(1)) if match else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--years", type=int, default=30, help="years of workouts (scale and food: since 1970)"
    )
    parser.add_argument("--keep", type=Path, help="write the files and data directories here and keep them")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-csv-"))
    folder.mkdir(parents=True, exist_ok=True)
    zone = ZoneInfo("UTC")
    files: dict[str, tuple[Path, str, list[str]]] = {}
    try:
        started = time.perf_counter()
        workouts = generated_workouts(52 * args.years, seed=1, end=END.isoformat())
        hevy = folder / "workouts.csv"
        write_hevy_csv(hevy, workouts, zone=zone)
        files["hevy-csv"] = (hevy, ",", [])
        strong = folder / "strong.csv"
        write_strong_csv(strong, workouts, zone=zone, delimiter=";", decimal_comma=True, twelve_hour=True)
        files["strong-csv"] = (strong, ";", ["--unit", "kg"])
        days = 365 * args.years
        scale = folder / "scale.csv"
        write_scale_csv(scale, days=days, end=END, style="withings")
        files["weight-csv"] = (scale, ",", [])
        food = folder / "nutrition.csv"
        write_nutrition_csv(food, days=days, end=END - timedelta(days=1))
        files["nutrition-csv"] = (food, ",", [])
        print(f"files generated in {time.perf_counter() - started:.1f} s ({len(workouts):,} workouts)")

        python = sys.executable
        results: list[tuple[str, int, int, list[Run]]] = []
        for source, (path, delimiter, extra) in files.items():
            rows = _rows(path, delimiter)
            runs = [measure("bare csv.reader", [python, "-c", BARE_CSV, str(path), "utf-8", delimiter])]
            for dry in (True, False):
                data = folder / f"data-{source}-{'dry' if dry else 'real'}"
                shutil.rmtree(data, ignore_errors=True)
                command = [python, "-m", "airfit", "import-from", source, "bench", str(path), *extra]
                name = f"airfit import{' --dry-run' if dry else ''}"
                runs.append(measure(name, command + ["--dry-run"] * dry, server_env(data, "bench")))
            results.append((source, rows, path.stat().st_size, runs))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)

    print(
        f"\n{'source':14} {'run':22} {'rows':>9} {'MB':>6} {'seconds':>8} {'rows/s':>9} {'peak RSS MB':>12}"
    )
    for source, rows, size, runs in results:
        for run in runs:
            print(
                f"{source:14} {run.name:22} {rows:9,} {size / 1e6:6.1f} {run.seconds:8.2f} "
                f"{rows / run.seconds:9,.0f} {run.peak_mb:12.0f}"
            )
        for run in runs[1:]:
            took = _report_seconds(run.output)
            print(f"{'':14} {run.name}: the import itself {took:.2f} s, {rows / max(took, 0.01):,.0f} rows/s")


if __name__ == "__main__":
    main()
