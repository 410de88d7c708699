"""What a personal URL costs per request, against `airfit serve` in token mode.

Prints requests per second (keep-alive clients, `bench/loadgen.py`) of `GET /me` and of the iOS app's
`GET /insights/context?range=week` with a bearer token and through a personal link (`/p/<link>/…`: the prefix
taken off, the link verified and checked against the wrong-guess book), and what 300 concurrent wrong links
from one client cost: how many were looked at (401), refused (429), in how many seconds.

    uv run python bench/bench_links.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

from harness import pinned_server, server_env
from loadgen import run_load


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "airfit", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


def _wrong_links(url: str) -> None:
    async def burst() -> list[int]:
        limits = httpx2.Limits(max_connections=100)
        async with httpx2.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
            answers = await asyncio.gather(*(client.get(f"/p/{'a' * 18}/me") for _ in range(300)))
        return [a.status_code for a in answers]

    started = time.perf_counter()
    statuses = asyncio.run(burst())
    print(f"300 concurrent wrong links: {statuses.count(401)} looked at (401), {statuses.count(429)} refused "
          f"(429) in {time.perf_counter() - started:.2f} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each requests-per-second run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="airfit-bench-links-") as tmp:
        env = server_env(Path(tmp) / "data", "brian", AIRFIT_AUTH="token")
        with pinned_server(env) as server:
            cli_env = {**env, "AIRFIT_PUBLIC_URL": server.url}
            token = _cli(cli_env, "users", "token", "create", "brian", "--name", "bench")
            link = _cli(cli_env, "users", "link", "brian", "--name", "bench")
            with httpx2.Client(base_url=link, timeout=30) as phone:
                day = {"date": "2026-01-01", "calories": 2000, "protein": 150, "carbs": 200, "fat": 70}
                phone.post("insights/sync", json={"days": [day]}).raise_for_status()
            bearer = {"Authorization": f"Bearer {token}"}
            for route in ("me", "insights/context?range=week"):
                for label, url, headers in (
                    ("bearer token ", f"{server.url}/{route}", bearer),
                    ("personal link", f"{link}/{route}", {}),
                ):
                    load = run_load(url, headers=headers, seconds=args.seconds)
                    print(f"GET /{route:<27} {label}  {load.rps:7.0f} req/s  p50 {load.p50_ms:5.1f} ms  "
                          f"p99 {load.p99_ms:5.1f} ms  errors {load.errors} ({load.tool})")  # fmt: skip
            _wrong_links(server.url)


if __name__ == "__main__":
    main()
