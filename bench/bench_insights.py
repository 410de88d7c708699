"""Benchmark of insights: statistical detection over three years of one user, and `GET /insights` under load.

1. In this process: the detectors over `--days` generated days (median of repeated runs), and the whole
   statistical pass from a cold document store (read and parse the stored days and profile from disk,
   detect, deduplicate and store).
2. `python -m airfit serve` pinned to CPU 0 with that data plus a full insight store, loaded with
   `GET /insights?limit=10` from `bench/loadgen.py` on CPU 1 (wrk when installed).

usage: uv run python bench/bench_insights.py [--days 1095] [--duration 10]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from airfit.config import Settings  # noqa: E402
from airfit.health.models import CONTEXT_STORE, ContextStore, DailySnapshot, HealthDay, NutritionDay  # noqa: E402
from airfit.insights.models import INSIGHTS, Insight, InsightStore  # noqa: E402
from airfit.insights.stats import detect  # noqa: E402
from airfit.profile.models import UserProfile  # noqa: E402
from airfit.services import build_services  # noqa: E402
from airfit.storage import DocumentStore  # noqa: E402
from harness import generated_days, pinned_server, server_env  # noqa: E402
from loadgen import run_load  # noqa: E402

USER = "brian"
STORED_INSIGHTS = 150
RUNS = 20


def snapshots(n_days: int) -> list[DailySnapshot]:
    """`n_days` generated days ending today, as stored snapshots."""
    keys = set(HealthDay.model_fields)
    out = []
    for day in generated_days(n_days, 1, datetime.now(UTC).date().isoformat()):
        nutrition = NutritionDay(
            calories=day["calories"], protein=day["protein"], carbs=day["carbs"], fat=day["fat"]
        )
        health = HealthDay(**{k: v for k, v in day.items() if k in keys})
        out.append(DailySnapshot(date=day["date"], nutrition=nutrition, health=health))
    return out


def seed(data_dir: Path, days: list[DailySnapshot]) -> None:
    """Store the days and a realistic insight store for the user."""
    now = datetime.now(UTC)
    insights = [
        Insight(title=f"Finding {n} about training", body="x" * 200, created_at=now - timedelta(hours=6 * n))
        for n in range(STORED_INSIGHTS)
    ]
    store = DocumentStore(data_dir)

    async def write() -> None:
        await store.replace(USER, CONTEXT_STORE, ContextStore(snapshots={d.date: d for d in days}))
        await store.replace(USER, INSIGHTS, InsightStore(insights=insights))

    asyncio.run(write())


def time_detect(days: list[DailySnapshot]) -> float:
    """Median milliseconds of the detectors over all days."""
    profile, today = UserProfile(), datetime.now(UTC).date()
    runs = []
    for _ in range(RUNS):
        started = time.perf_counter()
        detect(days, profile=profile, today=today)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000


def time_cold_pass(data_dir: Path) -> float:
    """Milliseconds of one statistical pass on a fresh store: read + parse + detect + dedup + write."""
    settings = Settings(_env_file=None, data_dir=data_dir, users=USER, timezone="UTC")  # type: ignore[call-arg]

    async def run() -> float:
        state = build_services(settings)
        await state.users.ensure([USER])
        started = time.perf_counter()
        await state.insights.statistical(user_id=USER)
        return time.perf_counter() - started

    return asyncio.run(run()) * 1000


def main() -> None:
    """Run both measurements and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=1095)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--port", type=int, default=None, help="server port (default: a free one)")
    args = parser.parse_args()
    days = snapshots(args.days)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        seed(data_dir, days)
        print(
            f"statistical detectors, {args.days} days:        {time_detect(days):7.1f} ms (median of {RUNS})"
        )
        print(f"statistical pass, cold store (read+detect+store): {time_cold_pass(data_dir):7.1f} ms")
        with pinned_server(server_env(data_dir, USER), port=args.port) as server:
            url = f"{server.url}/insights?limit=10"
            run_load(url, headers={"X-User-ID": USER}, seconds=2)
            before = server.process.cpu_times()
            result = run_load(url, headers={"X-User-ID": USER}, seconds=args.duration)
            after = server.process.cpu_times()
            cpu = (after.user - before.user) + (after.system - before.system)
            print(f"GET /insights?limit=10 ({STORED_INSIGHTS} stored), server on 1 core: {result.row()}")
            # On a busy machine the server does not get its whole core; requests per CPU-second it did
            # get is the capacity of a dedicated core.
            print(
                f"  server CPU {cpu / result.seconds:.0%} of one core; "
                f"{result.requests / cpu:,.0f} requests per server CPU-second"
            )


if __name__ == "__main__":
    main()
