"""Lenient input types for stored documents: whatever an old file, an import or an LLM wrote is coerced into
the declared type (or dropped), so a stored document can never make a response fail.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from airfit.storage import INT64_MAX, INT64_MIN

_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return None if isinstance(value, float) and not math.isfinite(value) else f"{value:g}"
    if isinstance(value, str):
        return value.strip() or None
    return None


def _text_list(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    out: list[str] = []
    for item in items:
        text = _text(item)
        if text is not None and text not in out:
            out.append(text)
    return out


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        match = _NUMBER.search(value)
        return float(match.group()) if match else None
    return None


def _integer(value: Any) -> int | None:
    number = _number(value)
    if number is None:
        return None
    whole = round(number)
    # Beyond 64 bits the store could not read the document back: such a value is unusable, like "abc".
    return whole if INT64_MIN <= whole <= INT64_MAX else None


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1", "on")
    return bool(value)


Text = Annotated[str | None, BeforeValidator(_text)]
"""A string, or None for missing/blank/unusable values; numbers become their text."""

TextList = Annotated[list[str], BeforeValidator(_text_list)]
"""A list of non-blank unique strings; a single string becomes a one-item list, null becomes []."""

Number = Annotated[float | None, BeforeValidator(_number)]
"""A finite float, parsed from numbers or the first number in a string ("180 lbs" -> 180.0)."""

Integer = Annotated[int | None, BeforeValidator(_integer)]
"""A rounded integer parsed like Number."""

Flag = Annotated[bool, BeforeValidator(_flag)]
"""A bool from bools, numbers or yes/true strings."""


def as_utc(moment: datetime) -> datetime:
    """The one rule for stored times: aware ones are converted to UTC, and a naive one is UTC.

    Only the original server wrote naive times (its machine's local time, zone unrecorded). Reading them as
    UTC on every host makes a migrated or imported file mean the same everywhere; reading them as "this
    host's local time" would shift them whenever the data moves to a machine in another zone.
    """
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


UtcTime = Annotated[datetime, AfterValidator(as_utc)]
"""A stored instant, always aware and in UTC (see `as_utc` for naive legacy values)."""

_BLANK_RUN = re.compile(r"\n{3,}")


def paragraphs(text: str) -> str:
    """Text with runs of spaces collapsed inside each line, but its line and paragraph breaks kept."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()
