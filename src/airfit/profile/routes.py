"""The `/profile` endpoints the iOS app calls (IOS_CONTRACT §4.12-§4.18), plus seeding."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from airfit.deps import CoachDep, SettingsDep, StoreDep, UserIdDep
from airfit.profile import service
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
)

router = APIRouter(prefix="/profile", tags=["profile"])


@router.get("", response_model=ProfileResponse)
async def read_profile(user_id: UserIdDep, store: StoreDep) -> ProfileResponse:
    """Everything the app shows about the caller; decodable by both of the app's profile decoders."""
    return service.profile_response(await service.get_profile(store=store, user_id=user_id))


@router.delete("", response_model=StatusResponse)
async def delete_profile(user_id: UserIdDep, store: StoreDep, coach: CoachDep) -> StatusResponse:
    """Forget the caller's profile and chat sessions (nobody else's)."""
    await service.clear_profile(store=store, user_id=user_id)
    await coach.clear_sessions(user_id=user_id)
    return StatusResponse(status="profile cleared")


@router.patch("/item", response_model=ProfileItemResult)
async def patch_item(update: ProfileItemUpdate, user_id: UserIdDep, store: StoreDep) -> ProfileItemResult:
    """Replace one item of a list, or delete it when `new_value` is omitted."""
    try:
        return await service.update_item(store=store, user_id=user_id, update=update)
    except service.UnknownCategoryError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=str(exc)) from exc
    except service.ItemNotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from exc


@router.post("/sync", response_model=ProfileSyncResponse)
async def sync_profile(
    request: ProfileSyncRequest, user_id: UserIdDep, store: StoreDep
) -> ProfileSyncResponse:
    """Merge the app's profile into the stored one (a storage failure is a 503, never a 200)."""
    updated = await service.sync_profile(store=store, user_id=user_id, request=request)
    return ProfileSyncResponse(status="synced", server_updated_at=updated)


@router.get("/export", response_model=ProfileExport)
async def export_profile(user_id: UserIdDep, store: StoreDep) -> ProfileExport:
    """The caller's whole profile; `POST /profile/import` restores it exactly."""
    return await service.export_profile(store=store, user_id=user_id)


@router.post("/import", response_model=ProfileImportResponse)
async def import_profile(
    export: ProfileExport, user_id: UserIdDep, store: StoreDep, coach: CoachDep
) -> ProfileImportResponse:
    """Replace the caller's profile with an export; an unsupported version is a 200 with `success: false`.

    The coach starts a fresh session on the new profile (the old one speaks with the old persona)."""
    result = await service.import_profile(store=store, user_id=user_id, export=export)
    if result.success:
        await coach.clear_sessions(user_id=user_id)
    return result


@router.post("/import-seed", response_model=SeedResponse)
async def import_seed(
    seed: SeedProfile, user_id: UserIdDep, store: StoreDep, coach: CoachDep
) -> SeedResponse:
    """Replace the caller's profile with a seed in the nested format (missing keys take defaults)."""
    result = await service.apply_seed(store=store, user_id=user_id, seed=seed)
    await coach.clear_sessions(user_id=user_id)
    return result


@router.post("/seed", response_model=SeedResponse)
async def seed_profile(
    user_id: UserIdDep, store: StoreDep, settings: SettingsDep, coach: CoachDep
) -> SeedResponse:
    """Replace the caller's profile with the household's seed file (`AIRFIT_SEED_FILE`)."""
    if settings.seed_file is None:
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail="no seed file configured: set AIRFIT_SEED_FILE to a profile seed"
        )
    try:
        seed = await service.read_seed_file(settings.seed_file)
    except service.SeedFileError as exc:
        raise HTTPException(status.HTTP_500_INTERNAL_SERVER_ERROR, detail=str(exc)) from exc
    result = await service.apply_seed(store=store, user_id=user_id, seed=seed)
    await coach.clear_sessions(user_id=user_id)
    return result
