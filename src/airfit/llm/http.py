"""HTTP providers through pydantic-ai: any OpenAI-compatible endpoint, and Anthropic.

They keep no conversation of their own, so a chat turn carries the user's recent turns as message history.
The SDKs' own retries are switched off: the router owns timeouts and fallback.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, Callable
from dataclasses import dataclass, field
from typing import Any

from anthropic import AsyncAnthropic
from openai import AsyncOpenAI
from pydantic_ai import Agent, RunContext, Tool
from pydantic_ai.agent import EventStreamHandler
from pydantic_ai.exceptions import AgentRunError, ModelAPIError, UnexpectedModelBehavior
from pydantic_ai.messages import (
    AgentStreamEvent,
    ModelMessage,
    ModelRequest,
    ModelResponse,
    PartDeltaEvent,
    PartStartEvent,
    TextPart,
    TextPartDelta,
    UserPromptPart,
)
from pydantic_ai.models import Model
from pydantic_ai.models.anthropic import AnthropicModel
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.anthropic import AnthropicProvider
from pydantic_ai.providers.openai import OpenAIProvider
from pydantic_ai.settings import ModelSettings
from pydantic_ai.toolsets import FunctionToolset

from airfit.llm.models import LLMRequest, ProviderError, Turn
from airfit.llm.tools import ToolBinding, ToolSpec

# Local servers (Ollama, llama.cpp) accept any key; the SDK refuses to start without one.
PLACEHOLDER_KEY = "airfit-no-key"


def to_messages(history: list[Turn]) -> list[ModelMessage]:
    """Earlier turns in pydantic-ai's message form."""
    messages: list[ModelMessage] = []
    for turn in history:
        if turn.role == "user":
            messages.append(ModelRequest(parts=[UserPromptPart(turn.content)]))
        else:
            messages.append(ModelResponse(parts=[TextPart(turn.content)]))
    return messages


def _agent_tool(spec: ToolSpec) -> Tool[ToolBinding]:
    async def run(ctx: RunContext[ToolBinding], **arguments: Any) -> str:
        return await ctx.deps.execute(spec.name, arguments)

    return Tool.from_schema(
        run, name=spec.name, description=spec.description, json_schema=spec.parameters, takes_ctx=True
    )


def agent_toolset(specs: tuple[ToolSpec, ...]) -> FunctionToolset[ToolBinding]:
    """The bound tools as pydantic-ai tools; whose data they read comes from each run's deps."""
    return FunctionToolset([_agent_tool(spec) for spec in specs])


def _text_handler(on_text: Callable[[str], None]) -> EventStreamHandler[Any]:
    """A pydantic-ai event handler that hands on the text of the answer as it streams in."""

    async def handle(_: RunContext[Any], events: AsyncIterable[AgentStreamEvent]) -> None:
        async for event in events:
            text = ""
            if isinstance(event, PartStartEvent) and isinstance(event.part, TextPart):
                text = event.part.content
            elif isinstance(event, PartDeltaEvent) and isinstance(event.delta, TextPartDelta):
                text = event.delta.content_delta
            if text:
                on_text(text)

    return handle


@dataclass
class HttpProvider:
    """A pydantic-ai model answering plain-text prompts."""

    name: str
    model: Model
    keeps_sessions: bool = False
    agent: Agent[None, str] = field(init=False)
    tool_agent: Agent[ToolBinding, str] = field(init=False)
    _toolsets: dict[tuple[ToolSpec, ...], FunctionToolset[ToolBinding]] = field(
        init=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        # One agent for every call: building one costs about a millisecond, and the per-call system prompt
        # goes in as run instructions. A fixed name spares pydantic-ai inspecting the caller's frames.
        self.agent = Agent(self.model, name=self.name, retries=0)
        # The same for calls with data tools, which arrive with each run (bound to that run's user).
        self.tool_agent = Agent(self.model, name=self.name, retries=0, deps_type=ToolBinding)

    def _toolset(self, specs: tuple[ToolSpec, ...]) -> FunctionToolset[ToolBinding]:
        # Every chat binds the same specs: build their pydantic-ai tools once.
        toolset = self._toolsets.get(specs)
        if toolset is None:
            toolset = self._toolsets.setdefault(specs, agent_toolset(specs))
        return toolset

    async def complete(self, request: LLMRequest) -> str:
        """One answer; any API, transport or empty-answer problem becomes a ProviderError.

        The API keeps no session, so `session_id`/`resume` do not apply; `history` is sent instead. With
        `tools`, the model may call the data tools, which read the user they are bound to only. With
        `on_text`, the answer is streamed and each piece of text handed on as it arrives.
        """
        messages, instructions = to_messages(request.history), request.system_prompt or None
        tools = request.tools
        settings = ModelSettings(max_tokens=request.max_tokens) if request.max_tokens else None
        handler = _text_handler(request.on_text) if request.on_text is not None else None
        run = (
            self.agent.run(
                request.prompt,
                message_history=messages,
                instructions=instructions,
                model_settings=settings,
                event_stream_handler=handler,
            )
            if tools is None
            else self.tool_agent.run(
                request.prompt,
                message_history=messages,
                instructions=instructions,
                deps=tools,
                toolsets=[self._toolset(tools.specs)],
                model_settings=settings,
                event_stream_handler=handler,
            )
        )
        try:
            result = await asyncio.wait_for(run, request.timeout)
        except TimeoutError:
            raise ProviderError(f"timed out after {request.timeout:.0f} s") from None
        except (ModelAPIError, UnexpectedModelBehavior, AgentRunError) as exc:
            raise ProviderError(str(exc)[:500] or type(exc).__name__) from exc
        text = (result.output or "").strip()
        if not text:
            raise ProviderError("empty answer")
        return text


def openai_provider(base_url: str, model_name: str, api_key: str | None) -> HttpProvider:
    """An OpenAI-compatible endpoint (Ollama, llama.cpp server, vLLM, LM Studio, OpenAI, OpenRouter)."""
    client = AsyncOpenAI(base_url=base_url, api_key=api_key or PLACEHOLDER_KEY, max_retries=0)
    model = OpenAIChatModel(model_name, provider=OpenAIProvider(openai_client=client))
    return HttpProvider(name="openai", model=model)


def anthropic_provider(api_key: str, model_name: str, base_url: str | None = None) -> HttpProvider:
    """Anthropic's Messages API."""
    client = AsyncAnthropic(api_key=api_key, base_url=base_url, max_retries=0)
    model = AnthropicModel(model_name, provider=AnthropicProvider(anthropic_client=client))
    return HttpProvider(name="anthropic", model=model)
