"""Realistic Apple Health exports (`export.xml`, `export.zip`), seeded, with the truth of every day.

Each day carries the traps that real exports have and naive importers get wrong, and `ExportTruth` says
what the AirFit iOS app would compute for the day (docs/ios-contract.md § Daily snapshot), worked out here
from the generator's own simple layout rather than by a general algorithm:

- steps and active energy from an Apple Watch over [07:05, 21:55) and from the iPhone over [06:00, 23:00)
  in 15-minute samples: the phone counts only outside the watch's window, pro rata for the two samples the
  window cuts; the watch writes energy in `Cal`, the phone in `kJ`;
- meals as food correlations whose records also appear at top level, plus one snack outside any meal;
- weight in kg (a scale app) or lb (typed in Health), body fat as a 0-1 fraction with unit `%`;
- the latest weight of some days is absurd (the day has none), NaN, or in an unknown unit (both skipped);
- nights from the watch (stages, with awake spells) and a second app (asleep, unspecified) that overlap,
  one of its spells ending before midnight, and the phone's in-bed span;
- a trip: some days are written at UTC+01:00, the rest at UTC-08:00, so evening records of home days fall
  on the next date in UTC;
- workouts recorded by the watch and again by a lifting app, overlapping;
- heart-rate samples (a type the import skips), `filler_per_day` of them, to size the file.

Options write the broken document type declaration of iOS 16 exports, or cut the file short.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

WATCH = "David’s Apple Watch"
PHONE = "David’s iPhone"
WATCH_DEVICE = (
    "&lt;&lt;HKDevice: 0x283d1e9e0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, "
    "hardware:Watch6,2, software:10.1&gt;"
)
PHONE_DEVICE = (
    "&lt;&lt;HKDevice: 0x283d1ea30&gt;, name:iPhone, manufacturer:Apple Inc., model:iPhone, "
    "hardware:iPhone14,2, software:17.1&gt;"
)
SCALE = "Withings"
SLEEP_APP = "AutoSleep"
FOOD_APP = "MyFitnessPal"
SNACK_APP = "Lose It!"
LIFT_APP = "Hevy"
HOME = "-0800"
TRIP = "+0100"
KG_LB = 2.20462262185
KJ_PER_KCAL = 4.184

WATCH_WINDOW = (7 * 60 + 5, 21 * 60 + 55)
"""Minutes of the day the watch records steps and energy: [07:05, 21:55)."""
PHONE_WINDOW = (6 * 60, 23 * 60)
PHONE_STEP = 15
WATCH_STEP = 10

_VALID_DTD = """<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 12 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  device        CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
]>
"""
# iOS 16 wrote declarations without their closing '>' (expat stops with "syntax error" in the prolog).
_IOS16_DTD = _VALID_DTD.replace(
    "]>",
    """<!ATTLIST VisionPrescription
  type             CDATA #REQUIRED
  dateIssued       CDATA #REQUIRED
<!ELEMENT RightEye EMPTY>
]>""",
)

DtdKind = Literal["valid", "ios16"]


@dataclass
class DayTruth:
    """What the app would compute for one date (None: no reading)."""

    steps: float = 0.0
    active_kcal: float = 0.0
    weight_lbs: float | None = None
    body_fat_pct: float | None = None
    lean_mass_lbs: float | None = None
    resting_hr: int | None = None
    hrv_ms: float | None = None
    sleep_hours: float | None = None
    sleep_deep_pct: float | None = None
    sleep_core_pct: float | None = None
    sleep_rem_pct: float | None = None
    sleep_efficiency: float | None = None
    sleep_onset_minutes: int | None = None
    calories: float = 0.0
    protein: float = 0.0
    carbs: float = 0.0
    fat: float = 0.0
    meals: int = 0
    workouts: int = 0
    workout_minutes: int = 0
    zone: str = HOME
    traps: list[str] = field(default_factory=list)


@dataclass
class ExportTruth:
    """The truth of every date in a generated export, and its size."""

    days: dict[str, DayTruth]
    records: int = 0
    nan_records: int = 0
    unknown_unit_records: int = 0
    out_of_range_weights: int = 0
    skipped_records: int = 0


def _stamp(day: date, minute: float, zone: str) -> str:
    """`day` at `minute` after its midnight (may be negative or past 24 h), written in `zone`."""
    whole = int(round(minute * 60))
    days, seconds = divmod(whole, 86400)
    local = day + timedelta(days=days)
    return f"{local.isoformat()} {seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d} {zone}"


class _Writer:
    def __init__(self, out: io.TextIOBase, truth: ExportTruth) -> None:
        self.out = out
        self.truth = truth

    def record(
        self,
        kind: str,
        source: str,
        unit: str | None,
        value: str,
        start: str,
        end: str,
        *,
        device: str | None = None,
        indent: str = " ",
    ) -> None:
        unit_attr = f' unit="{unit}"' if unit else ""
        device_attr = f' device="{device}"' if device else ""
        self.out.write(
            f'{indent}<Record type="{kind}" sourceName="{source}" sourceVersion="10.1"{device_attr}'
            f'{unit_attr} creationDate="{end}" startDate="{start}" endDate="{end}" value="{value}"/>\n'
        )
        self.truth.records += 1


Q = "HKQuantityTypeIdentifier"
SLEEP = "HKCategoryTypeIdentifierSleepAnalysis"
S = "HKCategoryValueSleepAnalysis"


def _uncovered(start: int, end: int, window: tuple[int, int]) -> float:
    """Share of [start, end) outside the window."""
    overlap = max(0, min(end, window[1]) - max(start, window[0]))
    return 1 - overlap / (end - start)


def _samples(
    w: _Writer,
    rng: random.Random,
    day: date,
    zone: str,
    truth: DayTruth,
    device: tuple[str, str, tuple[int, int], int],
    ranges: tuple[tuple[int, int], tuple[float, float]],
    energy_unit: str,
    under: tuple[int, int] | None,
) -> None:
    """One device's step and energy samples over its window; `under`: a higher source's window."""
    source, about, window, step = device
    per_kcal = KJ_PER_KCAL if energy_unit == "kJ" else 1.0
    for minute in range(window[0], window[1], step):
        steps = rng.randint(*ranges[0])
        energy = round(rng.uniform(*ranges[1]), 3)
        start, end = _stamp(day, minute, zone), _stamp(day, minute + step, zone)
        w.record(f"{Q}StepCount", source, "count", str(steps), start, end, device=about)
        w.record(f"{Q}ActiveEnergyBurned", source, energy_unit, str(energy), start, end, device=about)
        share = _uncovered(minute, minute + step, under) if under else 1.0
        truth.steps += steps * share
        truth.active_kcal += energy / per_kcal * share


def _activity(w: _Writer, rng: random.Random, day: date, zone: str, truth: DayTruth) -> None:
    watch = (WATCH, WATCH_DEVICE, WATCH_WINDOW, WATCH_STEP)
    _samples(w, rng, day, zone, truth, watch, ((20, 150), (0.5, 15.0)), "Cal", None)
    phone = (PHONE, PHONE_DEVICE, PHONE_WINDOW, PHONE_STEP)
    _samples(w, rng, day, zone, truth, phone, ((10, 100), (2.0, 40.0)), "kJ", WATCH_WINDOW)
    truth.traps += ["watch+phone overlap", "kJ and Cal"]


def _body(w: _Writer, rng: random.Random, day: date, zone: str, truth: DayTruth, index: int) -> None:
    level = 185 - index * 0.02 + rng.gauss(0, 0.8)
    in_kg = index % 2 == 0
    morning = _stamp(day, 7 * 60 + 30, zone)
    if in_kg:
        w.record(f"{Q}BodyMass", SCALE, "kg", f"{level / KG_LB:.3f}", morning, morning)
        truth.weight_lbs = round(level / KG_LB, 3) * KG_LB
        fat = round(rng.uniform(0.17, 0.24), 4)
        w.record(f"{Q}BodyFatPercentage", SCALE, "%", str(fat), morning, morning)
        truth.body_fat_pct = fat * 100
        lean = round(level * (1 - fat) / KG_LB, 3)
        w.record(f"{Q}LeanBodyMass", SCALE, "kg", str(lean), morning, morning)
        truth.lean_mass_lbs = lean * KG_LB
        truth.traps += ["kg", "% as fraction"]
    else:
        w.record(f"{Q}BodyMass", "Health", "lb", f"{level:.1f}", morning, morning)
        truth.weight_lbs = round(level, 1)
        truth.traps.append("lb")
    trap = index % 7
    evening = _stamp(day, 20 * 60, zone)
    if trap == 3:
        w.record(f"{Q}BodyMass", "Health", "lb", "1500", evening, evening)
        truth.weight_lbs = None  # the latest reading is absurd: the app shows no weight for the day
        w.truth.out_of_range_weights += 1
        truth.traps.append("absurd latest weight")
    elif trap == 4:
        w.record(f"{Q}BodyMass", "Health", "lb", "NaN", evening, evening)
        w.record(
            f"{Q}BodyMass", "Health", "g/dL", "90", _stamp(day, 21 * 60, zone), _stamp(day, 21 * 60, zone)
        )
        w.truth.nan_records += 1
        w.truth.unknown_unit_records += 1
        truth.traps += ["NaN weight", "unknown unit"]
    rhr = round(rng.uniform(48, 62), 1)
    stamp = _stamp(day, 6 * 60 + 50, zone)
    w.record(f"{Q}RestingHeartRate", WATCH, "count/min", str(rhr), stamp, stamp, device=WATCH_DEVICE)
    truth.resting_hr = int(rhr)
    for minute in (3 * 60, 9 * 60 + 12, 15 * 60 + 40):
        hrv = round(rng.uniform(30, 90), 2)
        start, end = _stamp(day, minute, zone), _stamp(day, minute + 1, zone)
        w.record(f"{Q}HeartRateVariabilitySDNN", WATCH, "ms", str(hrv), start, end, device=WATCH_DEVICE)
        truth.hrv_ms = hrv


def _night(w: _Writer, rng: random.Random, day: date, zone: str, truth: DayTruth) -> None:
    """The night ending on `day`: minutes relative to its midnight (negative: the evening before)."""
    asleep: dict[str, set[int]] = {"core": set(), "deep": set(), "rem": set()}
    awake: set[int] = set()
    minute = -50 + rng.randint(0, 20)  # 23:10-23:30
    stages = [("AsleepCore", "core"), ("AsleepDeep", "deep"), ("AsleepREM", "rem"), ("Awake", None)]
    while minute < 6 * 60 + 30:
        name, stage = stages[rng.randrange(4)] if minute > -20 else stages[0]
        length = rng.randint(5, 40) if stage else rng.randint(2, 6)
        end = min(minute + length, 6 * 60 + 30)
        w.record(SLEEP, WATCH, None, f"{S}{name}", _stamp(day, minute, zone), _stamp(day, end, zone))
        (asleep[stage] if stage else awake).update(range(minute, end))
        minute = end
    # A second app: a spell that starts and ends before midnight, and one in the early morning.
    for start, end in ((-70, -20), (5 * 60, 6 * 60 + 40)):
        w.record(
            SLEEP, SLEEP_APP, None, f"{S}AsleepUnspecified", _stamp(day, start, zone), _stamp(day, end, zone)
        )
        asleep["core"].update(range(start, end))
    in_bed = set(range(-90, 6 * 60 + 50))
    w.record(SLEEP, PHONE, None, f"{S}InBed", _stamp(day, -90, zone), _stamp(day, 6 * 60 + 50, zone))
    union = asleep["core"] | asleep["deep"] | asleep["rem"]
    total = sum(len(m) for m in asleep.values())
    truth.sleep_hours = len(union) / 60
    truth.sleep_core_pct = len(asleep["core"]) / total
    truth.sleep_deep_pct = len(asleep["deep"]) / total
    truth.sleep_rem_pct = len(asleep["rem"]) / total
    truth.sleep_efficiency = (total / 60) / max(len(in_bed) / 60, (total + len(awake)) / 60)
    truth.sleep_onset_minutes = -90
    truth.traps += ["sleep across midnight from two sources", "in-bed and awake"]


def _meals(w: _Writer, rng: random.Random, day: date, zone: str, truth: DayTruth, index: int) -> None:
    in_kj = index % 5 == 1
    for minute in (8 * 60, 12 * 60 + 30, 19 * 60 + 30):
        start, end = _stamp(day, minute, zone), _stamp(day, minute + 20, zone)
        kcal = rng.randint(300, 900)
        macros = {"DietaryProtein": rng.randint(15, 60), "DietaryCarbohydrates": rng.randint(20, 110)}
        macros["DietaryFatTotal"] = rng.randint(5, 40)
        energy = (f"{kcal * KJ_PER_KCAL:.3f}", "kJ") if in_kj else (str(kcal), "kcal")
        records = [(f"{Q}DietaryEnergyConsumed", energy[1], energy[0])]
        records += [(f"{Q}{name}", "g", str(grams)) for name, grams in macros.items()]
        w.out.write(
            f' <Correlation type="HKCorrelationTypeIdentifierFood" sourceName="{FOOD_APP}" '
            f'sourceVersion="1" creationDate="{end}" startDate="{start}" endDate="{end}">\n'
        )
        w.out.write('  <MetadataEntry key="meal" value="lunch"/>\n')
        for kind, unit, value in records:
            w.record(kind, FOOD_APP, unit, value, start, end, indent="  ")
        w.out.write(" </Correlation>\n")
        for kind, unit, value in records:  # Apple repeats a correlation's records at top level
            w.record(kind, FOOD_APP, unit, value, start, end)
        truth.calories += kcal
        truth.protein += macros["DietaryProtein"]
        truth.carbs += macros["DietaryCarbohydrates"]
        truth.fat += macros["DietaryFatTotal"]
        truth.meals += 1
    snack = _stamp(day, 16 * 60, zone)
    w.record(f"{Q}DietaryEnergyConsumed", SNACK_APP, "kcal", "150", snack, snack)
    truth.calories += 150
    truth.meals += 1
    truth.traps += ["correlations repeated at top level"] + (["kJ meals"] if in_kj else [])


def _workouts(w: _Writer, day: date, zone: str, truth: DayTruth, index: int) -> None:
    if index % 3:
        return
    for source, start, end in ((WATCH, 17 * 60, 18 * 60), (LIFT_APP, 17 * 60 + 2, 17 * 60 + 58)):
        w.out.write(
            f' <Workout workoutActivityType="HKWorkoutActivityTypeTraditionalStrengthTraining" '
            f'duration="{end - start}" durationUnit="min" sourceName="{source}" sourceVersion="1" '
            f'creationDate="{_stamp(day, end, zone)}" startDate="{_stamp(day, start, zone)}" '
            f'endDate="{_stamp(day, end, zone)}">\n'
            f'  <MetadataEntry key="HKIndoorWorkout" value="1"/>\n </Workout>\n'
        )
    truth.workouts = 1
    truth.workout_minutes = 60
    truth.traps.append("workout recorded twice")


def _filler(w: _Writer, rng: random.Random, day: date, zone: str, count: int) -> None:
    if count <= 0:
        return
    step = 1440 / count
    for i in range(count):
        stamp = _stamp(day, i * step, zone)
        w.record(
            f"{Q}HeartRate", WATCH, "count/min", str(rng.randint(50, 140)), stamp, stamp, device=WATCH_DEVICE
        )
        w.truth.skipped_records += 1


def _lines(
    truth: ExportTruth, *, days: int, end: date, seed: int, filler_per_day: int, dtd: DtdKind
) -> Iterator[str]:
    """The export as text, a day at a time (written by the caller as it comes)."""
    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = _Writer(buffer, truth)
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield _IOS16_DTD if dtd == "ios16" else _VALID_DTD
    yield '<HealthData locale="en_US">\n'
    yield f' <ExportDate value="{end.isoformat()} 21:00:00 {HOME}"/>\n'
    yield ' <Me HKCharacteristicTypeIdentifierDateOfBirth="1985-04-02"/>\n'
    if dtd == "ios16":
        # Also from iOS 16: a control character XML forbids, inside an attribute.
        stamp = f"{end.isoformat()} 09:00:00 {HOME}"
        writer.record(f"{Q}Height", "Health\x0b", "cm", "180", stamp, stamp)
        truth.skipped_records += 1
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    first = end - timedelta(days=days - 1)
    trip = {first + timedelta(days=i) for i in range(days // 3, days // 3 + 4)}
    for index in range(days):
        day = first + timedelta(days=index)
        zone = TRIP if day in trip else HOME
        day_truth = truth.days[day.isoformat()] = DayTruth(zone=zone)
        if zone == TRIP:
            day_truth.traps.append("UTC+01:00 trip")
        _activity(writer, rng, day, zone, day_truth)
        _body(writer, rng, day, zone, day_truth, index)
        _night(writer, rng, day, zone, day_truth)
        _meals(writer, rng, day, zone, day_truth, index)
        _workouts(writer, day, zone, day_truth, index)
        _filler(writer, rng, day, zone, filler_per_day)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield f' <ActivitySummary dateComponents="{end.isoformat()}" activeEnergyBurned="500"/>\n'
    yield "</HealthData>\n"


def write_export(
    path: Path,
    *,
    days: int = 14,
    end: date = date(2025, 6, 30),
    seed: int = 1,
    filler_per_day: int = 0,
    dtd: DtdKind = "valid",
    zipped: bool = False,
    truncate_at: float | None = None,
) -> ExportTruth:
    """Write an export of `days` dates ending `end` to `path`; returns the truth of every date.

    `zipped` writes the Health app's `export.zip` (with `apple_health_export/export.xml` and the CDA file
    beside it); `truncate_at` (0-1) cuts the XML at that share of its length, as a broken transfer would.
    """
    truth = ExportTruth(days={})
    lines = _lines(truth, days=days, end=end, seed=seed, filler_per_day=filler_per_day, dtd=dtd)
    if zipped:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            with archive.open("apple_health_export/export.xml", "w", force_zip64=True) as member:
                for text in lines:
                    member.write(text.encode())
            archive.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>\n")
        return truth
    with path.open("w", encoding="utf-8") as out:
        for text in lines:
            out.write(text)
    if truncate_at is not None:
        size = path.stat().st_size
        with path.open("r+b") as out:
            out.truncate(int(size * truncate_at))
    return truth
