"""`GET /export` and `POST /import`: the caller's whole data as one zip archive."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel

from airfit.backup import service
from airfit.deps import StoreDep, UserIdDep

router = APIRouter(tags=["backup"])


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
async def export_archive(user_id: UserIdDep, store: StoreDep) -> Response:
    """Download all of the caller's data; `POST /import` restores it exactly."""
    archive = await service.export_user(store=store, user_id=user_id)
    filename = service.archive_filename(user_id)
    return Response(
        archive,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post("/import", response_model=ImportResult)
async def import_archive(request: Request, user_id: UserIdDep, store: StoreDep) -> ImportResult:
    """Replace all of the caller's data with an archive from `GET /export` (the body is the zip itself).

    The archive is checked completely first: a damaged or foreign archive is a 400 and changes nothing.
    """
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > service.MAX_ARCHIVE_BYTES:
        raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, detail="archive too large")
    try:
        names = await service.import_user(store=store, user_id=user_id, archive=await request.body())
    except service.ArchiveRefusedError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=str(exc)) from exc
    return ImportResult(status="imported", user_id=user_id, documents=names)
