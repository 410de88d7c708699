"""`GET /export` and `POST /import`: the caller's whole data as one zip archive."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from pydantic import BaseModel

from airfit.backup.service import ArchiveRefusedError, BackupService, archive_filename
from airfit.deps import provided
from airfit.users.identity import UserIdDep

router = APIRouter(tags=["backup"])
BackupDep = Annotated[BackupService, Depends(provided(BackupService))]


class ImportResult(BaseModel):
    """What `POST /import` restored."""

    status: str
    user_id: str
    documents: list[str]


@router.get(
    "/export",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "The caller's archive."}},
)
async def export_archive(user_id: UserIdDep, backup: BackupDep) -> Response:
    """Download all of the caller's data; `POST /import` restores it exactly."""
    return Response(
        await backup.export(user_id),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{archive_filename(user_id)}"'},
    )


@router.post("/import", response_model=ImportResult)
async def import_archive(request: Request, user_id: UserIdDep, backup: BackupDep) -> ImportResult:
    """Replace all of the caller's data with an archive from `GET /export` (the body is the zip itself).

    The archive is checked completely first: a damaged or foreign archive is a 400 and changes nothing.
    A body over `AIRFIT_MAX_IMPORT_BYTES` is a 413 before it is read.
    """
    try:
        names = await backup.restore(user_id, await request.body())
    except ArchiveRefusedError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=str(exc)) from exc
    return ImportResult(status="imported", user_id=user_id, documents=names)
