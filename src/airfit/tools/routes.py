"""`GET /tools/schemas` and `POST /tools/execute`: the coach's tools over HTTP.

What the app sends and reads: `docs/ios-contract.md` § Tools.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from airfit.deps import provided
from airfit.tools.binding import DataTools
from airfit.tools.models import ToolRequest, ToolResponse, ToolSchemas
from airfit.tools.service import schemas
from airfit.users.identity import UserIdDep

router = APIRouter(prefix="/tools", tags=["tools"])
ToolsDep = Annotated[DataTools, Depends(provided(DataTools))]


@router.get("/schemas", response_model=ToolSchemas)
async def tool_schemas() -> ToolSchemas:
    """Every tool with its parameters, in Gemini function-calling form."""
    return ToolSchemas(tools=schemas())


@router.post("/execute", response_model=ToolResponse)
async def execute_tool(request: ToolRequest, tools: ToolsDep, user_id: UserIdDep) -> ToolResponse:
    """Run one tool on the caller's data; bad input is 200 with `success: false` and a readable error."""
    return await tools.execute(user_id=user_id, name=request.name, arguments=request.arguments)
