"""The Health app's "Export All Health Data" (`export.zip`, or its `apple_health_export/export.xml`) as days.

Each day is what the AirFit iOS app computes for that date from HealthKit (docs/ios-contract.md § Daily
snapshot), read from the export instead:

- The day of a record is the local date in the record's own UTC offset (the date part of its `startDate`),
  so a trip abroad stays on the dates lived.
- steps, active_calories: the day's sum where samples of different sources that overlap in time count the
  higher-priority source only, as HealthKit's statistics do: Apple Watch above iPhone above other apps
  (each group by name); a lower-priority sample counts for the share of its duration no higher source
  covers. Truncated to whole numbers; above 100,000 steps or 10,000 kcal means no reading.
- weight, body fat, lean mass, resting HR, HRV, VO2 max: the sample with the latest end that starts on the
  day, in lb, percent (the export writes a 0-1 fraction with unit `%`), bpm (truncated), ms, mL/kg/min;
  outside the app's ranges means no reading.
- sleep: the night that ends on the date: asleep samples (core, deep, REM, unspecified; never in-bed or
  awake) that start between 18:00 the evening before and 18:00 on the date, merged across sources (time
  counted once) and summed; 0 or more than 16 h means none. Stage shares and efficiency as the app defines
  them (stages merged per stage, unspecified as core; efficiency = total / time in bed). The app also drops
  samples that end before midnight; this import keeps them, as the app means to.
- nutrition: energy, protein, carbs and fat summed per day (rounded); a record inside a food `Correlation`
  that also appears at top level counts once; meals = food correlations plus energy records outside any.
- workouts: the day's count and minutes, overlapping workouts (two apps recording one session) merged.
- units from each record's `unit`: lb/kg/g/oz/st, Cal/kcal/kJ/cal/J, %, ms, count/min, mL/min·kg; an
  unknown unit, a value that is not a finite number, a negative amount or a date before 1970 or after
  tomorrow skips the record (counted; a hostile file's endless variety of types, units and sources is
  counted in bounded tables).

Reading is streamed through expat in constant memory: per-day results are kept, and the many small step and
energy samples are spilled to one file per month under `work_dir` and resolved a month at a time. The
document type declaration is never used: Apple writes one that iOS 16 broke (expat rejects it), so it is
dropped unread, and a file that declares entities (an entity-expansion bomb, an external entity) is refused.
"""

from __future__ import annotations

import bisect
import math
import re
import zipfile
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from airfit.health.backfill import ImportedDay, ImportedWorkouts
from airfit.health.models import NutritionDay
from airfit.imports.models import ImportRefusedError, ParseStats, SourceKind, SourceSeen

CHUNK = 1 << 20
PROLOG_LIMIT = 4 << 20
"""How far into the file the `<HealthData>` root must start (Apple's type declaration is about 10 KB)."""
SPILL_DOUBLES = 1 << 20
"""Numbers (6 a sample) held in memory, 8 MiB, before every month's are appended to its spill file."""
ZIP_MAGIC = b"PK\x03\x04"
MAX_KEYS = 200
"""Distinct reasons and record types counted one by one; the rest of a hostile file counts as '(others)'."""
MAX_SOURCES = 500
"""Sources told apart; beyond them (no real export comes close) records count as one more app."""
FIRST_DAY = date(1970, 1, 1)
FUTURE_DAYS = 2
"""A record dated after tomorrow, wherever the server is, is out of range (a wrong clock, not history)."""
EXPORT_MEMBER = "export.xml"

# The app's validators (docs/ios-contract.md § Daily snapshot).
STEPS_MAX = 100_000
ACTIVE_KCAL_MAX = 10_000
RANGES: dict[str, tuple[float, float]] = {
    "weight_lbs": (50.0, 700.0),
    "body_fat_pct": (3.0, 60.0),
    "resting_hr": (25.0, 120.0),
    "hrv_ms": (5.0, 300.0),
    # Not validated by the app; bounds outside anything a person shows, so a unit mix-up is not stored.
    "lean_mass_lbs": (20.0, 500.0),
    "vo2_max": (10.0, 100.0),
}
SLEEP_HOURS_MAX = 16.0
NIGHT_SHIFT = 6 * 3600
"""A sleep sample starting at 18:00 or later belongs to the next date's night: the date of its start + 6 h."""

_KG_LB = 2.20462262185
_MASS_LB = {"lb": 1.0, "kg": _KG_LB, "g": _KG_LB / 1000, "oz": 1 / 16, "st": 14.0}
_MASS_G = {"g": 1.0, "mg": 0.001, "kg": 1000.0, "oz": 28.349523125, "lb": 453.59237}
_ENERGY_KCAL = {"kcal": 1.0, "Cal": 1.0, "kJ": 1 / 4.184, "cal": 0.001, "J": 1 / 4184}
_PERCENT = {"%": 100.0}
_BPM = {"count/min": 1.0}
_MS = {"ms": 1.0}
_VO2 = {"mL/min·kg": 1.0, "mL/kg·min": 1.0, "ml/kg/min": 1.0, "mL/(kg·min)": 1.0, "ml/(kg*min)": 1.0}
_COUNT = {"count": 1.0}

_T = "HKQuantityTypeIdentifier"
CUMULATIVE = {
    f"{_T}StepCount": ("steps", _COUNT),
    f"{_T}ActiveEnergyBurned": ("active_calories", _ENERGY_KCAL),
}
LATEST = {
    f"{_T}BodyMass": ("weight_lbs", _MASS_LB),
    f"{_T}BodyFatPercentage": ("body_fat_pct", _PERCENT),
    f"{_T}LeanBodyMass": ("lean_mass_lbs", _MASS_LB),
    f"{_T}RestingHeartRate": ("resting_hr", _BPM),
    f"{_T}HeartRateVariabilitySDNN": ("hrv_ms", _MS),
    f"{_T}VO2Max": ("vo2_max", _VO2),
}
NUTRITION = {
    f"{_T}DietaryEnergyConsumed": ("calories", _ENERGY_KCAL),
    f"{_T}DietaryProtein": ("protein", _MASS_G),
    f"{_T}DietaryCarbohydrates": ("carbs", _MASS_G),
    f"{_T}DietaryFatTotal": ("fat", _MASS_G),
}
SLEEP_TYPE = "HKCategoryTypeIdentifierSleepAnalysis"
FOOD_CORRELATION = "HKCorrelationTypeIdentifierFood"
_S = "HKCategoryValueSleepAnalysis"
SLEEP_STAGES = {
    f"{_S}InBed": "in_bed",
    f"{_S}AsleepUnspecified": "core",
    f"{_S}Asleep": "core",
    f"{_S}AsleepCore": "core",
    f"{_S}AsleepDeep": "deep",
    f"{_S}AsleepREM": "rem",
    f"{_S}Awake": "awake",
}
ASLEEP = ("core", "deep", "rem")
CUMULATIVE_METRICS = ("steps", "active_calories")

# Control characters XML 1.0 forbids; some iOS 16 exports carry them (a vertical tab in a source name).
_CONTROL = bytes(range(32)).translate(None, b"\t\n\r")
_CLEAN = bytes.maketrans(_CONTROL, b" " * len(_CONTROL))
_ROOT = re.compile(rb"<HealthData[\s>/]")
_XML_DECL = re.compile(rb"^\s*(<\?xml[^?]*\?>)")
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_EPOCH = date(1970, 1, 1).toordinal()


# -- opening the file --------------------------------------------------------------------------------------


def _zip_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    members = [m for m in archive.infolist() if m.filename.rsplit("/", 1)[-1] == EXPORT_MEMBER]
    if not members:
        raise ImportRefusedError(
            "the zip holds no export.xml: is it the Health app's 'Export All Health Data' file?"
        )
    # `apple_health_export/export.xml` in the Health app's zip; the shortest path if someone re-zipped it.
    return min(members, key=lambda m: (m.filename.count("/"), m.filename))


@contextmanager
def _opened(path: Path) -> Iterator[tuple[IO[bytes], int]]:
    """The export's XML as a binary stream and its size in bytes (unpacked size for a zip)."""
    with path.open("rb") as raw:
        magic = raw.read(4)
        raw.seek(0)
        if magic == ZIP_MAGIC:
            try:
                with zipfile.ZipFile(raw) as archive:
                    member = _zip_member(archive)
                    with archive.open(member) as stream:
                        yield stream, member.file_size
            except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
                raise ImportRefusedError(f"the zip is damaged or unreadable: {exc}") from exc
            return
        if not magic.lstrip().startswith((b"<", b"\xef\xbb\xbf")):
            raise ImportRefusedError("this is neither a zip nor an XML file: upload export.zip or export.xml")
        yield raw, path.stat().st_size


def _prolog(stream: IO[bytes]) -> tuple[bytes, bytes]:
    """Split off everything before the `<HealthData>` root; returns (XML declaration, the root onwards).

    The prolog holds Apple's document type declaration, which this import never uses: some iOS 16 exports
    carry a broken one that expat refuses, so it is dropped unread. A prolog declaring entities is refused:
    an export declares none, and they are how entity-expansion bombs and external entities work.
    """
    head = b""
    while True:
        chunk = stream.read(CHUNK)
        head += chunk
        if _ENTITY.search(head):
            raise ImportRefusedError(
                "the file declares XML entities (an entity-expansion bomb or an external entity); "
                "a Health export declares none, so it is refused"
            )
        found = _ROOT.search(head)
        if found is not None:
            declaration = _XML_DECL.match(head)
            return (declaration.group(1) if declaration else b""), head[found.start() :]
        if not chunk or len(head) > PROLOG_LIMIT:
            raise ImportRefusedError(
                "no <HealthData> element at the start of the file: this is not a Health app export"
            )


def check(path: Path) -> None:
    """What can be told at once: a zip or XML file whose export starts with a harmless prolog."""
    with _opened(path) as (stream, _size):
        _prolog(stream)


# -- times -------------------------------------------------------------------------------------------------


class _Clock:
    """Reads Apple's `2024-03-01 07:45:12 -0800` timestamps fast (dates and offsets are few and cached)."""

    def __init__(self) -> None:
        self.days: dict[str, int] = {}
        self.offsets: dict[str, int] = {}

    def day_number(self, day: str) -> int:
        number = self.days.get(day)
        if number is None:
            number = self.days[day] = date.fromisoformat(day).toordinal() - _EPOCH
        return number

    def offset(self, text: str) -> int:
        seconds = self.offsets.get(text)
        if seconds is None:
            if len(text) != 5 or text[0] not in "+-" or not text[1:].isdigit():
                raise ValueError(text)
            seconds = (int(text[1:3]) * 3600 + int(text[3:5]) * 60) * (-1 if text[0] == "-" else 1)
            self.offsets[text] = seconds
        return seconds

    def wall(self, stamp: str) -> int:
        """Local wall-clock seconds since 1970-01-01 00:00 in the stamp's own zone."""
        if len(stamp) != 25 or stamp[10] != " " or stamp[19] != " ":
            raise ValueError(stamp)
        return (
            self.day_number(stamp[:10]) * 86400
            + int(stamp[11:13]) * 3600
            + int(stamp[14:16]) * 60
            + int(stamp[17:19])
        )

    def instant(self, stamp: str) -> int:
        """Seconds since the epoch (UTC)."""
        return self.wall(stamp) - self.offset(stamp[20:])


def _zone(offset: str) -> str:
    return f"{offset[:3]}:{offset[3:]}"


# -- overlap rules -----------------------------------------------------------------------------------------


def merged(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The union of intervals as disjoint intervals, sorted."""
    out: list[tuple[float, float]] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _covered(start: float, end: float, union: list[tuple[float, float]], starts: list[float]) -> float:
    """Seconds of [start, end) inside the disjoint sorted `union` (whose starts are `starts`)."""
    total = 0.0
    index = max(bisect.bisect_right(starts, start) - 1, 0)
    while index < len(union):
        low, high = union[index]
        if low >= end:
            break
        overlap = min(end, high) - max(start, low)
        if overlap > 0:
            total += overlap
        index += 1
    return total


def prioritised_sum(
    samples: list[tuple[int, float, float, float]], priority: Callable[[int], tuple[int, str]]
) -> tuple[float, dict[int, float]]:
    """HealthKit's cumulative sum over sources: (total, counted amount per source).

    `samples` are (source, start, end, amount). Sources are taken in priority order; each sample counts for
    the share of its duration that no higher-priority source covers (an instant sample: fully, unless a
    higher source covers that instant). Samples of one source never hide each other.
    """
    by_source: dict[int, list[tuple[float, float, float]]] = defaultdict(list)
    for source, start, end, amount in samples:
        by_source[source].append((start, end, amount))
    union: list[tuple[float, float]] = []
    starts: list[float] = []
    total = 0.0
    counted: dict[int, float] = {}
    for source in sorted(by_source, key=priority):
        own = 0.0
        for start, end, amount in by_source[source]:
            if not union:
                own += amount
            elif end > start:
                own += amount * (1 - _covered(start, end, union, starts) / (end - start))
            elif not any(low <= start < high for low, high in union):
                own += amount
        counted[source] = own
        total += own
        union = merged(union + [(s, e) for s, e, _ in by_source[source] if e > s])
        starts = [low for low, _ in union]
    return total, counted


def _span(intervals: list[tuple[float, float]]) -> float:
    return sum(end - start for start, end in merged(intervals))


# -- reading -----------------------------------------------------------------------------------------------


@dataclass
class _Sleep:
    stage: str
    start: int
    end: int
    wall_start: int
    source: int


@dataclass
class _Reader:
    """Everything kept while reading: per-day results, plus the month spill files of cumulative samples."""

    work_dir: Path
    clock: _Clock = field(default_factory=_Clock)
    sources: dict[str, int] = field(default_factory=dict)
    source_names: list[str] = field(default_factory=list)
    source_kinds: list[SourceKind] = field(default_factory=list)
    source_records: Counter[int] = field(default_factory=Counter)
    records: Counter[str] = field(default_factory=Counter)
    rejected: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    zones: set[str] = field(default_factory=set)
    latest: dict[tuple[str, str], tuple[int, int, float]] = field(default_factory=dict)
    sleep: dict[str, list[_Sleep]] = field(default_factory=lambda: defaultdict(list))
    # Records and meals are known by the hash of what identifies them: a day's few dozen stay small.
    food: dict[str, dict[int, tuple[str, float]]] = field(default_factory=lambda: defaultdict(dict))
    meals: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    in_meals: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    workouts: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    spill: dict[str, array[float]] = field(default_factory=dict)
    spilled: set[str] = field(default_factory=set)
    buffered: int = 0
    meal: int | None = None
    depth: int = 0
    root_seen: bool = False
    last_day: int = field(default_factory=lambda: datetime.now(UTC).date().toordinal() - _EPOCH + FUTURE_DAYS)

    def count(self, counter: Counter[str], key: str) -> None:
        """Count `key`, or '(others)' once MAX_KEYS distinct keys are counted."""
        counter[key if key in counter or len(counter) < MAX_KEYS else "(others)"] += 1

    # -- sources

    def source(self, attrs: dict[str, str]) -> int:
        name = attrs.get("sourceName", "")
        index = self.sources.get(name)
        if index is None and len(self.source_names) >= MAX_SOURCES:
            name, attrs = "(other sources)", {}
            index = self.sources.get(name)
        if index is None:
            index = self.sources[name] = len(self.source_names)
            self.source_names.append(name)
            self.source_kinds.append(_kind(name, attrs.get("device", "")))
        self.source_records[index] += 1
        return index

    def priority(self, index: int) -> tuple[int, str]:
        return (("watch", "phone", "app").index(self.source_kinds[index]), self.source_names[index])

    # -- values

    def amount(self, attrs: dict[str, str], units: dict[str, float], metric: str) -> float | None:
        unit = attrs.get("unit", "")
        factor = units.get(unit)
        if factor is None:
            self.count(self.rejected, f"unknown unit {unit[:20]!r} ({metric})")
            return None
        try:
            value = float(attrs.get("value", ""))
        except ValueError:
            self.count(self.rejected, f"not a number ({metric})")
            return None
        if not math.isfinite(value):
            self.count(self.rejected, f"not a number ({metric})")
            return None
        if value < 0:
            self.count(self.rejected, f"negative ({metric})")
            return None
        return value * factor

    def times(self, attrs: dict[str, str], metric: str) -> tuple[str, int, int] | None:
        start, end = attrs.get("startDate", ""), attrs.get("endDate", "")
        try:
            begin, finish = self.clock.instant(start), self.clock.instant(end)
        except ValueError:
            self.count(self.rejected, f"unreadable date ({metric})")
            return None
        if not FIRST_DAY.toordinal() - _EPOCH <= self.clock.day_number(start[:10]) <= self.last_day:
            self.count(self.rejected, f"date out of range ({metric})")
            return None
        self.zones.add(start[20:])
        return start[:10], begin, max(finish, begin)

    # -- record kinds

    def cumulative(self, attrs: dict[str, str], metric: str, units: dict[str, float]) -> None:
        self.records[metric] += 1
        value = self.amount(attrs, units, metric)
        timed = self.times(attrs, metric) if value is not None else None
        if value is None or timed is None:
            return
        day, start, end = timed
        month = day[:7]
        buffer = self.spill.get(month)
        if buffer is None:
            buffer = self.spill[month] = array("d")
        code = CUMULATIVE_METRICS.index(metric)
        buffer.extend((self.clock.day_number(day), code, self.source(attrs), start, end, value))
        self.buffered += 6
        if self.buffered >= SPILL_DOUBLES:
            self.flush()

    def flush(self) -> None:
        """Append every month's buffered samples to its spill file."""
        for month, buffer in self.spill.items():
            with (self.work_dir / f"{month}.bin").open("ab") as out:
                buffer.tofile(out)
            self.spilled.add(month)
        self.spill.clear()
        self.buffered = 0

    def reading(self, attrs: dict[str, str], metric: str, units: dict[str, float]) -> None:
        self.records[metric] += 1
        value = self.amount(attrs, units, metric)
        timed = self.times(attrs, metric) if value is not None else None
        if value is None or timed is None:
            return
        day, _start, end = timed
        source = self.source(attrs)
        key = (metric, day)
        held = self.latest.get(key)
        if (
            held is None
            or end > held[0]
            or (end == held[0] and self.priority(source) < self.priority(held[1]))
        ):
            self.latest[key] = (end, source, value)

    def sleep_sample(self, attrs: dict[str, str]) -> None:
        self.records["sleep"] += 1
        stage = SLEEP_STAGES.get(attrs.get("value", ""))
        if stage is None:
            self.count(self.rejected, "unknown sleep value (sleep)")
            return
        timed = self.times(attrs, "sleep")
        if timed is None:
            return
        _day, start, end = timed
        wall = self.clock.wall(attrs["startDate"])
        night = date.fromordinal((wall + NIGHT_SHIFT) // 86400 + _EPOCH).isoformat()
        self.sleep[night].append(_Sleep(stage, start, end, wall, self.source(attrs)))

    def nutrient(self, attrs: dict[str, str], name: str, units: dict[str, float]) -> None:
        self.records["nutrition"] += 1
        value = self.amount(attrs, units, "nutrition")
        timed = self.times(attrs, "nutrition") if value is not None else None
        if value is None or timed is None:
            return
        day = timed[0]
        key = hash(
            (
                name,
                attrs.get("sourceName", ""),
                attrs["startDate"],
                attrs["endDate"],
                attrs.get("value", ""),
                attrs.get("unit", ""),
            )
        )
        if key not in self.food[day]:
            self.source(attrs)
        self.food[day][key] = (name, value)
        if self.meal is not None and name == "calories":
            self.in_meals[day].add(key)

    def workout(self, attrs: dict[str, str]) -> None:
        self.records["workouts"] += 1
        timed = self.times(attrs, "workouts")
        if timed is None:
            return
        day, start, end = timed
        self.source(attrs)
        self.workouts[day].append((float(start), float(end)))

    # -- expat callbacks

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "Record":
            kind = attrs.get("type", "")
            target = CUMULATIVE.get(kind)
            if target is not None:
                self.cumulative(attrs, *target)
                return
            target = LATEST.get(kind)
            if target is not None:
                self.reading(attrs, *target)
                return
            if kind == SLEEP_TYPE:
                self.sleep_sample(attrs)
                return
            target = NUTRITION.get(kind)
            if target is not None:
                self.nutrient(attrs, *target)
                return
            self.count(self.skipped, kind)
        elif name == "Correlation":
            self.depth += 1
            if attrs.get("type") == FOOD_CORRELATION:
                stamp = attrs.get("startDate", "")
                self.meal = hash((attrs.get("sourceName", ""), stamp, attrs.get("endDate", "")))
                if len(stamp) >= 10:
                    self.meals[stamp[:10]].add(self.meal)
            else:
                self.count(self.skipped, attrs.get("type", "Correlation"))
        elif name == "Workout":
            self.workout(attrs)
        elif not self.root_seen:
            if name != "HealthData":
                raise ImportRefusedError(f"the root element is <{name}>: this is not a Health export")
            self.root_seen = True
        elif name in ("ActivitySummary", "ClinicalRecord", "Audiogram", "VisionPrescription"):
            self.count(self.skipped, name)

    def end(self, name: str) -> None:
        if name == "Correlation":
            self.depth -= 1
            if self.depth == 0:
                self.meal = None


def _kind(name: str, device: str) -> SourceKind:
    if "model:Watch" in device or "Watch" in name:
        return "watch"
    if "model:iPhone" in device or "iPhone" in name:
        return "phone"
    return "app"


def _refuse_entities(*_args: Any) -> None:
    raise ImportRefusedError("the file declares XML entities; a Health export declares none: refused")


def _external(*_args: Any) -> int:
    raise ImportRefusedError("the file refers to an external entity; it is refused")


def _expat(reader: _Reader) -> Any:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    # Defence in depth: the prolog (and any type declaration) never reaches expat, but should an entity
    # declaration or an external reference ever do, it is refused rather than expanded or fetched.
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _refuse_entities
    parser.UnparsedEntityDeclHandler = _refuse_entities
    parser.ExternalEntityRefHandler = _external
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    return parser


def _read(reader: _Reader, path: Path, progress: Callable[[float], None]) -> None:
    with _opened(path) as (stream, size):
        declaration, body = _prolog(stream)
        parser = _expat(reader)
        done = len(body)
        ending = False
        try:
            parser.Parse(declaration, False)
            parser.Parse(body.translate(_CLEAN), False)
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk.translate(_CLEAN), False)
                done += len(chunk)
                progress(min(done / size, 1.0) if size else 0.0)
            ending = True
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            where = f"line {exc.lineno}"
            if ending:
                raise ImportRefusedError(f"the file ends early ({where}): it is truncated") from exc
            if exc.code == expat.errors.codes[expat.errors.XML_ERROR_UNDEFINED_ENTITY]:
                raise ImportRefusedError(f"the file uses an undeclared entity ({where}); refused") from exc
            message = expat.errors.messages[exc.code]
            raise ImportRefusedError(f"the file is damaged at {where}: {message}") from exc
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
            raise ImportRefusedError(f"the zip is damaged: {exc}") from exc
        reader.flush()


# -- days --------------------------------------------------------------------------------------------------


@dataclass
class _Days:
    """The per-day results as they are resolved, and what the report says about them."""

    days: dict[str, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))
    winners: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    out_of_range: Counter[str] = field(default_factory=Counter)

    def put(self, day: str, metric: str, value: Any, winner: int | None) -> None:
        self.days[day][metric] = value
        if winner is not None:
            self.winners[metric][winner] += 1


def _cumulative_days(reader: _Reader, out: _Days) -> None:
    limits = {"steps": STEPS_MAX, "active_calories": ACTIVE_KCAL_MAX}
    for month in sorted(reader.spilled):
        values = array("d")
        spill = reader.work_dir / f"{month}.bin"
        with spill.open("rb") as handle:
            values.frombytes(handle.read())
        spill.unlink()
        groups: dict[tuple[int, int], list[tuple[int, float, float, float]]] = defaultdict(list)
        for i in range(0, len(values), 6):
            number, code, source, start, end, amount = values[i : i + 6]
            groups[(int(number), int(code))].append((int(source), start, end, amount))
        for (day_number, code), samples in groups.items():
            metric = CUMULATIVE_METRICS[code]
            total, counted = prioritised_sum(samples, reader.priority)
            whole = int(total)
            day = date.fromordinal(day_number + _EPOCH).isoformat()
            if whole > limits[metric]:
                out.out_of_range[metric] += 1
            elif whole > 0:
                out.put(day, metric, whole, max(counted, key=lambda s: counted[s]))


def _reading_days(reader: _Reader, out: _Days) -> None:
    for (metric, day), (_end, source, value) in reader.latest.items():
        if metric == "resting_hr":
            value = int(value)
        low, high = RANGES[metric]
        if low <= value <= high:
            out.put(day, metric, value, source)
        else:
            out.out_of_range[metric] += 1


def _night(samples: list[_Sleep]) -> dict[str, Any] | None:
    by_stage: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for sample in samples:
        by_stage[sample.stage].append((float(sample.start), float(sample.end)))
    asleep = [interval for stage in ASLEEP for interval in by_stage[stage]]
    hours = _span(asleep) / 3600
    if not 0 < hours <= SLEEP_HOURS_MAX:
        return None
    stage_hours = {stage: _span(by_stage[stage]) / 3600 for stage in ASLEEP}
    total = sum(stage_hours.values())
    awake = _span(by_stage["awake"]) / 3600
    if by_stage["in_bed"]:
        in_bed = _span(by_stage["in_bed"]) / 3600
    else:
        spanned = asleep + by_stage["awake"]
        in_bed = (max(e for _, e in spanned) - min(s for s, _ in spanned)) / 3600
    in_bed = max(in_bed, total + awake)
    return {
        "sleep_hours": hours,
        "sleep_efficiency": total / in_bed,
        "sleep_deep_pct": stage_hours["deep"] / total,
        "sleep_core_pct": stage_hours["core"] / total,
        "sleep_rem_pct": stage_hours["rem"] / total,
    }


def _sleep_days(reader: _Reader, out: _Days) -> None:
    for night, samples in reader.sleep.items():
        figures = _night(samples)
        if figures is None:
            if any(s.stage in ASLEEP for s in samples):
                out.out_of_range["sleep"] += 1
            continue
        midnight = reader.clock.day_number(night) * 86400
        onset = min(s.wall_start for s in samples if s.stage != "awake")
        figures["sleep_onset_minutes"] = int((onset - midnight) / 60)
        contributed = Counter(s.source for s in samples if s.stage in ASLEEP)
        out.put(night, "sleep", figures, contributed.most_common(1)[0][0])


def _nutrition_days(reader: _Reader, out: _Days) -> None:
    for day, records in reader.food.items():
        totals: dict[str, float] = defaultdict(float)
        for name, value in records.values():
            totals[name] += value
        loose = sum(
            1 for key, (name, _) in records.items() if name == "calories" and key not in reader.in_meals[day]
        )
        # Rounded, not truncated: 500 kcal written in kJ reads back as 499.9999.
        nutrition = NutritionDay(
            calories=round(totals["calories"]),
            protein=round(totals["protein"]),
            carbs=round(totals["carbs"]),
            fat=round(totals["fat"]),
            entry_count=len(reader.meals[day]) + loose,
        )
        if any((nutrition.calories, nutrition.protein, nutrition.carbs, nutrition.fat)):
            out.put(day, "nutrition", nutrition, None)


def _workout_days(reader: _Reader, out: _Days) -> None:
    for day, intervals in reader.workouts.items():
        sessions = merged(intervals)
        minutes = int(sum(end - start for start, end in sessions) / 60)
        out.put(day, "workouts", ImportedWorkouts(count=len(sessions), minutes=minutes), None)


def _imported(day: str, values: dict[str, Any]) -> ImportedDay:
    fields = {k: v for k, v in values.items() if k not in ("sleep", "nutrition", "workouts")}
    return ImportedDay(
        date=day,
        **fields,
        **values.get("sleep", {}),
        nutrition=values.get("nutrition"),
        workouts=values.get("workouts"),
    )


def parse(
    path: Path, work_dir: Path, progress: Callable[[float], None]
) -> tuple[list[ImportedDay], ParseStats]:
    """Read a whole export into days, oldest first (blocking); raises ImportRefusedError with the reason."""
    reader = _Reader(work_dir=work_dir)
    _read(reader, path, progress)
    out = _Days()
    _cumulative_days(reader, out)
    _reading_days(reader, out)
    _sleep_days(reader, out)
    _nutrition_days(reader, out)
    _workout_days(reader, out)
    days = [_imported(day, values) for day, values in sorted(out.days.items())]
    metric_days: Counter[str] = Counter()
    for values in out.days.values():
        metric_days.update(values.keys())
    stats = ParseStats(
        first_date=days[0].date if days else None,
        last_date=days[-1].date if days else None,
        days=len(days),
        records=dict(sorted(reader.records.items())),
        metric_days=dict(sorted(metric_days.items())),
        out_of_range=dict(sorted(out.out_of_range.items())),
        rejected=dict(sorted(reader.rejected.items())),
        skipped=dict(reader.skipped.most_common()),
        sources=[
            SourceSeen(name=name, kind=reader.source_kinds[i], records=reader.source_records[i])
            for i, name in sorted(enumerate(reader.source_names), key=lambda item: reader.priority(item[0]))
        ],
        winners={
            metric: {reader.source_names[s]: n for s, n in counts.most_common()}
            for metric, counts in sorted(out.winners.items())
        },
        zones=sorted(_zone(z) for z in reader.zones),
    )
    progress(1.0)
    return days, stats
