"""A local OpenAI-compatible chat-completions server on 127.0.0.1 (a real socket), for tests and benches."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

START_TIMEOUT = 10.0


@dataclass
class Rule:
    """How to answer requests whose last user message contains `match`."""

    match: str = ""
    reply: str = "Reply from the fake OpenAI server."
    delay: float = 0.0
    status: int = 200
    tool_call: tuple[str, dict[str, Any]] | None = None
    """Ask for this tool call first; once its result arrives, `{tool_result}` in `reply` is replaced by it."""
    chunk_chars: int = 8
    """Streamed requests (`"stream": true`) get the reply in pieces of this many characters."""
    chunk_delay: float = 0.0
    """Seconds between streamed pieces."""
    drop_after: int | None = None
    """Close the stream without finishing it after this many pieces (a server that died mid-answer)."""


@dataclass
class FakeOpenAI:
    """Scripted answers, and every request body it received."""

    url: str = ""
    rules: list[Rule] = field(default_factory=list)
    default: Rule = field(default_factory=Rule)
    requests: list[dict[str, Any]] = field(default_factory=list)
    serial: bool = False
    """Answer one request at a time, as a local model server with one slot does."""
    abandoned: list[dict[str, Any]] = field(default_factory=list)
    """Requests whose client went away before the whole answer (their work stopped, as llama.cpp stops it):
    while a `delay` ran, or in the middle of a streamed answer."""
    slot: asyncio.Lock = field(default_factory=asyncio.Lock)

    def settings(self, providers: str = "openai") -> dict[str, Any]:
        """Setting overrides that point a server at this endpoint."""
        return {"providers": providers, "openai_base_url": self.url, "openai_model": "fake-model"}

    def received(self, text: str) -> int:
        """How many requests mentioning `text` in their messages have arrived."""
        return sum(mentions(body, text) for body in list(self.requests))

    def rule_for(self, body: dict[str, Any]) -> Rule:
        """The first rule matching the last user message, else the default."""
        users = [m for m in body.get("messages", []) if m.get("role") == "user"]
        last = users[-1].get("content", "") if users else ""
        text = last if isinstance(last, str) else " ".join(p.get("text", "") for p in last)
        return next((r for r in self.rules if r.match in text), self.default)


def mentions(body: dict[str, Any], text: str) -> bool:
    """Whether `text` is in one of the messages of a request body."""
    return any(text in str(message.get("content")) for message in body.get("messages", []))


def _app(fake: FakeOpenAI) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def completions(request: Request) -> Response:
        body = await request.json()
        fake.requests.append(body)
        if not fake.serial:
            return await answer(request, body)
        async with fake.slot:
            return await answer(request, body)

    async def answer(request: Request, body: dict[str, Any]) -> Response:
        rule = fake.rule_for(body)
        if rule.delay and not await _still_wanted(request, rule.delay):
            fake.abandoned.append(body)
            return Response(status_code=499)
        if rule.status != 200:
            return JSONResponse(
                {"error": {"message": "scripted failure", "type": "server_error"}}, rule.status
            )
        results = [m.get("content", "") for m in body.get("messages", []) if m.get("role") == "tool"]
        if rule.tool_call is not None and not results:
            name, arguments = rule.tool_call
            call = {
                "id": "call_1",
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(arguments)},
            }
            message: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": [call]}
            finish = "tool_calls"
        else:
            reply = rule.reply.replace("{tool_result}", str(results[-1])) if results else rule.reply
            message, finish = {"role": "assistant", "content": reply}, "stop"
        if body.get("stream"):
            return StreamingResponse(
                _chunks(fake, rule, body, message, finish), media_type="text/event-stream"
            )
        return JSONResponse(
            {
                "id": f"chatcmpl-{len(fake.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "fake"),
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
            }
        )

    return app


async def _still_wanted(request: Request, seconds: float) -> bool:
    """Wait `seconds` as a model at work would; False as soon as the client has gone away."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await request.is_disconnected():
            return False
        await asyncio.sleep(0.02)
    return True


async def _chunks(
    fake: FakeOpenAI, rule: Rule, body: dict[str, Any], message: dict[str, Any], finish: str
) -> AsyncIterator[bytes]:
    """The answer as OpenAI streams it: `chat.completion.chunk` events, then `[DONE]`."""
    base = {"id": "chatcmpl-stream", "object": "chat.completion.chunk", "created": int(time.time())}
    base["model"] = body.get("model", "fake")

    def event(delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "finish_reason": finish_reason}
        return f"data: {json.dumps({**base, 'choices': [choice]})}\n\n".encode()

    yield event({"role": "assistant", "content": ""})
    if message.get("tool_calls"):
        calls = [{"index": i, **call} for i, call in enumerate(message["tool_calls"])]
        yield event({"tool_calls": calls})
    else:
        text = message["content"]
        pieces = [text[i : i + rule.chunk_chars] for i in range(0, len(text), rule.chunk_chars)]
        try:
            for count, piece in enumerate(pieces):
                if rule.drop_after is not None and count >= rule.drop_after:
                    raise ConnectionAbortedError("scripted: the stream breaks off")
                if rule.chunk_delay:
                    await asyncio.sleep(rule.chunk_delay)
                yield event({"content": piece})
        except (asyncio.CancelledError, GeneratorExit):
            fake.abandoned.append(body)  # the client went away mid-answer
            raise
    yield event({}, finish)
    if body.get("stream_options", {}).get("include_usage"):
        usage = {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}
        yield f"data: {json.dumps({**base, 'choices': [], 'usage': usage})}\n\n".encode()
    yield b"data: [DONE]\n\n"


@contextmanager
def fake_openai_server() -> Iterator[FakeOpenAI]:
    """Serve a FakeOpenAI in a background thread; `url` is its `/v1` base URL."""
    fake = FakeOpenAI()
    server = uvicorn.Server(uvicorn.Config(_app(fake), host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, name="fake-openai", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("fake OpenAI server did not start")
        time.sleep(0.01)
    fake.url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}/v1"
    try:
        yield fake
    finally:
        server.should_exit = True
        thread.join(timeout=10)
