"""How uvicorn serves the app (`airfit serve`, the tests' servers): bounded heads, timeouts, a connection cap.

Without a sign-in nobody may tie the server up:
- h11, not httptools: httptools has no limit on a header's size (a 60 MB line costs seconds of CPU), h11
  refuses a request head larger than `MAX_HEAD_BYTES` as soon as that much is buffered; the answer is a 431.
- `AIRFIT_REQUEST_TIMEOUT`: a request head must arrive whole within that many seconds of its first byte (or
  of the connection), and a body may not go silent for longer; otherwise the connection is closed. uvicorn
  itself only times out idle keep-alive connections.
- `AIRFIT_MAX_CONNECTIONS`: connections beyond it get a 503 at once, with a log line that names the setting.

`GuardedH11Protocol` extends uvicorn's h11 protocol through the hooks it has (`connection_made`,
`data_received`, `send_400_response`); uvicorn is pinned in uv.lock.
"""

from __future__ import annotations

import asyncio
import logging
import time

import h11
import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

from airfit.config import Settings
from airfit.guards import MAX_HEAD_BYTES

logger = logging.getLogger(__name__)

_CAP_LOG_INTERVAL = 10.0
_CLOSE = b"Connection: close\r\nContent-Length: 0\r\n\r\n"


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a head and body read timeout, a connection cap, a 431 for huge heads."""

    request_timeout: float
    max_connections: int
    _last_cap_log = 0.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Accept the connection, or refuse it with a 503 when the cap is reached."""
        over = len(self.connections) >= self.max_connections
        super().connection_made(transport)
        self._timer: asyncio.TimerHandle | None = None
        self._timer_kind = ""
        if over:
            self._log_cap()
            transport.write(b"HTTP/1.1 503 Service Unavailable\r\n" + _CLOSE)
            transport.close()
            return
        self._arm("head")

    def data_received(self, data: bytes) -> None:
        """Feed the bytes to h11, then time what is still missing of the request."""
        super().data_received(data)
        if self.transport.is_closing():
            self._cancel()
            return
        state = self.conn.their_state
        if state is h11.IDLE:
            if self._timer_kind != "head":  # the first byte of a new request: its head has a deadline
                self._arm("head")
        elif state is h11.SEND_BODY:
            self._arm("body")  # progress: the body may go silent for `request_timeout` again
        else:
            self._cancel()

    def connection_lost(self, exc: Exception | None) -> None:
        """Forget the timer with the connection."""
        self._cancel()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        """A 431 when h11 refused the head for its size (its buffer is over the limit), else uvicorn's 400."""
        if len(self.conn.trailing_data[0]) <= MAX_HEAD_BYTES:
            super().send_400_response(msg)
            return
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
        self.transport.write(self.conn.send(h11.Response(status_code=431, headers=headers)))
        self.transport.write(self.conn.send(h11.Data(data=b"Request header fields too large")))
        self.transport.write(self.conn.send(h11.EndOfMessage()))
        self.transport.close()

    def _arm(self, kind: str) -> None:
        self._cancel()
        self._timer_kind = kind
        self._timer = self.loop.call_later(self.request_timeout, self._expired)

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        self._timer_kind = ""

    def _expired(self) -> None:
        kind, self._timer, self._timer_kind = self._timer_kind, None, ""
        if self.transport.is_closing():
            return
        if self.flow.read_paused:
            # uvicorn stopped reading because the app has not taken the body yet: the client is not at fault.
            self._arm(kind)
            return
        state = self.conn.their_state
        if state not in (h11.IDLE, h11.SEND_BODY):
            return
        started = bytes(self.conn.trailing_data[0])
        if state is h11.IDLE and started:
            self.transport.write(b"HTTP/1.1 408 Request Timeout\r\n" + _CLOSE)
        self.transport.close()

    def _log_cap(self) -> None:
        now = time.monotonic()
        if now - GuardedH11Protocol._last_cap_log >= _CAP_LOG_INTERVAL:
            GuardedH11Protocol._last_cap_log = now
            logger.warning(
                "Refusing connections: %d are open, the limit (AIRFIT_MAX_CONNECTIONS=%d); raise it if this "
                "is normal traffic",
                len(self.connections) - 1,
                self.max_connections,
            )


def guarded_protocol(settings: Settings) -> type[GuardedH11Protocol]:
    """The protocol class with this server's timeout and cap (uvicorn instantiates it per connection)."""
    return type(
        "GuardedH11Protocol",
        (GuardedH11Protocol,),
        {"request_timeout": settings.request_timeout, "max_connections": settings.max_connections},
    )


def uvicorn_config(
    app: ASGIApp, settings: Settings, *, host: str, port: int, **options: object
) -> uvicorn.Config:
    """uvicorn's configuration for serving `app` with the limits above (`options`: log settings and such)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=guarded_protocol(settings),
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        **options,  # type: ignore[arg-type]
    )
