"""The `/profile` endpoints the iOS app calls, plus seeding (`docs/ios-contract.md`, "Profile")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from airfit.deps import provided
from airfit.profile.models import (
    ProfileExport,
    ProfileImportResponse,
    ProfileItemResult,
    ProfileItemUpdate,
    ProfileResponse,
    ProfileSyncRequest,
    ProfileSyncResponse,
    SeedProfile,
    SeedResponse,
    StatusResponse,
    TargetsUpdate,
)
from airfit.profile.service import (
    ItemNotFoundError,
    ProfileService,
    SeedFileError,
    SeedNotConfiguredError,
    UnknownCategoryError,
)
from airfit.users.identity import UserIdDep

router = APIRouter(prefix="/profile", tags=["profile"])
ProfilesDep = Annotated[ProfileService, Depends(provided(ProfileService))]


@router.get("", response_model=ProfileResponse)
async def read_profile(user_id: UserIdDep, profiles: ProfilesDep) -> ProfileResponse:
    """Everything the app shows about the caller; decodable by both of the app's profile decoders."""
    return await profiles.view(user_id)


@router.delete("", response_model=StatusResponse)
async def delete_profile(user_id: UserIdDep, profiles: ProfilesDep) -> StatusResponse:
    """Forget the caller's profile and chat sessions (nobody else's)."""
    await profiles.clear(user_id)
    return StatusResponse(status="profile cleared")


@router.patch("/item", response_model=ProfileItemResult)
async def patch_item(
    update: ProfileItemUpdate, user_id: UserIdDep, profiles: ProfilesDep
) -> ProfileItemResult:
    """Replace one item of a list, or delete it when `new_value` is omitted."""
    try:
        return await profiles.update_item(user_id, update)
    except UnknownCategoryError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=str(exc)) from exc
    except ItemNotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from exc


@router.patch("/targets", response_model=ProfileResponse)
async def patch_targets(update: TargetsUpdate, user_id: UserIdDep, profiles: ProfilesDep) -> ProfileResponse:
    """Set the daily targets (calories in kcal, macros in grams) for training days and rest days."""
    return await profiles.set_targets(user_id, update)


@router.post("/sync", response_model=ProfileSyncResponse)
async def sync_profile(
    request: ProfileSyncRequest, user_id: UserIdDep, profiles: ProfilesDep
) -> ProfileSyncResponse:
    """Merge the app's profile into the stored one (a storage failure is a 503, never a 200)."""
    updated = await profiles.sync(user_id, request)
    return ProfileSyncResponse(status="synced", server_updated_at=updated)


@router.get("/export", response_model=ProfileExport)
async def export_profile(user_id: UserIdDep, profiles: ProfilesDep) -> ProfileExport:
    """The caller's whole profile; `POST /profile/import` restores it exactly."""
    return await profiles.export(user_id)


@router.post("/import", response_model=ProfileImportResponse)
async def import_profile(
    export: ProfileExport, user_id: UserIdDep, profiles: ProfilesDep
) -> ProfileImportResponse:
    """Replace the caller's profile with an export; an unsupported version is a 200 with `success: false`.

    The coach starts a fresh session on the new profile."""
    return await profiles.restore(user_id, export)


@router.post("/import-seed", response_model=SeedResponse)
async def import_seed(seed: SeedProfile, user_id: UserIdDep, profiles: ProfilesDep) -> SeedResponse:
    """Replace the caller's profile with a seed in the nested format (missing keys take defaults)."""
    return await profiles.apply_seed(user_id, seed)


@router.post("/seed", response_model=SeedResponse)
async def seed_profile(user_id: UserIdDep, profiles: ProfilesDep) -> SeedResponse:
    """Replace the caller's profile with the household's seed file (`AIRFIT_SEED_FILE`)."""
    try:
        return await profiles.apply_seed_file(user_id)
    except SeedNotConfiguredError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from exc
    except SeedFileError as exc:
        raise HTTPException(status.HTTP_500_INTERNAL_SERVER_ERROR, detail=str(exc)) from exc
