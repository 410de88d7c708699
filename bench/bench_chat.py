"""The server's own overhead on `POST /chat` with an instant provider and three years of data per user.

The server measures itself: `Server-Timing: overhead;dur=…` covers everything in the request except the
provider call (context building, prompt assembly, session and history bookkeeping). Providers: a local
OpenAI-compatible server (no process spawn), then an instant fake CLI (one process per call).

    uv run python bench/bench_chat.py [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.clis import FakeClis  # noqa: E402
from tests.fakes.openai_server import Rule, fake_openai_server  # noqa: E402
from tests.live import make_settings, process_server  # noqa: E402

from airfit.health.models import CONTEXT_STORE, ContextStore, DailySnapshot  # noqa: E402
from airfit.storage import DocumentStore  # noqa: E402

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


def _generated_days(count: int) -> list[dict]:
    # shared/ sits beside the clone (CI, main checkout); a worktree is one level deeper.
    candidates = [base / "shared" / "bench" / "gen_days.py" for base in (ROOT.parent, ROOT.parent.parent)]
    path = next((p for p in candidates if p.exists()), candidates[0])
    spec = importlib.util.spec_from_file_location("gen_days", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.days(count)  # type: ignore[no-any-return]


def _snapshot(day: dict) -> DailySnapshot:
    nutrition = {k: day[k] for k in ("calories", "protein", "carbs", "fat")}
    nutrition["entry_count"] = day["nutrition_entries"]
    health = {k: v for k, v in day.items() if k not in nutrition and k not in ("date", "nutrition_entries")}
    return DailySnapshot(date=day["date"], nutrition=nutrition, health=health)


def load_data(data_dir: Path, days: int) -> None:
    """Three years of daily snapshots for every user."""
    store = ContextStore(snapshots={d["date"]: _snapshot(d) for d in _generated_days(days)})

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


def measure(url: str, requests: int) -> None:
    """Single user, then three users at once; prints medians and wall times."""
    run_user(url, "brian", 10, [])  # warm caches and the first-use bookkeeping
    for user in USERS[1:]:
        run_user(url, user, 5, [])
    single: list[float] = []
    started = time.perf_counter()
    run_user(url, "brian", requests, single)
    single_wall = time.perf_counter() - started
    per_user: dict[str, list[float]] = {u: [] for u in USERS}
    threads = [threading.Thread(target=run_user, args=(url, u, requests, per_user[u])) for u in USERS]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    multi_wall = time.perf_counter() - started
    quantiles = statistics.quantiles(single, n=20)
    print(
        f"  1 user : overhead median {statistics.median(single):.2f} ms, p95 {quantiles[18]:.2f} ms; "
        f"{requests} chats in {single_wall:.2f} s ({single_wall / requests * 1000:.1f} ms each)"
    )
    together = [x for values in per_user.values() for x in values]
    print(
        f"  3 users: overhead median {statistics.median(together):.2f} ms "
        f"(per user: {', '.join(f'{u} {statistics.median(v):.2f}' for u, v in per_user.items())}); "
        f"{requests} chats each in {multi_wall:.2f} s ({multi_wall / requests * 1000:.1f} ms per round)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="chats per user and phase")
    parser.add_argument("--days", type=int, default=1095, help="days of data per user")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        load_data(data_dir, args.days)
        print(f"data: {args.days} days per user for {', '.join(USERS)}")
        with fake_openai_server() as fake:
            fake.rules = [Rule(match="Extract only NEW information", reply="{}")]
            fake.default = Rule(reply="Great week. Keep going.")
            settings = make_settings(data_dir, **fake.settings())
            with process_server(settings, OPENAI_BASE_URL=fake.url, AIRFIT_OPENAI_MODEL="fake-model") as (
                live,
                _,
            ):
                print("provider: fake OpenAI-compatible HTTP server (instant)")
                measure(live.url, args.requests)
        clis = FakeClis.install(Path(tmp) / "bin")
        clis.configure("gemini", default={"reply": "Great week. Keep going."})
        settings = make_settings(data_dir, providers="gemini")
        with process_server(settings, GEMINI_CLI=str(clis.bin_dir / "gemini")) as (live, _):
            print("provider: instant fake gemini CLI (one process per call)")
            measure(live.url, max(args.requests // 4, 20))


if __name__ == "__main__":
    main()
