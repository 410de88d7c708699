"""`POST /imports/{source}`, `GET /imports/{job_id}`, `GET /imports`: history from other apps, as jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status

from airfit.deps import provided
from airfit.imports.models import (
    ImportBusyError,
    ImportJob,
    ImportJobList,
    ImportOptions,
    ImportRefusedError,
    JobCreated,
    MassUnit,
    UnknownSourceError,
)
from airfit.imports.service import ImportJobs
from airfit.users.identity import UserIdDep

router = APIRouter(tags=["imports"])
ImportsDep = Annotated[ImportJobs, Depends(provided(ImportJobs))]


@router.post(
    "/imports/{source}",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobCreated,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
                "application/xml": {"schema": {"type": "string", "format": "binary"}},
                "text/csv": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
async def start_import(
    source: str,
    request: Request,
    user_id: UserIdDep,
    imports: ImportsDep,
    dry_run: Annotated[bool, Query(description="Compute the report without changing anything.")] = False,
    filename: Annotated[str | None, Query(max_length=200, description="The file's name, shown.")] = None,
    unit: Annotated[
        MassUnit | None, Query(description="Weights in kg or lb, when the file does not say.")
    ] = None,
    date_format: Annotated[
        str | None,
        Query(max_length=40, description="The dates' order (YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, ...)."),
    ] = None,
) -> JobCreated:
    """Upload a file from another app (the body is the file itself) and import it in the background.

    `apple-health`: the Health app's `export.zip` or its `export.xml`; `hevy-csv`, `strong-csv`: workout
    exports; `weight-csv`: a scale's readings; `nutrition-csv`: MyFitnessPal's or Cronometer's food log.
    Answers 202 with the job to poll at `GET /imports/{id}`. Unknown source: 404 listing the known ones; an
    import already queued or running: 409; a file that is not what the source writes, or a CSV with a
    problem (the detail names the row and column): 400; larger than `AIRFIT_MAX_UPLOAD_BYTES`: 413.
    """
    options = ImportOptions(unit=unit, date_format=date_format)
    try:
        job = await imports.submit(
            user_id=user_id,
            source=source,
            body=request.stream(),
            file_name=filename,
            dry_run=dry_run,
            options=options,
        )
    except UnknownSourceError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from exc
    except ImportBusyError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from exc
    except ImportRefusedError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=str(exc)) from exc
    return JobCreated(id=job.id, status=job.status)


@router.get("/imports", response_model=ImportJobList)
async def list_imports(user_id: UserIdDep, imports: ImportsDep) -> ImportJobList:
    """The caller's recent imports, newest first; each report without its per-date list (see one job)."""
    return ImportJobList(jobs=await imports.list(user_id=user_id, per_day=False))


@router.get("/imports/{job_id}", response_model=ImportJob)
async def get_import(job_id: str, user_id: UserIdDep, imports: ImportsDep) -> ImportJob:
    """One of the caller's imports: status, progress (0..1), the report when done, the reason if failed."""
    try:
        return await imports.get(user_id=user_id, job_id=job_id)
    except LookupError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such import") from exc
