"""The Apple Health importer against generated exports whose every day has a known truth.

Each trap test also shows the trap is live: the naive reading (plain sum, correlations twice, UTC dates,
sleep by end date, ...) gives another number on the same file, so the test fails on a naive importer.
"""

from __future__ import annotations

import math
import zipfile
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from xml.parsers import expat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airfit.demo.apple_health import ExportTruth, write_export
from airfit.health.backfill import ImportedDay
from airfit.imports import apple_health
from airfit.imports.models import ImportRefusedError, ParseStats

DAYS = 21
Parsed = tuple[ExportTruth, dict[str, ImportedDay], ParseStats]


def _parse(path: Path, work: Path) -> tuple[dict[str, ImportedDay], ParseStats]:
    work.mkdir(exist_ok=True)
    seen: list[float] = []
    days, stats = apple_health.parse(path, work, seen.append)
    assert seen
    assert seen[-1] == 1.0
    assert seen == sorted(seen)
    assert list(work.iterdir()) == [], "the month spill files are removed"
    return {d.date: d for d in days}, stats


@pytest.fixture(scope="module")
def export(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[ExportTruth, dict[str, ImportedDay], ParseStats]:
    folder = tmp_path_factory.mktemp("export")
    truth = write_export(folder / "export.xml", days=DAYS, seed=7)
    days, stats = _parse(folder / "export.xml", folder / "work")
    return truth, days, stats


def _records(path: Path) -> list[dict[str, str]]:
    """Every Record of the file with its nesting, read the naive way (for showing the traps are live)."""
    found: list[dict[str, str]] = []
    depth = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        if name == "Correlation":
            depth += 1
        if name == "Record":
            found.append({**attrs, "nested": str(depth)})

    def end(name: str) -> None:
        nonlocal depth
        if name == "Correlation":
            depth -= 1

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.ParseFile(path.open("rb"))
    return found


def _within_truncation(got: int, truth: float) -> bool:
    # The app truncates the day's sum; the truth is summed in another order, so allow its last bit.
    return math.floor(truth - 1e-6) <= got <= math.floor(truth + 1e-6)


def test_every_day_is_found_and_nothing_else(
    export: Parsed,
) -> None:
    truth, days, stats = export
    assert set(days) == set(truth.days)
    assert stats.days == DAYS
    assert (stats.first_date, stats.last_date) == (min(truth.days), max(truth.days))


def test_steps_and_energy_count_the_watch_over_the_phone_pro_rata(export: Parsed, tmp_path: Path) -> None:
    truth, days, stats = export
    for day, expected in truth.days.items():
        assert _within_truncation(days[day].steps or 0, expected.steps), day
        assert _within_truncation(days[day].active_calories or 0, expected.active_kcal), day
    assert stats.winners["steps"] == {"David’s Apple Watch": DAYS}
    # Live trap: the plain sum of every step sample is far more.
    path = tmp_path / "export.xml"
    write_export(path, days=DAYS, seed=7)
    plain: dict[str, float] = defaultdict(float)
    for record in _records(path):
        if record["type"] == "HKQuantityTypeIdentifierStepCount":
            plain[record["startDate"][:10]] += float(record["value"])
    assert all(plain[day] > expected.steps + 500 for day, expected in truth.days.items())


def test_correlation_records_repeated_at_top_level_count_once(export: Parsed, tmp_path: Path) -> None:
    truth, days, _ = export
    for day, expected in truth.days.items():
        nutrition = days[day].nutrition
        assert nutrition is not None
        assert nutrition.calories == round(expected.calories), day
        assert (nutrition.protein, nutrition.carbs, nutrition.fat) == (
            expected.protein,
            expected.carbs,
            expected.fat,
        )
        assert nutrition.entry_count == expected.meals == 4
    path = tmp_path / "export.xml"
    write_export(path, days=DAYS, seed=7)
    nested = [r for r in _records(path) if r["type"].endswith("DietaryProtein")]
    assert sum(r["nested"] == "1" for r in nested) == sum(r["nested"] == "0" for r in nested) > 0


def test_the_day_is_the_local_date_of_each_record_in_its_own_offset(
    export: Parsed,
) -> None:
    truth, days, stats = export
    assert stats.zones == ["+01:00", "-08:00"]
    trip = [day for day, t in truth.days.items() if t.zone == "+0100"]
    assert len(trip) == 4
    # The 19:30 meal of a home day is 03:30 UTC the next day: by UTC dates the first day would lose it and
    # every other day would gain the previous evening's. Local dates keep each day's own meals.
    for day, expected in truth.days.items():
        nutrition = days[day].nutrition
        assert nutrition is not None
        assert nutrition.protein == expected.protein
    home = next(day for day, t in truth.days.items() if t.zone == "-0800")
    evening = datetime.fromisoformat(f"{home}T19:30:00-08:00")
    assert evening.astimezone(UTC).date() != date.fromisoformat(home)


def test_weights_in_kg_and_lb_and_body_fat_fractions_are_read_in_their_units(
    export: Parsed,
) -> None:
    truth, days, _ = export
    traps = {trap for t in truth.days.values() for trap in t.traps}
    assert {"kg", "lb", "% as fraction"} <= traps
    for day, expected in truth.days.items():
        got = days[day]
        if expected.weight_lbs is None:
            assert got.weight_lbs is None, day
        else:
            assert got.weight_lbs == pytest.approx(expected.weight_lbs, abs=1e-6), day
            assert 150 < got.weight_lbs < 220  # kg read as lb would be ~84, lb as kg ~400
        if expected.body_fat_pct is not None:
            assert got.body_fat_pct == pytest.approx(expected.body_fat_pct)
            assert got.body_fat_pct is not None
            assert got.body_fat_pct > 1
            assert got.lean_mass_lbs == pytest.approx(expected.lean_mass_lbs)
        assert got.resting_hr == expected.resting_hr
        assert got.hrv_ms == pytest.approx(expected.hrv_ms)


def test_nan_absurd_and_unknown_unit_values_are_skipped_and_counted(
    export: Parsed,
) -> None:
    truth, days, stats = export
    assert stats.rejected == {
        "not a number (weight_lbs)": truth.nan_records,
        "unknown unit 'g/dL' (weight_lbs)": truth.unknown_unit_records,
    }
    assert stats.out_of_range == {"weight_lbs": truth.out_of_range_weights}
    assert truth.out_of_range_weights
    absurd = [day for day, t in truth.days.items() if "absurd latest weight" in t.traps]
    assert absurd
    assert all(days[day].weight_lbs is None for day in absurd)
    nan_days = [day for day, t in truth.days.items() if "NaN weight" in t.traps]
    assert nan_days
    assert all(days[day].weight_lbs == truth.days[day].weight_lbs for day in nan_days)


def test_sleep_is_the_union_of_asleep_samples_of_the_night_across_sources(
    export: Parsed, tmp_path: Path
) -> None:
    truth, days, stats = export
    for day, expected in truth.days.items():
        got = days[day]
        assert got.sleep_hours == pytest.approx(expected.sleep_hours), day
        assert got.sleep_core_pct == pytest.approx(expected.sleep_core_pct)
        assert got.sleep_deep_pct == pytest.approx(expected.sleep_deep_pct)
        assert got.sleep_rem_pct == pytest.approx(expected.sleep_rem_pct)
        assert got.sleep_efficiency == pytest.approx(expected.sleep_efficiency)
        assert got.sleep_onset_minutes == expected.sleep_onset_minutes == -90
    assert stats.records["sleep"] > 0
    # Live trap: by end date and summed per sample, the spell that ends before midnight is lost and the two
    # sources' overlap counts twice.
    path = tmp_path / "export.xml"
    write_export(path, days=DAYS, seed=7)
    by_end: dict[str, float] = defaultdict(float)
    for record in _records(path):
        if record["type"] != "HKCategoryTypeIdentifierSleepAnalysis" or "Asleep" not in record["value"]:
            continue
        start = datetime.strptime(record["startDate"], "%Y-%m-%d %H:%M:%S %z")
        end = datetime.strptime(record["endDate"], "%Y-%m-%d %H:%M:%S %z")
        hours = (end - start).total_seconds() / 3600
        by_end[record["endDate"][:10]] += hours
    for day, expected in truth.days.items():
        assert expected.sleep_hours is not None
        assert by_end[day] != pytest.approx(expected.sleep_hours)


def test_a_workout_recorded_by_two_apps_counts_once(
    export: Parsed,
) -> None:
    truth, days, stats = export
    trained = [day for day, t in truth.days.items() if t.workouts]
    assert trained
    for day, expected in truth.days.items():
        workouts = days[day].workouts
        if expected.workouts:
            assert workouts is not None
            assert (workouts.count, workouts.minutes) == (1, 60)
        else:
            assert workouts is None
    assert stats.records["workouts"] == 2 * len(trained)


def test_other_record_types_are_skipped_and_counted(tmp_path: Path) -> None:
    truth = write_export(tmp_path / "export.xml", days=3, filler_per_day=200)
    _, stats = _parse(tmp_path / "export.xml", tmp_path / "work")
    assert stats.skipped["HKQuantityTypeIdentifierHeartRate"] == truth.skipped_records == 600
    assert stats.skipped["ActivitySummary"] == 1


def test_the_zip_and_its_xml_give_the_same_days(tmp_path: Path) -> None:
    write_export(tmp_path / "export.zip", days=5, zipped=True)
    write_export(tmp_path / "export.xml", days=5)
    from_zip, _ = _parse(tmp_path / "export.zip", tmp_path / "a")
    from_xml, _ = _parse(tmp_path / "export.xml", tmp_path / "b")
    assert from_zip == from_xml


def test_the_broken_ios16_type_declaration_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    truth = write_export(path, days=4, dtd="ios16")
    parser = expat.ParserCreate()
    with pytest.raises(expat.ExpatError):  # live trap: expat refuses the file as Apple wrote it
        parser.Parse(path.read_bytes(), True)
    days, stats = _parse(path, tmp_path / "work")
    assert set(days) == set(truth.days)
    assert stats.skipped["HKQuantityTypeIdentifierHeight"] == 1  # the record with a control character


def test_results_do_not_depend_on_how_samples_are_spilled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "export.xml"
    write_export(path, days=40, end=date(2024, 3, 10))  # spans three months
    whole, _ = _parse(path, tmp_path / "a")
    monkeypatch.setattr(apple_health, "SPILL_DOUBLES", 60)
    spilled, _ = _parse(path, tmp_path / "b")
    assert spilled == whole


# -- refusals ----------------------------------------------------------------------------------------------


def _refused(path: Path, tmp_path: Path) -> str:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    try:
        apple_health.check(path)
        apple_health.parse(path, work, lambda _share: None)
    except ImportRefusedError as exc:
        return str(exc)
    raise AssertionError("the file was not refused")


def test_a_truncated_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    write_export(path, days=5, truncate_at=0.6)
    apple_health.check(path)  # its start is fine: only reading to the end tells
    assert "truncated" in _refused(path, tmp_path)


def test_a_truncated_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    write_export(path, days=5, zipped=True)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert "zip" in _refused(path, tmp_path)


def test_a_zip_without_an_export_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")
    assert "no export.xml" in _refused(path, tmp_path)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"%PDF-1.7 not an export", "neither a zip nor an XML"),
        (b'<?xml version="1.0"?>\n<gpx><trk/></gpx>\n', "not a Health app export"),
        (b'<?xml version="1.0"?>\n<HealthData locale="en"><Record type="x" value="1">', "truncated"),
        (b'<?xml version="1.0"?>\n<HealthData locale="en">&ghost;</HealthData>\n', "undeclared entity"),
    ],
)
def test_files_that_are_not_exports_are_refused(content: bytes, reason: str, tmp_path: Path) -> None:
    path = tmp_path / "upload"
    path.write_bytes(content)
    assert reason in _refused(path, tmp_path)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE HealthData [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<HealthData locale="en"><Record type="HKQuantityTypeIdentifierStepCount" sourceName="&lol4;"
 unit="count" value="1" startDate="2024-01-01 10:00:00 +0000" endDate="2024-01-01 10:00:00 +0000"/>
</HealthData>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE HealthData [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<HealthData locale="en"><Record type="x" sourceName="&secret;"/></HealthData>
"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE HealthData SYSTEM "http://127.0.0.1:9/health.dtd">
<HealthData locale="en"><Record type="x" sourceName="&defined_elsewhere;"/></HealthData>
"""


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (BILLION_LAUGHS, "declares XML entities"),
        (EXTERNAL_ENTITY, "declares XML entities"),
        (EXTERNAL_DTD, "undeclared entity"),
    ],
)
def test_entity_bombs_and_external_entities_are_refused(content: bytes, reason: str, tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(content)
    assert reason in _refused(path, tmp_path)


def test_the_refusals_come_before_anything_is_expanded(tmp_path: Path) -> None:
    # The check alone (the upload's 4xx) already refuses the bomb: the prolog is never handed to expat.
    path = tmp_path / "export.xml"
    path.write_bytes(BILLION_LAUGHS)
    with pytest.raises(ImportRefusedError, match="entities"):
        apple_health.check(path)


# -- the overlap rule, against a brute force ---------------------------------------------------------------

intervals = st.lists(
    st.tuples(
        st.integers(0, 3),  # source
        st.integers(0, 120),  # start second
        st.integers(1, 40),  # duration
        st.integers(0, 90),  # amount
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(intervals)
def test_prioritised_sum_matches_a_per_second_brute_force(samples: list[tuple[int, int, int, int]]) -> None:
    def priority(source: int) -> tuple[int, str]:
        return (source, "")

    total, counted = apple_health.prioritised_sum(
        [(s, float(a), float(a + d), float(v)) for s, a, d, v in samples], priority
    )
    # Brute force: each sample spreads its amount evenly over its seconds; a second belongs to the
    # highest-priority source that has a sample there, and only that source's samples count in it.
    expected = 0.0
    owner: dict[int, int] = {}
    for source, start, duration, _ in samples:
        for second in range(start, start + duration):
            owner[second] = min(owner.get(second, source), source)
    for source, start, duration, amount in samples:
        for second in range(start, start + duration):
            if owner[second] == source:
                expected += amount / duration
    assert total == pytest.approx(expected, abs=1e-6)
    assert sum(counted.values()) == pytest.approx(total)


def test_a_hostile_variety_of_types_units_sources_and_dates_stays_bounded(tmp_path: Path) -> None:
    stamp = "2024-05-01 08:00:00 +0000"
    lines = ['<?xml version="1.0"?>\n<HealthData locale="en">\n']
    for year in ("1900", "2999"):
        when = f"{year}-01-01 08:00:00 +0000"
        lines.append(
            f' <Record type="HKQuantityTypeIdentifierStepCount" sourceName="s" unit="count" value="5"'
            f' startDate="{when}" endDate="{when}"/>\n'
        )
    for i in range(1000):
        lines.append(f' <Record type="HKQuantityTypeIdentifierMade{i}" sourceName="s" value="1"/>\n')
        lines.append(
            f' <Record type="HKQuantityTypeIdentifierBodyMass" sourceName="s" unit="u{i}" value="80"'
            f' startDate="{stamp}" endDate="{stamp}"/>\n'
        )
        lines.append(
            f' <Record type="HKQuantityTypeIdentifierStepCount" sourceName="app {i}" unit="count" value="10"'
            f' startDate="{stamp}" endDate="{stamp}"/>\n'
        )
    lines.append("</HealthData>\n")
    path = tmp_path / "export.xml"
    path.write_text("".join(lines))
    days, stats = _parse(path, tmp_path / "work")
    assert len(stats.skipped) == len(stats.rejected) == apple_health.MAX_KEYS + 1
    assert stats.skipped["(others)"] == 1000 - apple_health.MAX_KEYS
    assert sum(stats.rejected.values()) == 1000 + 2
    assert stats.rejected["date out of range (steps)"] == 2
    assert len(stats.sources) == apple_health.MAX_SOURCES + 1
    assert list(days) == ["2024-05-01"]
    assert days["2024-05-01"].steps == 10_000  # instant samples of distinct apps never hide each other
