"""The seam between the LLM layer and the data tools: what a provider needs to let a model read a user's data.

`llm` defines it and never builds it: `airfit.coach` binds the tools to the calling user
(`airfit.tools.binding.bind`) and hands the binding to the router with the conversation turn. Providers use
whichever part they can: the HTTP providers call `execute` from their agent's tool functions, the claude CLI
starts its own MCP server from `mcp_args`, the stateless CLIs use none of it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ToolSpec:
    """One tool as a model is shown it: name, description and JSON-schema parameters."""

    name: str
    description: str
    # Left out of equality and hashing (a dict is unhashable): a tool's name and description identify it.
    parameters: dict[str, Any] = field(compare=False)


@dataclass(frozen=True)
class ToolBinding:
    """The data tools bound to one user: no call through it can reach another user's data."""

    user_id: str
    specs: tuple[ToolSpec, ...]
    execute: Callable[[str, Any], Awaitable[str]]
    """Run one tool by name with the model's arguments; returns the text the model reads (errors included)."""
    mcp_args: tuple[str, ...]
    """claude CLI arguments that start this user's MCP server and allow only its tools."""
