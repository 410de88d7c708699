"""Request-size limits: what a 300 MB body and an archive that inflates 1000x cost the server.

Prints, per attack, the status, the seconds until the answer, and the server's peak RSS (sampled every
20 ms) against its RSS at rest. `--src DIR` runs the server from another source tree (for a before/after
comparison, e.g. a checkout of an older commit).

    uv run python bench/bench_limits.py [--mb 300] [--src ../old/src]
"""

from __future__ import annotations

import argparse
import io
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx2

from harness import pinned_server, server_env

CHUNK = 1024 * 1024


def _body(megabytes: int) -> Iterator[bytes]:
    yield b'{"days": [], "pad": "'
    for _ in range(megabytes):
        yield b"x" * CHUNK
    yield b'"}'


def _bomb(megabytes: int) -> bytes:
    manifest = (
        b'{"format": "airfit-user-archive", "version": 1, "scope": "brian", "documents": ["profile.json"]}'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("manifest.json", manifest)
        with zf.open("documents/profile.json", "w") as member:
            member.write(b'{"key": "profile", "version": 1, "data": {"name": "')
            for _ in range(megabytes):
                member.write(b"z" * CHUNK)
            member.write(b'"}}')
    return out.getvalue()


class PeakRss:
    """The highest RSS of a process while the block runs."""

    def __init__(self, process: object) -> None:
        self.process = process
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)  # type: ignore[attr-defined]
            time.sleep(0.02)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=300, help="size of the large body, in MB")
    parser.add_argument("--src", type=Path, help="run the server from this source tree")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="airfit-bench-limits-") as tmp:
        overrides = {"PYTHONPATH": str(args.src.resolve())} if args.src else {}
        env = server_env(Path(tmp) / "data", "brian", **overrides)
        with pinned_server(env) as server, httpx2.Client(base_url=server.url, timeout=300) as client:
            headers = {"X-User-ID": "brian", "Content-Type": "application/json"}
            rest = server.process.memory_info().rss
            print(f"server RSS at rest: {rest / 2**20:.0f} MiB")
            bomb = _bomb(400)
            attacks = [
                (f"{args.mb} MB body, Content-Length", "/insights/sync", b"".join(_body(args.mb)), headers),
                (f"{args.mb} MB body, chunked", "/insights/sync", _body(args.mb), headers),
                (
                    f"{len(bomb) // 1024} KB zip holding a 400 MB profile.json",
                    "/import",
                    bomb,
                    {"X-User-ID": "brian", "Content-Type": "application/zip"},
                ),
            ]
            for name, path, content, sent_headers in attacks:
                started = time.perf_counter()
                with PeakRss(server.process) as rss:
                    try:
                        status = str(client.post(path, content=content, headers=sent_headers).status_code)
                    except httpx2.TransportError as exc:
                        status = f"connection closed ({type(exc).__name__})"
                took = time.perf_counter() - started
                print(f"{name:<45} {status:<6} {took:6.2f} s   peak RSS {rss.peak / 2**20:6.0f} MiB")


if __name__ == "__main__":
    main()
