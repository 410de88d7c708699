"""The server's own overhead on `POST /chat` with an instant provider and three years of data per user.

The server measures itself: `Server-Timing: overhead;dur=…` covers everything in the request except the
provider call (context building, prompt assembly, waiting for the user's lock). The turn's session and
history writes follow the reply. The server runs pinned to CPU 0, this script (clients, fake provider) on
the other cores. Also printed: the server's CPU time per chat (incl. the background profile learning, one
more LLM call per chat). Providers: a local OpenAI-compatible server (no process spawn), then an instant
fake CLI (one process per call, on the server's core).

    uv run python bench/bench_chat.py [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.clis import FakeClis  # noqa: E402
from tests.fakes.openai_server import Rule, fake_openai_server  # noqa: E402

from airfit.health.models import CONTEXT_STORE, ContextStore, DailySnapshot  # noqa: E402
from airfit.storage import DocumentStore  # noqa: E402
from harness import SERVER_CPU, PinnedServer, generated_days, pinned_server, server_env  # noqa: E402
from loadgen import pin  # noqa: E402

USERS = ("brian", "david", "jonathan")
HEALTH = {
    "steps_today": "8432",
    "active_calories_today": "512",
    "weight_lbs": "182.4",
    "weight_date": "2026-01-01T07:00:00Z",
    "resting_heart_rate": "54 bpm",
    "sleep_last_night": "7.2 hours",
}
NUTRITION = {
    "total_calories": 1850,
    "total_protein": 140,
    "total_carbs": 180,
    "total_fat": 60,
    "entry_count": 3,
    "entries": [{"name": f"food {i}", "calories": 500, "protein": 40} for i in range(3)],
    "recent_entries": [],
}


def _snapshot(day: dict) -> DailySnapshot:
    nutrition = {k: day[k] for k in ("calories", "protein", "carbs", "fat")}
    nutrition["entry_count"] = day["nutrition_entries"]
    health = {k: v for k, v in day.items() if k not in nutrition and k not in ("date", "nutrition_entries")}
    return DailySnapshot(date=day["date"], nutrition=nutrition, health=health)


def load_data(data_dir: Path, days: int) -> None:
    """Three years of daily snapshots for every user."""
    store = ContextStore(snapshots={d["date"]: _snapshot(d) for d in generated_days(days)})

    async def write() -> None:
        documents = DocumentStore(data_dir)
        for user in USERS:
            await documents.replace(user, CONTEXT_STORE, store)

    asyncio.run(write())


def _overhead_ms(response: httpx2.Response) -> float:
    header = response.headers["server-timing"]
    return float(header.split("overhead;dur=")[1].split(",")[0])


def run_user(url: str, user: str, count: int, out: list[float]) -> None:
    """`count` chats, one after another; appends each request's server overhead (ms)."""
    body = {"message": "How was my week?", "health_context": HEALTH, "nutrition_context": NUTRITION}
    with httpx2.Client(base_url=url, headers={"X-User-ID": user}, timeout=60) as client:
        for _ in range(count):
            response = client.post("/chat", json=body)
            if response.status_code != 200 or not response.json()["success"]:
                raise RuntimeError(f"chat failed: {response.status_code} {response.text}")
            out.append(_overhead_ms(response))


def _figures(values: list[float]) -> str:
    p95 = statistics.quantiles(values, n=20)[18]
    return f"overhead median {statistics.median(values):.2f} ms, p95 {p95:.2f} ms"


def _cpu(server: psutil.Process) -> float:
    times = server.cpu_times()
    return times.user + times.system


def measure(url: str, server: psutil.Process, requests: int) -> None:
    """One user, then three at once: overhead median/p95, wall time and server CPU per chat."""
    run_user(url, "brian", 10, [])  # warm caches and the first-use bookkeeping
    for user in USERS[1:]:
        run_user(url, user, 5, [])
    single: list[float] = []
    cpu, started = _cpu(server), time.perf_counter()
    run_user(url, "brian", requests, single)
    single_wall, single_cpu = time.perf_counter() - started, _cpu(server) - cpu
    per_user: dict[str, list[float]] = {u: [] for u in USERS}
    threads = [threading.Thread(target=run_user, args=(url, u, requests, per_user[u])) for u in USERS]
    cpu, started = _cpu(server), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    multi_wall, multi_cpu = time.perf_counter() - started, _cpu(server) - cpu
    print(
        f"  1 user : {_figures(single)}; {single_wall / requests * 1000:.1f} ms per chat, "
        f"server CPU {single_cpu / requests * 1000:.1f} ms per chat"
    )
    together = [x for values in per_user.values() for x in values]
    print(
        f"  3 users: {_figures(together)} "
        f"(per-user medians {', '.join(f'{statistics.median(v):.2f}' for v in per_user.values())}); "
        f"{multi_wall / requests * 1000:.1f} ms per round of three chats, "
        f"server CPU {multi_cpu / requests / 3 * 1000:.1f} ms per chat"
    )


@contextmanager
def chat_server(data_dir: Path, **env: str) -> Iterator[PinnedServer]:
    """`airfit serve` for the three users on CPU 0, log level info; prints how many log lines are problems."""
    env = server_env(data_dir, ",".join(USERS), AIRFIT_DEFAULT_USER="brian", AIRFIT_LOG_LEVEL="info", **env)
    with pinned_server(env) as server:
        yield server
        lines = server.log().splitlines()
        problems = [line for line in lines if line.startswith(("WARNING", "ERROR"))]
        print(f"  server log: {len(lines)} lines, {len(problems)} warnings or errors")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="chats per user and phase")
    parser.add_argument("--days", type=int, default=1095, help="days of data per user")
    parser.add_argument(
        "--provider-delay", type=float, default=0.5, help="seconds the provider takes in the latency phase"
    )
    args = parser.parse_args()
    pin(set(range(os.cpu_count() or 1)) - {SERVER_CPU})
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        load_data(data_dir, args.days)
        print(f"data: {args.days} days per user for {', '.join(USERS)}")
        with fake_openai_server() as fake:
            fake.rules = [Rule(match="Extract only NEW information", reply="{}")]
            fake.default = Rule(reply="Great week. Keep going.")
            env = {"OPENAI_BASE_URL": fake.url, "AIRFIT_OPENAI_MODEL": "fake-model"}
            with chat_server(data_dir, AIRFIT_PROVIDERS="openai", **env) as server:
                print("provider: fake OpenAI-compatible HTTP server (instant)")
                measure(server.url, server.process, args.requests)
                # With a provider that takes real time, three users at once should take as long as one:
                # nothing serialises users, only each user's own turns.
                fake.default = Rule(reply="Great week. Keep going.", delay=args.provider_delay)
                print(f"provider: the same server answering after {args.provider_delay:.1f} s")
                measure(server.url, server.process, max(args.requests // 20, 8))
        clis = FakeClis.install(Path(tmp) / "bin")
        clis.configure("gemini", default={"reply": "Great week. Keep going."})
        gemini = str(clis.bin_dir / "gemini")
        with chat_server(data_dir, AIRFIT_PROVIDERS="gemini", GEMINI_CLI=gemini) as server:
            print("provider: instant fake gemini CLI (one process per call, sharing the server's core)")
            measure(server.url, server.process, max(args.requests // 4, 20))


if __name__ == "__main__":
    main()
