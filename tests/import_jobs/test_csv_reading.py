"""The CSV readers in process: numbers and dates over wide inputs (Hypothesis), and each export's traps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airfit.demo.csv_exports import write_hevy_csv, write_strong_csv
from airfit.imports import hevy_csv, strong_csv
from airfit.imports.csvfile import ORDERS, Stamps, number
from airfit.imports.models import ImportRefusedError, ReadOptions
from airfit.training.models import HevyWorkout
from tests.fakes.hevy import generated_workouts

ZONE = ZoneInfo("Europe/Berlin")


@given(st.decimals(min_value=0, max_value=99_999, places=2, allow_nan=False))
def test_numbers_read_back_in_every_locales_form(value: Any) -> None:
    plain = f"{value:.2f}"
    grouped = f"{value:,.2f}"
    european = grouped.replace(",", " ").replace(".", ",").replace(" ", ".")
    expected = float(value)
    assert number(plain, 2, "x", decimal_comma=False) == expected
    assert number(grouped, 2, "x", decimal_comma=False) == expected
    assert number(plain.replace(".", ","), 2, "x", decimal_comma=True) == expected
    assert number(european, 2, "x", decimal_comma=True) == expected


def test_a_quoted_decimal_comma_in_a_comma_file_and_thousands() -> None:
    assert number("80,5", 2, "x", decimal_comma=False) == 80.5
    assert number("1,234", 2, "x", decimal_comma=False) == 1234.0
    assert number("1,234", 2, "x", decimal_comma=True) == 1.234
    assert number("", 2, "x", decimal_comma=False) is None
    for bad in ("nan", "inf", "12abc", "1e999"):
        with pytest.raises(ImportRefusedError, match=r"row 2, column 'x': .* is not a number"):
            number(bad, 2, "x", decimal_comma=False)


# Wall-clock times, naive as the files write them.
NAIVE_FIRST = datetime(1990, 1, 1, tzinfo=UTC).replace(tzinfo=None)
NAIVE_LAST = datetime(2030, 12, 31, tzinfo=UTC).replace(tzinfo=None)
FORMS = {
    "YYYY-MM-DD": "%Y-%m-%d %H:%M",
    "DD/MM/YYYY": "%d/%m/%Y %H:%M",
    "MM/DD/YYYY": "%m/%d/%Y %H:%M",
    "DD Mon YYYY": "%d %b %Y, %H:%M",
}


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(list(FORMS)),
    st.lists(
        st.datetimes(min_value=NAIVE_FIRST, max_value=NAIVE_LAST),
        min_size=1,
        max_size=12,
    ),
)
def test_dates_are_read_right_or_refused_never_guessed(order: str, moments: list[datetime]) -> None:
    moments = [m.replace(second=0, microsecond=0) for m in moments]
    stamps = Stamps("Date", ZONE)
    keys = [stamps.add(m.strftime(FORMS[order]), row) for row, m in enumerate(moments, start=2)]
    numeric = order in ("DD/MM/YYYY", "MM/DD/YYYY")
    settled = not numeric or any(m.day > 12 and m.day != m.month for m in moments)
    open_order = numeric and all(m.day <= 12 for m in moments) and any(m.day != m.month for m in moments)
    if open_order:
        with pytest.raises(
            ImportRefusedError, match="give --date-format DD/MM/YYYY or --date-format MM/DD/YYYY"
        ):
            stamps.resolve()
        # Told the order, the same texts read right.
        told = Stamps("Date", ZONE, explicit=order)
        for row, m in enumerate(moments, start=2):
            told.add(m.strftime(FORMS[order]), row)
        assert [told.resolve()[k] for k in keys] == moments
        return
    read = stamps.resolve()
    assert [read[k] for k in keys] == moments
    if settled and numeric:
        assert stamps.chosen == order


def test_every_named_order_is_a_date_format() -> None:
    assert set(FORMS) <= set(ORDERS)


def test_wall_clock_times_become_instants_in_the_users_zone() -> None:
    stamps = Stamps("start_time", ZoneInfo("America/New_York"))
    key = stamps.add("26 Jul 2025, 07:06", 2)
    winter = stamps.add("26 Jan 2025, 07:06", 3)
    read = stamps.resolve()
    assert stamps.instant(read[key]) == datetime(2025, 7, 26, 11, 6, tzinfo=UTC)  # EDT
    assert stamps.instant(read[winter]) == datetime(2025, 1, 26, 12, 6, tzinfo=UTC)  # EST


def _api(workouts: list[dict[str, Any]]) -> dict[str, Any]:
    stored = [HevyWorkout.model_validate(w).to_stored() for w in workouts]
    return {w.start_time: w for w in stored}


def test_a_hevy_file_holds_exactly_the_api_workouts(tmp_path: Path) -> None:
    workouts = generated_workouts(6, seed=11)
    path = tmp_path / "workouts.csv"
    write_hevy_csv(path, workouts, zone=ZONE)
    parsed = hevy_csv.parse(path, tmp_path, lambda _: None, ReadOptions(zone=ZONE))
    api = _api(workouts)
    assert len(parsed.workouts) == len(api)
    kinds = set()
    for workout in parsed.workouts:
        expected = api[workout.start_time]
        assert workout.source == "hevy-csv"
        assert workout.model_dump(
            exclude={"id", "source", "updated_at"}, exclude_none=False
        ) == expected.model_dump(exclude={"id", "source", "updated_at", "exercises"}) | {
            "exercises": [e.model_dump() | {"exercise_template_id": None} for e in expected.exercises]
        }
        kinds |= {s.type for e in workout.exercises for s in e.sets}
    assert kinds >= {"warmup", "normal", "dropset"}
    assert parsed.stats.first_date is not None


def test_a_strong_file_keeps_set_kinds_order_and_rest_timers_out(tmp_path: Path) -> None:
    workouts = generated_workouts(6, seed=11)
    path = tmp_path / "strong.csv"
    write_strong_csv(path, workouts, zone=ZONE, unit="kg", twelve_hour=True)
    parsed = strong_csv.parse(path, tmp_path, lambda _: None, ReadOptions(zone=ZONE, unit="kg"))
    api = _api(workouts)
    for workout in parsed.workouts:
        expected = api[workout.start_time]
        assert workout.end_time == expected.end_time
        assert [len(e.sets) for e in workout.exercises] == [len(e.sets) for e in expected.exercises]
        for mine, theirs in zip(workout.exercises, expected.exercises, strict=True):
            assert [s.type for s in mine.sets] == [s.type for s in theirs.sets]
            assert [s.weight_kg for s in mine.sets] == [s.weight_kg for s in theirs.sets]
            assert [s.reps for s in mine.sets] == [s.reps for s in theirs.sets]
    assert parsed.stats.skipped["rest timer rows"] == sum(len(w["exercises"]) for w in workouts)


def test_a_strong_duration_gives_the_end(tmp_path: Path) -> None:
    path = tmp_path / "strong.csv"
    path.write_text(
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,RPE\n"
        "2025-07-26 07:06:00,Legs,1h 5m,Squat (Barbell),1,100,5,0,0,,\n"
    )
    parsed = strong_csv.parse(path, tmp_path, lambda _: None, ReadOptions(zone=UTC, unit="kg"))
    (workout,) = parsed.workouts
    assert workout.end_time is not None
    assert workout.end_time - workout.start_time == timedelta(minutes=65)
    path.write_text(path.read_text().replace("1h 5m", "an hour"))
    with pytest.raises(ImportRefusedError, match="row 2, column 'Duration': 'an hour' is not a duration"):
        strong_csv.parse(path, tmp_path, lambda _: None, ReadOptions(zone=UTC, unit="kg"))


def test_a_date_after_tomorrow_in_the_users_zone_is_refused(tmp_path: Path) -> None:
    later = datetime.now(UTC).date() + timedelta(days=3)
    path = tmp_path / "strong.csv"
    path.write_text(
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps\n"
        f"{later} 07:06:00,Legs,1h,Squat (Barbell),1,100,5\n"
    )
    with pytest.raises(ImportRefusedError, match="is not a date of recorded history"):
        strong_csv.parse(path, tmp_path, lambda _: None, ReadOptions(zone=UTC, unit="kg"))
