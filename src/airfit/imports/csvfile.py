"""Reading the CSV files other apps export: the parts every CSV importer shares.

- Encoding: UTF-8 (with or without a byte-order mark) or UTF-16 (with a mark, or told by its zero bytes).
- Dialect: the header line is sniffed (`csv.Sniffer`) among comma, semicolon and tab, and the delimiter
  that yields the most columns the importer knows wins, so a header that sniffs oddly is still read.
- Lines are read at most `LINE_LIMIT` characters at a time: a file that is one 50 MB line is refused as soon
  as its first `LINE_LIMIT` characters are read, never gathered into memory (a quoted field spanning lines is
  bounded by the `csv` module's own field limit).
- Numbers: a decimal comma is read in a semicolon or tab file, and in a comma file where quoted
  (`"80,5"`); thousands separators (`1,234.5`, `1.234,5`) are dropped.
- Dates are never guessed: `Stamps` gathers a column's distinct texts and reads them all in one order
  (year-month-day, day/month/year, month/day/year, `26 Jul 2025`, `Jul 26, 2025`), or in the one
  `--date-format` names. A file whose every date reads in two orders to different days (`03/04/2025`
  throughout) is refused with a message naming `--date-format`. Times carry no zone in these exports: they
  are read as wall-clock times in the user's time zone, which the report says.

Every refusal names the row (the spreadsheet's row number: the header is row 1) and the column.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import IO

from airfit.imports.models import ImportRefusedError
from airfit.units import KG_PER_LB

LINE_LIMIT = 64 * 1024
"""Characters in one line of a CSV file; no export writes lines anywhere near this long."""
MAX_ROWS = 1_000_000
"""Rows in one file: decades of daily logging; more is not an export of one person."""
PROGRESS_ROWS = 20_000
DELIMITERS = ",;\t"
HEAD_BYTES = 4096
LB_PER_KG = 1 / KG_PER_LB


def refuse(row: int, column: str | None, problem: str) -> ImportRefusedError:
    """A refusal naming where in the file the problem is."""
    where = f"row {row}" + (f", column {column!r}" if column else "")
    return ImportRefusedError(f"{where}: {problem}")


def normalized(name: str) -> str:
    """A header name compared loosely: lower case, spaces collapsed, no byte-order mark or quotes."""
    return " ".join(name.replace("\ufeff", "").strip().strip('"').lower().split())


# -- encoding ----------------------------------------------------------------------------------------------


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # UTF-16 without a mark: ASCII text has a zero byte beside every character.
    pairs = head[: len(head) // 2 * 2]
    if pairs and pairs[1::2].count(0) > len(pairs) // 4 and pairs[0::2].count(0) == 0:
        return "utf-16-le"
    if pairs and pairs[0::2].count(0) > len(pairs) // 4 and pairs[1::2].count(0) == 0:
        return "utf-16-be"
    return "utf-8"


# -- the table ---------------------------------------------------------------------------------------------


@dataclass
class Table:
    """An open CSV file: its header, dialect and rows."""

    stream: IO[str]
    raw: IO[bytes]
    size: int
    encoding: str
    delimiter: str
    header: list[str]
    lines: Iterator[str] = field(repr=False)
    index: dict[str, int] = field(default_factory=dict)
    """Normalized header name -> position (the first, should a name repeat)."""

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stream.close()

    def describe(self) -> str:
        """The encoding and delimiter, as the report says them."""
        names = {",": "comma", ";": "semicolon", "\t": "tab"}
        return f"{self.encoding} text, {names.get(self.delimiter, repr(self.delimiter))}-separated"

    def column(self, *names: str) -> int | None:
        """The position of the first of `names` (normalized) the header has."""
        for name in names:
            found = self.index.get(name)
            if found is not None:
                return found
        return None

    @property
    def decimal_comma(self) -> bool:
        """Whether an unquoted number may have a decimal comma (never in a comma-separated file)."""
        return self.delimiter != ","

    def rows(self, progress: Callable[[float], None] | None = None) -> Iterator[tuple[int, list[str]]]:
        """(row number, fields) of every non-blank row after the header; refuses a row with fewer fields
        than the header, or with more that are not empty."""
        reader = csv.reader(self.lines, delimiter=self.delimiter)
        width = len(self.header)
        row = 1
        try:
            for fields in reader:
                row += 1
                if not fields or (len(fields) == 1 and not fields[0].strip()):
                    continue
                if row > MAX_ROWS + 1:
                    raise refuse(row, None, f"the file has more than {MAX_ROWS:,} rows; split it")
                if len(fields) < width:
                    raise refuse(
                        row,
                        self.header[len(fields)],
                        f"the row has {len(fields)} fields where the header has {width}",
                    )
                if len(fields) > width:
                    if any(extra.strip() for extra in fields[width:]):
                        raise refuse(
                            row, None, f"the row has {len(fields)} fields where the header has {width}"
                        )
                    del fields[width:]
                if progress is not None and row % PROGRESS_ROWS == 0:
                    progress(min(self.raw.tell() / self.size, 1.0) if self.size else 0.0)
                yield row, fields
        except csv.Error as exc:
            raise refuse(row + 1, None, f"the row cannot be read as CSV ({exc})") from exc
        except UnicodeDecodeError as exc:
            raise refuse(row + 1, None, f"the text is not {self.encoding}") from exc


def _shown(encoding: str) -> str:
    return encoding.removesuffix("-sig").upper().replace("UTF-16-", "UTF-16 ")


def _bounded_lines(stream: IO[str], first_line: int = 1) -> Iterator[str]:
    number = first_line
    while True:
        line = stream.readline(LINE_LIMIT + 1)
        if not line:
            return
        if len(line) > LINE_LIMIT and not line.endswith(("\n", "\r")):
            raise refuse(number, None, f"a line longer than {LINE_LIMIT:,} characters: this is no export")
        number += 1
        yield line


def _header_fields(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def open_table(path: Path, known: Callable[[list[str]], int]) -> Table:
    """Open a CSV file and read its header: `known(normalized names)` counts the columns the importer
    reads, and decides the delimiter among the sniffed one and the usual ones. The caller closes
    `table.stream` (the table is a context manager). Refuses an empty file; a file with a header and no rows
    is the caller's to refuse (it sees no rows)."""
    raw = path.open("rb")
    try:
        head = raw.read(HEAD_BYTES)
        raw.seek(0)
        encoding = _encoding(head)
        stream = io.TextIOWrapper(raw, encoding=encoding, newline="")
        lines = _bounded_lines(stream)
        try:
            first = next(lines, "")
        except UnicodeDecodeError as exc:
            raise refuse(1, None, f"the text is not {_shown(encoding)}: is this a CSV export?") from exc
        if not first.strip():
            raise ImportRefusedError("the file is empty: export it again from the app")
        candidates = list(DELIMITERS)
        try:
            sniffed = csv.Sniffer().sniff(first, delimiters=DELIMITERS).delimiter
            candidates.insert(0, sniffed)
        except csv.Error:
            pass  # one column, or nothing to tell: the usual delimiters are tried
        delimiter = max(candidates, key=lambda d: known([normalized(n) for n in _header_fields(first, d)]))
        header = [name.replace("\ufeff", "").strip() for name in _header_fields(first, delimiter)]
        index: dict[str, int] = {}
        for position, name in enumerate(header):
            index.setdefault(normalized(name), position)
        return Table(
            stream=stream,
            raw=raw,
            size=path.stat().st_size,
            encoding=_shown(encoding),
            delimiter=delimiter,
            header=header,
            lines=lines,
            index=index,
        )
    except BaseException:
        raw.close()
        raise


def unexpected_header(table: Table, expected: str) -> ImportRefusedError:
    """The refusal for a header this importer does not read."""
    found = ", ".join(table.header[:12]) + (" ..." if len(table.header) > 12 else "")
    return ImportRefusedError(
        f"unknown header: expected {expected}; the file's columns are: {found or 'none'}"
    )


# -- numbers -----------------------------------------------------------------------------------------------

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_UNIT_SUFFIX = re.compile(r"^(?P<number>[^a-zA-Z%]+?)\s*(?P<unit>kg|kgs|lb|lbs|%|g|kcal)?$")


def number(text: str, row: int, column: str, *, decimal_comma: bool) -> float | None:
    """A number as the file writes it; None for an empty field. Refuses text that is no number."""
    value = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not value or value in ("-", "--"):
        return None
    if "," in value and "." in value:
        # Both: the rightmost is the decimal separator, the other groups thousands.
        if value.rfind(",") > value.rfind("."):
            value = value.replace(".", "").replace(",", ".")
        else:
            value = value.replace(",", "")
    elif "," in value:
        value = (
            value.replace(",", "")
            if not decimal_comma and _THOUSANDS.match(value)
            else value.replace(",", ".")
        )
    try:
        result = float(value)
    except ValueError:
        raise refuse(row, column, f"{text.strip()[:40]!r} is not a number") from None
    if not math.isfinite(result):
        raise refuse(row, column, f"{text.strip()[:40]!r} is not a number")
    return result


def split_unit(text: str) -> tuple[str, str | None]:
    """`"80.5 kg"` -> (`"80.5"`, `"kg"`); text without a unit suffix comes back whole."""
    match = _UNIT_SUFFIX.match(text.strip())
    if match is None or match.group("unit") is None:
        return text, None
    return match.group("number"), match.group("unit").lower()


def unit_of(name: str) -> str | None:
    """The mass unit a header names: `Weight (kg)`, `weight_kg`, `Weight(lbs)` ... -> "kg" or "lb"."""
    lowered = normalized(name)
    if re.search(r"(\(|_|\s|\b)(kgs?|kilograms?)\)?$", lowered):
        return "kg"
    if re.search(r"(\(|_|\s|\b)(lbs?|pounds?)\)?$", lowered):
        return "lb"
    return None


def header_unit(header: str, option: str | None) -> str | None:
    """The mass unit `header` names (see `unit_of`); refuses a `--unit` that contradicts it."""
    named = unit_of(header)
    if named is not None and option is not None and named != option:
        raise ImportRefusedError(f"mixed units: --unit {option} but the header says {header!r}")
    return named


# -- dates -------------------------------------------------------------------------------------------------

_TIMES = (
    "",
    " %H:%M",
    " %H:%M:%S",
    ", %H:%M",
    ", %H:%M:%S",
    " %I:%M %p",
    " %I:%M:%S %p",
    ", %I:%M %p",
    ", %I:%M:%S %p",
    "T%H:%M",
    "T%H:%M:%S",
)


def _numeric(order: tuple[str, str, str]) -> tuple[str, ...]:
    return tuple(sep.join(order) + time for sep in "/-." for time in _TIMES)


ORDERS: dict[str, tuple[str, ...]] = {
    "YYYY-MM-DD": _numeric(("%Y", "%m", "%d")),
    "DD/MM/YYYY": _numeric(("%d", "%m", "%Y")),
    "MM/DD/YYYY": _numeric(("%m", "%d", "%Y")),
    "DD Mon YYYY": tuple(f"%d %b %Y{time}" for time in _TIMES),
    "Mon DD, YYYY": tuple(f"%b %d, %Y{time}" for time in _TIMES)
    + tuple(f"%b %d %Y{time}" for time in _TIMES),
}
"""The date orders these exports write, each with its separators and time forms; `--date-format` names
one of them (or gives a `strftime` pattern of its own)."""
_ISO = re.compile(r"^\d{4}-\d\d-\d\d([ T]\d\d:\d\d(:\d\d(\.\d+)?)?)?([+-]\d\d:?\d\d|Z)?$")


def date_format_error(value: str) -> str | None:
    """Why `value` is not a date format this import takes (None when it is)."""
    if value in ORDERS or "%" in value:
        return None
    return (
        f"unknown date format {value!r}: use one of {', '.join(ORDERS)} or a strftime pattern like %d.%m.%Y"
    )


@dataclass
class Stamps:
    """The distinct date (or date and time) texts of one column, read in one order once all are known."""

    column: str
    zone: tzinfo
    explicit: str | None = None
    first_row: dict[str, int] = field(default_factory=dict)
    chosen: str | None = None
    _last: dict[tuple[str, ...], str] = field(default_factory=dict)

    def add(self, text: str, row: int) -> str:
        """Note a date text (refuses an empty one) and return it, cleaned, as the key to look up later."""
        cleaned = " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())
        if not cleaned:
            raise refuse(row, self.column, "no date")
        self.first_row.setdefault(cleaned, row)
        return cleaned

    def _read(self, text: str, patterns: tuple[str, ...]) -> datetime | None:
        # A file writes one form throughout: the pattern that read the previous text is tried first.
        last = self._last.get(patterns)
        for pattern in (last, *patterns) if last else patterns:
            try:
                # Naive on purpose: a wall-clock time of the user's zone, made aware by `instant`.
                moment = datetime.strptime(text, pattern)  # noqa: DTZ007
            except ValueError:
                continue
            self._last[patterns] = pattern
            return moment
        return None

    def resolve(self) -> dict[str, datetime]:
        """Every noted text as a naive local date-time; refuses a text no order reads, or an order the
        dates leave open (they read in two orders, to different days)."""
        if self.explicit is not None:
            orders = {self.explicit: ORDERS.get(self.explicit, (self.explicit,))}
        else:
            orders = ORDERS
        readings: dict[str, dict[str, datetime]] = {}
        failures: dict[str, str] = {}
        for name, patterns in orders.items():
            read: dict[str, datetime] = {}
            for text in self.first_row:
                moment = self._iso(text) if name == "YYYY-MM-DD" else None
                moment = moment or self._read(text, patterns)
                if moment is None:
                    failures[name] = text
                    break
                read[text] = moment
            else:
                readings[name] = read
        if not readings:
            text = min(failures.values(), key=lambda t: self.first_row[t])
            if self.explicit is not None:
                problem = f"{text!r} does not match --date-format {self.explicit}"
            else:
                problem = (
                    f"{text!r} is not a date this import reads ({', '.join(ORDERS)}); "
                    "give its form with --date-format"
                )
            raise refuse(self.first_row[text], self.column, problem)
        names = list(readings)
        first = readings[names[0]]
        for other in names[1:]:
            differing = [t for t in first if first[t] != readings[other][t]]
            if differing:
                text = min(differing, key=lambda t: self.first_row[t])
                raise refuse(
                    self.first_row[text],
                    self.column,
                    f"dates like {text!r} read as {names[0]} or as {other}, and nothing in the file tells "
                    f"which: give --date-format {names[0]} or --date-format {other} "
                    "(the date_format parameter over HTTP)",
                )
        self.chosen = names[0]
        return first

    def _iso(self, text: str) -> datetime | None:
        if not _ISO.match(text):
            return None
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            moment = moment.astimezone(self.zone).replace(tzinfo=None)
        return moment

    def instant(self, local: datetime) -> datetime:
        """A wall-clock time of the user's zone as an aware UTC instant."""
        return local.replace(tzinfo=self.zone).astimezone(UTC)


def check_day(day: date, row: int, column: str, today: date) -> None:
    """Refuse a date before 1970 or after tomorrow (a wrong clock or a wrong date order, not history)."""
    if day.year < 1970 or (day - today).days > 1:
        raise refuse(row, column, f"{day.isoformat()} is not a date of recorded history")
