"""The compact day format the insight LLM reads: one short line per day, only what was measured."""

from __future__ import annotations

from collections.abc import Sequence

from airfit.health.models import DailySnapshot
from airfit.profile.models import UserProfile

HEADER = "=== RAW FITNESS DATA ==="
FORMAT_LEGEND = (
    "Format: date | Q:quality | N:calories|protein|carbs|fat|entries | "
    "H:w=weight lbs,bf=body fat %,sl=sleep h,hr=resting HR,hrv=HRV ms,st=steps,ac=active kcal,vo2=VO2max | "
    "W:workouts x|minutes m|volume kg, exercise(sets x reps@kg)"
)
QUALITY_LEGEND = "Quality: ~sl=incomplete sleep, ~act=watch off or low activity, ?hrv/?rhr=missing reading"
MIN_LINE_LENGTH = 12
MAX_EXERCISES = 8
PROFILE_KEYS = (
    "name",
    "age",
    "height",
    "occupation",
    "current_weight_lbs",
    "current_body_fat_pct",
    "target_weight_lbs",
    "target_body_fat_pct",
    "current_phase",
    "phase_context",
    "goals",
    "constraints",
    "preferences",
    "training_days_per_week",
    "training_style",
)


def _quality(flags: Sequence[str]) -> str | None:
    marks = []
    if "incomplete_sleep" in flags:
        marks.append("~sl")
    if "watch_likely_off" in flags or "minimal_activity" in flags:
        marks.append("~act")
    if "no_hrv_data" in flags:
        marks.append("?hrv")
    if "no_rhr_data" in flags:
        marks.append("?rhr")
    return "Q:" + ",".join(marks) if marks else None


def _health(day: DailySnapshot) -> str | None:
    h = day.health
    parts = [
        f"w{h.weight_lbs:.1f}" if h.weight_lbs else "",
        f"bf{h.body_fat_pct:.1f}" if h.body_fat_pct else "",
        f"sl{h.sleep_hours:.1f}" if h.sleep_hours else "",
        f"hr{h.resting_hr}" if h.resting_hr else "",
        f"hrv{h.hrv_ms:.0f}" if h.hrv_ms else "",
        f"st{h.steps}" if h.steps else "",
        f"ac{h.active_calories}" if h.active_calories else "",
        f"vo2{h.vo2_max:.1f}" if h.vo2_max else "",
    ]
    shown = [p for p in parts if p]
    return "H:" + ",".join(shown) if shown else None


def _workout(day: DailySnapshot) -> str | None:
    w = day.workout
    if w.workout_count <= 0:
        return None
    text = f"W:{w.workout_count}x|{w.total_duration_minutes}m|{w.total_volume_kg:.0f}kg"
    exercises = []
    for ex in w.exercises[:MAX_EXERCISES]:
        load = f"@{ex.max_weight_kg:g}" if ex.max_weight_kg else ""
        exercises.append(f"{ex.name[:12]}({ex.sets}x{ex.total_reps}{load})")
    return f"{text} {' '.join(exercises)}" if exercises else text


def day_line(day: DailySnapshot) -> str:
    """One day as `date | Q:… | N:… | H:… | W:…`, each block only when it has data."""
    n = day.nutrition
    nutrition = f"N:{n.calories}|{n.protein}|{n.carbs}|{n.fat}|{n.entry_count}" if n.calories > 0 else None
    parts = [day.date, _quality(day.health.quality_flags), nutrition, _health(day), _workout(day)]
    return " | ".join(p for p in parts if p)


def _profile_lines(profile: UserProfile) -> list[str]:
    lines = []
    for key in PROFILE_KEYS:
        value = getattr(profile, key)
        if isinstance(value, list):
            value = ", ".join(value)
        if value:
            lines.append(f"{key}: {value}")
    protein, calories = profile.protein_target, profile.calorie_target
    lines.append(f"protein_target: {protein:g} g/day")
    lines.append(f"calorie_target: {calories:g} kcal/day")
    return lines


def format_all_data(days: Sequence[DailySnapshot], profile: UserProfile | None = None) -> str:
    """The whole dump given to the LLM: legends, profile, then day lines newest first (days with data)."""
    lines = [HEADER, FORMAT_LEGEND, QUALITY_LEGEND]
    if profile is not None:
        lines += ["--- PROFILE ---", *_profile_lines(profile)]
    lines.append("--- DAILY DATA (newest first) ---")
    lines += [line for line in (day_line(d) for d in reversed(days)) if len(line) > MIN_LINE_LENGTH]
    return "\n".join(lines)


def days_with_data(days: Sequence[DailySnapshot]) -> int:
    """How many days carry any figure (their compact line is more than the date)."""
    return sum(1 for d in days if len(day_line(d)) > MIN_LINE_LENGTH)


def token_estimate(text: str) -> int:
    """A rough token count, characters / 4, as `POST /insights/generate` and the data preview report it."""
    return len(text) // 4
