"""Profile endpoints under load: `GET /profile` reads, concurrent `POST /profile/sync` writes, `GET /export`.

Starts `airfit serve` pinned to core 0 on 127.0.0.1 with a temporary data directory, seeds a profile from
`examples/seed-profile.json`, and prints figures; everything stops when done.

    uv run python bench/bench_profile.py [-d SECONDS] [--writes N]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import pinned_server, server_env  # noqa: E402
from loadgen import run_load  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed-profile.json"


async def _writes(url: str, count: int) -> tuple[float, int]:
    """`count` concurrent syncs (two users), each adding one goal; returns seconds and goals found after."""
    async with httpx2.AsyncClient(base_url=url, timeout=60) as client:
        start = time.perf_counter()
        responses = await asyncio.gather(
            *(
                client.post(
                    "/profile/sync",
                    json={"goals": [f"goal {i}"], "onboarding_complete": True},
                    headers={"X-User-ID": ("brian", "david")[i % 2]},
                )
                for i in range(count)
            )
        )
        elapsed = time.perf_counter() - start
        assert all(r.status_code == 200 for r in responses)
        found = 0
        for user in ("brian", "david"):
            body = (await client.get("/profile", headers={"X-User-ID": user})).json()
            found += sum(goal.startswith("goal ") for goal in body["goals"])
    return elapsed, found


def main() -> None:
    """Run the three measurements and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--seconds", type=float, default=5.0)
    parser.add_argument("--writes", type=int, default=400)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="airfit-bench-") as tmp,
        pinned_server(server_env(Path(tmp), "brian,david")) as server,
    ):
        url = server.url
        httpx2.post(
            f"{url}/profile/import-seed",
            content=SEED.read_bytes(),
            headers={"Content-Type": "application/json", "X-User-ID": "brian"},
        ).raise_for_status()
        print("GET /profile         ", run_load(f"{url}/profile", seconds=args.seconds).row())
        elapsed, found = asyncio.run(_writes(url, args.writes))
        print(
            f"POST /profile/sync    {args.writes / elapsed:9.0f} req/s  ({args.writes} concurrent, "
            f"2 users, {found}/{args.writes} goals kept, {elapsed:.2f} s)"
        )
        start = time.perf_counter()
        archive = httpx2.get(f"{url}/export", headers={"X-User-ID": "brian"}).content
        took = (time.perf_counter() - start) * 1000
        print(f"GET /export           {took:9.1f} ms  ({len(archive)} bytes)")


if __name__ == "__main__":
    main()
