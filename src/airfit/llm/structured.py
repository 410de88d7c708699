"""Structured answers: JSON from any provider, validated into a pydantic model, retried once.

Text is parsed here rather than by each provider's native structured-output mode, so the command-line
tools and the HTTP APIs are held to exactly the same checks.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from airfit.config import CallKind
from airfit.llm.models import LLMResult
from airfit.llm.router import CALL_BUDGET, LLMRouter

M = TypeVar("M", bound=BaseModel)

RETRY_NOTE = (
    "\n\nYour previous answer could not be used ({problem}). Reply with only the JSON object, no prose and "
    "no code fence."
)


def _not_json(constant: str) -> object:
    raise ValueError(f"{constant} is not JSON")


# NaN and Infinity are not JSON (the rest of the server refuses them too): an answer using them is bad.
_DECODER = json.JSONDecoder(parse_constant=_not_json)


class BadAnswerError(ValueError):
    """The answer holds no usable JSON object of the expected shape."""


def extract_json(text: str) -> dict[str, object]:
    """The first complete JSON object in `text` (code fences and chatter around it are ignored)."""
    for start in (index for index, char in enumerate(text) if char == "{"):
        try:
            found: dict[str, object] = _DECODER.raw_decode(text, start)[0]
        except (ValueError, RecursionError):  # not JSON from here, or nested deeper than the parser goes
            continue
        return found
    raise BadAnswerError("no JSON object in the answer")


def parse_answer(text: str, model: type[M]) -> M:
    """Validate an answer into `model`; raises BadAnswerError with a short reason."""
    data = extract_json(text)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "answer"
        raise BadAnswerError(f"{where}: {first['msg']}") from exc


@dataclass
class Structured(Generic[M]):
    """A validated answer (or None) and the last routed call behind it."""

    value: M | None
    result: LLMResult
    error: str | None = None


async def ask_structured(
    router: LLMRouter,
    model: type[M],
    prompt: str,
    *,
    kind: CallKind,
    system_prompt: str | None = None,
    budget: float = CALL_BUDGET,
    background: bool = False,
) -> Structured[M]:
    """Ask for JSON matching `model`; a bad answer is retried once, then reported as a failure.

    A `background` question gives way to calls somebody waits for (`LLMRouter.complete`)."""
    deadline = time.monotonic() + budget
    attempt_prompt = prompt
    problem = "no answer"
    result = LLMResult()
    for _ in range(2):
        left = deadline - time.monotonic()
        if left <= 1:
            break
        result = await router.complete(
            attempt_prompt, kind=kind, system_prompt=system_prompt, budget=left, background=background
        )
        if not result.success:
            return Structured(None, result, result.error)
        try:
            return Structured(parse_answer(result.text, model), result)
        except BadAnswerError as exc:
            problem = str(exc)
            attempt_prompt = prompt + RETRY_NOTE.format(problem=problem)
    return Structured(None, result, f"the model's answer was not usable: {problem}")
