"""Hand-built Hevy workouts (API shape) for tests that need exact numbers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

SetSpec = tuple[str, float | None, int | None]


def iso(moment: datetime) -> str:
    """Hevy's timestamp form."""
    return moment.isoformat().replace("+00:00", "Z")


def workout(
    workout_id: str,
    start: datetime,
    exercises: list[tuple[str, list[SetSpec]]],
    *,
    minutes: int = 60,
    title: str = "Session",
    description: str | None = "",
) -> dict[str, Any]:
    """A workout dict as `GET /v1/workouts` lists it; sets are (type, weight_kg, reps)."""
    return {
        "id": workout_id,
        "title": title,
        "description": description,
        "start_time": iso(start),
        "end_time": iso(start + timedelta(minutes=minutes)),
        "updated_at": iso(start + timedelta(minutes=minutes)),
        "created_at": iso(start),
        "exercises": [
            {
                "index": i,
                "title": name,
                "notes": None,
                "exercise_template_id": f"T{i}",
                "superset_id": None,
                "sets": [
                    {"index": j, "type": kind, "weight_kg": kg, "reps": reps, "rpe": None}
                    for j, (kind, kg, reps) in enumerate(sets)
                ],
            }
            for i, (name, sets) in enumerate(exercises)
        ],
    }
