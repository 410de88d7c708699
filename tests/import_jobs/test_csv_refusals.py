"""Bad CSV files are a 400 that names the row and column (or says what was expected), and change nothing.

Every case is checked the same way: the upload's answer, then no job, no stored document, no scratch file.
BOM and UTF-16 files are not bad: they import like plain UTF-8.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from airfit.demo.csv_exports import write_hevy_csv, write_nutrition_csv, write_scale_csv, write_strong_csv
from tests.fakes.hevy import generated_workouts
from tests.import_jobs.jobs import imported, upload
from tests.live import LiveServer

TODAY = datetime.now(UTC).date()
HEVY_HEADER = (
    "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,set_index,set_type,"
    "weight_kg,reps,distance_km,duration_seconds,rpe\n"
)
HEVY_ROW = (
    '"Push Day","26 Jul 2025, 07:06","26 Jul 2025, 08:01",,"Bench Press (Barbell)",,,0,normal,{w},{r},,,\n'
)
SCALE_HEADER = "Date,Weight (kg),Fat (%)\n"


def _refused(server: LiveServer, data_dir: Path, path: Path, source: str, **params: str) -> str:
    with server.client("david") as david:
        answer = upload(david, path, source, **params)
        assert answer.status_code == 400, answer.text
        assert david.get("/imports").json() == {"jobs": []}
    assert not (data_dir / "david" / "context_store.json").exists()
    assert not (data_dir / "david" / "hevy_workouts.json").exists()
    scratch = data_dir / ".scratch" / "david"
    assert not scratch.exists() or list(scratch.iterdir()) == []
    detail: str = answer.json()["detail"]
    return detail


def _file(tmp_path: Path, text: str | bytes, name: str = "file.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


@pytest.mark.parametrize("source", ["hevy-csv", "strong-csv", "weight-csv", "nutrition-csv"])
def test_an_empty_file(server: LiveServer, data_dir: Path, tmp_path: Path, source: str) -> None:
    for content in (b"", b"\xef\xbb\xbf", b"\n\n"):
        detail = _refused(server, data_dir, _file(tmp_path, content), source)
        assert detail == "the file is empty: export it again from the app"


@pytest.mark.parametrize(
    ("source", "header"),
    [
        ("hevy-csv", HEVY_HEADER),
        ("weight-csv", SCALE_HEADER),
        ("nutrition-csv", "Date,Meal,Calories,Fat (g),Carbohydrates (g),Protein (g)\n"),
        ("strong-csv", "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps\n"),
    ],
)
def test_a_header_and_nothing_else(
    server: LiveServer, data_dir: Path, tmp_path: Path, source: str, header: str
) -> None:
    detail = _refused(server, data_dir, _file(tmp_path, header), source, unit="kg")
    assert detail.startswith("row 2: the file has a header and no ")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("hevy-csv", "Hevy's workout export columns (title, start_time, exercise_title"),
        ("strong-csv", "Strong's export columns (Date, Workout Name, Duration"),
        ("weight-csv", "a date column and Weight (kg) / Weight (lb) / weight_kg"),
        ("nutrition-csv", "MyFitnessPal's Nutrition export (Date, Meal, Calories"),
    ],
)
def test_an_unknown_header_says_what_was_expected(
    server: LiveServer, data_dir: Path, tmp_path: Path, source: str, expected: str
) -> None:
    path = _file(tmp_path, "Name;Amount;When\nrent;800;2025-01-01\n")
    detail = _refused(server, data_dir, path, source)
    assert detail.startswith(f"unknown header: expected {expected}")
    assert detail.endswith("the file's columns are: Name, Amount, When")


def test_a_row_with_too_few_fields(server: LiveServer, data_dir: Path, tmp_path: Path) -> None:
    text = (
        HEVY_HEADER
        + HEVY_ROW.format(w=80, r=5)
        + '"Push Day","26 Jul 2025, 07:06",,,"Bench Press (Barbell)",,,1\n'
    )
    detail = _refused(server, data_dir, _file(tmp_path, text), "hevy-csv")
    assert detail == "row 3, column 'set_type': the row has 8 fields where the header has 14"


@pytest.mark.parametrize(
    ("text", "source", "params", "detail"),
    [
        (
            HEVY_HEADER + HEVY_ROW.format(w=-80, r=5),
            "hevy-csv",
            {},
            "row 2, column 'weight_kg': weight cannot be negative (-80)",
        ),
        (
            HEVY_HEADER + HEVY_ROW.format(w=8000, r=5),
            "hevy-csv",
            {},
            "row 2, column 'weight_kg': 8000 is not a possible weight",
        ),
        (
            HEVY_HEADER + HEVY_ROW.format(w=80, r=5.5),
            "hevy-csv",
            {},
            "row 2, column 'reps': 5.5 is not a whole number",
        ),
        (
            HEVY_HEADER + HEVY_ROW.format(w="eighty", r=5),
            "hevy-csv",
            {},
            "row 2, column 'weight_kg': 'eighty' is not a number",
        ),
        (
            SCALE_HEADER + "2025-03-01 07:00,80,18\n2025-03-02 07:00,800,18\n",
            "weight-csv",
            {},
            "row 3, column 'Weight (kg)': 1763.7 lb is outside what a body shows (50-700 lb)",
        ),
        (
            SCALE_HEADER + "2025-03-01 07:00,80,-3\n",
            "weight-csv",
            {},
            "row 2, column 'Fat (%)': a negative value (-3)",
        ),
        (
            SCALE_HEADER + "2025-03-01 07:00,80,0.18\n",
            "weight-csv",
            {},
            "row 2, column 'Fat (%)': 0.2% is outside what a body shows (3-60%)",
        ),
        (
            "Date,Meal,Calories,Fat (g),Carbohydrates (g),Protein (g)\n2025-03-01,Lunch,650,20,80,-5\n",
            "nutrition-csv",
            {},
            "row 2, column 'Protein (g)': a negative value (-5)",
        ),
        (
            "Date,Energy (kcal),Carbs (g),Fat (g),Protein (g)\n2025-03-01,95000,200,70,150\n",
            "nutrition-csv",
            {},
            "row 2, column 'Energy (kcal)': 95,000 is more than a day's eating",
        ),
        (
            "Date,Energy (kcal),Carbs (g),Fat (g),Protein (g)\n"
            "2025-03-01,2000,200,70,150\n2025-03-01,2100,200,70,150\n",
            "nutrition-csv",
            {},
            "row 3, column 'Date': 2025-03-01 is also on row 2: one row per day",
        ),
        (
            SCALE_HEADER + "2099-03-01 07:00,80,18\n",
            "weight-csv",
            {},
            "row 2, column 'Date': 2099-03-01 is not a date of recorded history",
        ),
        (
            SCALE_HEADER + "yesterday,80,18\n",
            "weight-csv",
            {},
            "row 2, column 'Date': 'yesterday' is not a date this import reads",
        ),
        (
            "Date,Weight (kg),Weight (lb)\n2025-03-01,80,176\n",
            "weight-csv",
            {"unit": "lb"},
            "mixed units: --unit lb but the header says 'Weight (kg)'",
        ),
        (
            "date,weight\n2025-03-01,80 kg\n2025-03-02,176 lb\n",
            "weight-csv",
            {},
            "row 3, column 'weight': mixed units: '176 lb' in a column of kg",
        ),
        (
            "date,weight\n2025-03-01,80\n",
            "weight-csv",
            {},
            "row 2, column 'weight': neither the header nor the value says kg or lb: "
            "give --unit kg or --unit lb",
        ),
        (
            HEVY_HEADER.replace("weight_kg", "weight_kg,weight_lbs") + HEVY_ROW.format(w="80,176", r=5),
            "hevy-csv",
            {},
            "mixed units: the header has both weight_kg and weight_lbs",
        ),
        (
            HEVY_HEADER + HEVY_ROW.format(w=80, r=5),
            "hevy-csv",
            {"unit": "lb"},
            "mixed units: --unit lb but the header names weight_kg",
        ),
    ],
)
def test_a_value_no_export_holds_or_units_that_are_mixed_or_unknown(
    server: LiveServer,
    data_dir: Path,
    tmp_path: Path,
    text: str,
    source: str,
    params: dict[str, str],
    detail: str,
) -> None:
    assert _refused(server, data_dir, _file(tmp_path, text), source, **params).startswith(detail)


def test_strong_weights_in_units_the_file_contradicts(
    server: LiveServer, data_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "strong.csv"
    write_strong_csv(path, generated_workouts(2, seed=3), zone=UTC, unit="kg", unit_column=True)
    detail = _refused(server, data_dir, path, "strong-csv", unit="lb")
    assert detail.startswith("row 2, column 'Weight Unit': mixed units: kg but --unit lb")
    with server.client("david") as david:
        assert imported(david, path, "strong-csv")["status"] == "done"  # the column says it: no --unit needed


def test_an_ambiguous_date_order_is_refused_naming_date_format(
    server: LiveServer, data_dir: Path, tmp_path: Path
) -> None:
    # Every day of the file is 12 or less: 03/04/2025 is the 3rd of April or the 4th of March.
    text = SCALE_HEADER + "03/04/2025 07:00,80,18\n04/04/2025 07:00,80.2,18\n12/03/2025 07:00,80.4,18\n"
    path = _file(tmp_path, text)
    detail = _refused(server, data_dir, path, "weight-csv")
    assert detail == (
        "row 2, column 'Date': dates like '03/04/2025 07:00' read as DD/MM/YYYY or as MM/DD/YYYY, and "
        "nothing in the file tells which: give --date-format DD/MM/YYYY or --date-format MM/DD/YYYY (the "
        "date_format parameter over HTTP)"
    )
    with server.client("david") as david:
        job = imported(david, path, "weight-csv", date_format="DD/MM/YYYY")
        assert job["status"] == "done"
        assert job["date_format"] == "DD/MM/YYYY"
        assert "dates read as DD/MM/YYYY" in job["report"]["parsed"]["notes"]
        assert david.get("/log", params={"date": "2025-04-03"}).json()["weight_lbs"] is not None
        assert david.get("/log", params={"date": "2025-03-12"}).json()["weight_lbs"] is not None
    # One date past the 12th settles the order, and the report says which it took.
    settled = _file(tmp_path, text + "25/03/2025 07:00,80.6,18\n", "settled.csv")
    with server.client("jonathan") as jonathan:
        notes = imported(jonathan, settled, "weight-csv")["report"]["parsed"]["notes"]
    assert "dates read as DD/MM/YYYY" in notes


def test_a_date_format_the_dates_do_not_match(server: LiveServer, data_dir: Path, tmp_path: Path) -> None:
    path = _file(tmp_path, SCALE_HEADER + "2025-03-01 07:00,80,18\n")
    detail = _refused(server, data_dir, path, "weight-csv", date_format="DD/MM/YYYY")
    assert detail == "row 2, column 'Date': '2025-03-01 07:00' does not match --date-format DD/MM/YYYY"
    unknown = _refused(server, data_dir, path, "weight-csv", date_format="dd-mm-yy")
    assert unknown.startswith("unknown date format 'dd-mm-yy': use one of YYYY-MM-DD, DD/MM/YYYY")


def test_one_line_of_50_mb_is_refused_at_once(
    live_server: LiveServer, data_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "huge.csv"
    with path.open("w") as out:
        out.write("Date,Weight (kg)," + "x" * (50 * 1024 * 1024))
    detail = _refused(live_server, data_dir, path, "weight-csv")
    assert detail == "row 1: a line longer than 65,536 characters: this is no export"
    later = tmp_path / "later.csv"
    later.write_text(SCALE_HEADER + "2025-03-01 07:00,80,18\n" + "9" * (1024 * 1024) + "\n")
    detail = _refused(live_server, data_dir, later, "weight-csv")
    assert detail == "row 3: a line longer than 65,536 characters: this is no export"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_bom_or_utf_16_file_imports_like_utf_8(server: LiveServer, tmp_path: Path, encoding: str) -> None:
    plain, marked = tmp_path / "plain.csv", tmp_path / "marked.csv"
    truth = write_scale_csv(plain, days=20, end=TODAY)
    assert write_scale_csv(marked, days=20, end=TODAY, encoding=encoding) == truth  # type: ignore[arg-type]
    assert marked.read_bytes() != plain.read_bytes()
    with server.client("david") as david, server.client("jonathan") as jonathan:
        job = imported(david, marked, "weight-csv")
        assert job["status"] == "done", job
        assert (
            job["report"]["parsed"]["notes"][0]
            == f"{'UTF-8' if encoding == 'utf-8-sig' else 'UTF-16'} text, comma-separated"
        )
        assert imported(jonathan, plain, "weight-csv")["report"]["days_added"] == job["report"]["days_added"]
        days = {"days": 20}
        assert (
            david.get("/health/body-metrics", params=days).json()
            == jonathan.get("/health/body-metrics", params=days).json()
        )


def test_utf_16_without_a_mark_and_semicolons_with_decimal_commas(server: LiveServer, tmp_path: Path) -> None:
    path = tmp_path / "scale.csv"
    truth = write_scale_csv(path, days=20, end=TODAY, delimiter=";", decimal_comma=True)
    path.write_bytes(path.read_text().encode("utf-16-le"))
    with server.client("david") as david:
        job = imported(david, path, "weight-csv")
        assert job["report"]["parsed"]["notes"][0] == "UTF-16 LE text, semicolon-separated"
        last = max(truth)
        shown = david.get("/log", params={"date": last}).json()["weight_lbs"]
    assert shown == pytest.approx(truth[last].weight_lbs, abs=0.011)


def test_every_source_refuses_text_that_is_not_csv(
    server: LiveServer, data_dir: Path, tmp_path: Path
) -> None:
    binary = _file(tmp_path, bytes(range(128, 256)) * 40)
    for source in ("hevy-csv", "strong-csv", "weight-csv", "nutrition-csv"):
        assert _refused(server, data_dir, binary, source).startswith("row 1: the text is not UTF-8")


def test_files_of_every_kind_are_read_at_upload(server: LiveServer, tmp_path: Path) -> None:
    # The kinds' own generators, each with a damaged last row: the upload itself is refused.
    files = {
        "hevy-csv": tmp_path / "h.csv",
        "strong-csv": tmp_path / "s.csv",
        "weight-csv": tmp_path / "w.csv",
        "nutrition-csv": tmp_path / "n.csv",
    }
    workouts = generated_workouts(2, seed=2)
    write_hevy_csv(files["hevy-csv"], workouts, zone=ZoneInfo("UTC"))
    write_strong_csv(files["strong-csv"], workouts, zone=UTC)
    write_scale_csv(files["weight-csv"], days=10, end=TODAY - timedelta(days=1))
    write_nutrition_csv(files["nutrition-csv"], days=10, end=TODAY)
    with server.client("david") as david:
        for source, path in files.items():
            text = path.read_text()
            records = list(csv.reader(io.StringIO(text)))
            path.write_text(text + ",".join(records[-1][:3]) + "\n")
            answer = upload(david, path, source, unit="kg")
            assert answer.status_code == 400, (source, answer.text)
            assert answer.json()["detail"].startswith(f"row {len(records) + 1}, column "), answer.text
