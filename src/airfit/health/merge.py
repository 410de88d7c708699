"""How one synced day is folded into the stored snapshot of that date.

Replacing a day wholesale would let a partial HealthKit read wipe stored values. The rule instead:

- An optional key that is absent or null means "no reading": the stored value stays. A present value
  overwrites it (`quality_flags: []` is a reading: "no flags").
- The iOS app sends its Int fields even when it has no data, as 0. So:
  - nutrition (calories, protein, carbs, fat, nutrition_entries) is one set of totals: if every one sent is 0
    the phone had nothing logged and the stored totals stay; otherwise each value sent overwrites.
    Consequence: a day whose meals were all deleted on the phone keeps its last non-zero totals.
  - steps and active_calories are separate sensors: each 0 is "no reading" and keeps the stored value.
- The workout block (written by the Hevy sync) is never touched.
- A date with entries logged in the web client merges onto the phone's own readings, kept aside, and the
  combined day is recomputed (`health.logbook`): a sync never erases a web entry.
"""

from __future__ import annotations

from datetime import datetime

from airfit.health.logbook import combine, show_phone
from airfit.health.models import DailySnapshot, DailySyncData

NUTRITION_FIELDS = {
    "calories": "calories",
    "protein": "protein",
    "carbs": "carbs",
    "fat": "fat",
    "nutrition_entries": "entry_count",
}
ACTIVITY_FIELDS = ("steps", "active_calories")
HEALTH_FIELDS = (
    "weight_lbs",
    "body_fat_pct",
    "sleep_hours",
    "resting_hr",
    "hrv_ms",
    "sleep_efficiency",
    "sleep_deep_pct",
    "sleep_core_pct",
    "sleep_rem_pct",
    "sleep_onset_minutes",
    "hrv_baseline_ms",
    "hrv_deviation_pct",
    "bedtime_consistency",
    "quality_score",
    "quality_flags",
    "is_baseline_excluded",
)
NUTRITION_TAG = "nutrition"
HEALTH_TAG = "health"


def _merge_nutrition(snapshot: DailySnapshot, day: DailySyncData) -> bool:
    sent = {stored: getattr(day, wire) for wire, stored in NUTRITION_FIELDS.items()}
    sent = {name: value for name, value in sent.items() if value is not None}
    if not any(sent.values()):
        return False
    for name, value in sent.items():
        setattr(snapshot.nutrition, name, value)
    return True


def _merge_health(snapshot: DailySnapshot, day: DailySyncData) -> bool:
    applied = False
    for name in ACTIVITY_FIELDS:
        value = getattr(day, name)
        if value:
            setattr(snapshot.health, name, value)
            applied = True
    for name in HEALTH_FIELDS:
        value = getattr(day, name)
        if value is not None:
            setattr(snapshot.health, name, list(value) if isinstance(value, list) else value)
            applied = True
    return applied


def merge_day(snapshot: DailySnapshot, day: DailySyncData, *, now: datetime) -> None:
    """Fold `day` into `snapshot` in place (see the module docstring for the rule)."""
    show_phone(snapshot)
    tags = []
    if _merge_nutrition(snapshot, day):
        tags.append(NUTRITION_TAG)
    if _merge_health(snapshot, day):
        tags.append(HEALTH_TAG)
    for tag in tags:
        if tag not in snapshot.sources_synced:
            snapshot.sources_synced.append(tag)
    combine(snapshot)
    snapshot.last_updated = now
