"""The iOS app on the wire: exactly the headers URLSession sends (docs/ios-contract.md § Identity).

No identity, no Origin, no `Sec-Fetch-*`; `Content-Type: application/json` only on a request with a JSON
body (a body-less POST or DELETE has none). Tests replay every call the app makes through this client to
show the server's guards let the unmodified app through.
"""

from __future__ import annotations

from typing import Any

import httpx2
import orjson

URLSESSION_HEADERS = {
    "Accept": "*/*",
    "Accept-Language": "en-GB,en;q=0.9",
    "Accept-Encoding": "gzip, deflate, br",
    "User-Agent": "AirFit/1 CFNetwork/1496.0.7 Darwin/23.5.0",
    "Connection": "keep-alive",
}


class IosApp:
    """A client that sends what the app sends and nothing else."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx2.Client(base_url=base_url, headers=URLSESSION_HEADERS, timeout=60)

    def __enter__(self) -> IosApp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def call(
        self, method: str, path: str, *, json: Any = None, raw: bytes | None = None, **params: Any
    ) -> httpx2.Response:
        """One call: `json` (or `raw` bytes, as `POST /profile/import` posts an export) goes out with
        `Content-Type: application/json`; without either, no body and no Content-Type."""
        body = raw if raw is not None else (orjson.dumps(json) if json is not None else None)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        return self.http.request(method, path, content=body, headers=headers, params=params or None)
