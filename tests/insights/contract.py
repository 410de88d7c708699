"""The iOS app's decoding rules (contract §2.2) for the insight responses, as assertions."""

from __future__ import annotations

import re
from typing import Any

CREATED_AT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
CATEGORIES = {"correlation", "trend", "anomaly", "milestone", "nudge"}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_double(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_insight(item: Any) -> None:
    """`InsightData` decodes: required keys with the right JSON types (contract §4.22, M8)."""
    assert isinstance(item, dict)
    for key in ("id", "category", "title", "body", "created_at"):
        assert isinstance(item.get(key), str), key
    assert _is_int(item.get("tier"))
    assert 1 <= item["tier"] <= 5
    assert _is_double(item.get("importance"))
    assert item["category"] in CATEGORIES
    assert CREATED_AT.match(item["created_at"]), item["created_at"]
    actions = item.get("suggested_actions")
    assert actions is None or (isinstance(actions, list) and all(isinstance(a, str) for a in actions))


def check_insight_list(body: Any) -> None:
    """`GET /insights`: a top-level array of InsightData."""
    assert isinstance(body, list)
    for item in body:
        check_insight(item)


def check_generate(body: Any) -> None:
    """`POST /insights/generate` (contract §4.25)."""
    assert isinstance(body, dict)
    assert isinstance(body.get("success"), bool)
    assert _is_int(body.get("insights_generated"))
    assert _is_int(body.get("token_estimate"))
    check_insight_list(body.get("insights"))
    assert body.get("error") is None or isinstance(body["error"], str)
