"""The iOS app's decoders for the profile endpoints, with Swift `JSONDecoder` semantics (IOS_CONTRACT §2.2).

A spec maps each key to a type; `opt(...)` marks a Swift optional. Decoding a payload raises AssertionError
naming the first key the app would fail on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Opt:
    """A Swift optional: absent or null is fine, a wrong type is not."""

    inner: Any


def opt(inner: Any) -> Opt:
    """Mark a type as a Swift optional."""
    return Opt(inner)


STRING, INT, DOUBLE, BOOL = "String", "Int", "Double", "Bool"


def _check(value: Any, kind: Any, path: str) -> None:
    if isinstance(kind, Opt):
        if value is not None:
            _check(value, kind.inner, path)
        return
    assert value is not None, f"{path}: null where the app requires a value"
    if kind == STRING:
        assert isinstance(value, str), f"{path}: {value!r} is not a String"
    elif kind == BOOL:
        assert isinstance(value, bool), f"{path}: {value!r} is not a Bool"
    elif kind == INT:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        assert number, f"{path}: {value!r} is not an Int"
        assert float(value).is_integer(), f"{path}: {value!r} does not fit in an Int"
        assert -(2**63) <= value < 2**63, f"{path}: {value!r} does not fit in a Swift Int"
    elif kind == DOUBLE:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        assert number, f"{path}: {value!r} is not a Double"
    elif isinstance(kind, list):
        assert isinstance(value, list), f"{path}: {value!r} is not an array"
        for index, item in enumerate(value):
            _check(item, kind[0], f"{path}[{index}]")
    elif isinstance(kind, dict):
        decode(value, kind, path)
    else:
        raise AssertionError(f"unknown spec type {kind!r}")


def decode(payload: Any, spec: dict[str, Any], path: str = "$") -> None:
    """Fail like the app's decoder would on `payload`."""
    assert isinstance(payload, dict), f"{path}: not an object"
    for key, kind in spec.items():
        if key not in payload and not isinstance(kind, Opt):
            raise AssertionError(f"{path}.{key}: missing required key")
        _check(payload.get(key), kind, f"{path}.{key}")


PROFILE_INSIGHT = {"date": STRING, "insight": STRING, "source": STRING}

# IOS_CONTRACT §4.12 (a): APIClient.ProfileResponse.
PROFILE_RESPONSE = {
    "name": opt(STRING),
    "summary": opt(STRING),
    "goals": [STRING],
    "constraints": [STRING],
    "preferences": [STRING],
    "context": [STRING],
    "patterns": [STRING],
    "communication_style": STRING,
    "insights_count": INT,
    "recent_insights": [PROFILE_INSIGHT],
    "has_profile": BOOL,
    "onboarding_complete": BOOL,
    "current_phase": opt(STRING),
    "phase_context": opt(STRING),
}

# IOS_CONTRACT §4.12 (b): MemorySyncService.ServerProfileResponse.
SERVER_PROFILE_RESPONSE = {
    "name": opt(STRING),
    "personality_notes": opt(STRING),
    "communication_style": opt(STRING),
    "goal_phase": opt(STRING),
    "protein_target": opt(INT),
    "calorie_target_training": opt(INT),
    "calorie_target_rest": opt(INT),
    "onboarding_complete": BOOL,
}

# IOS_CONTRACT §4.15.
PROFILE_IMPORT_RESPONSE = {
    "success": BOOL,
    "name": opt(STRING),
    "goals_count": opt(INT),
    "has_personality": opt(BOOL),
    "error": opt(STRING),
}


def decode_profile(payload: Any) -> None:
    """`GET /profile` must satisfy both of the app's decoders."""
    decode(payload, PROFILE_RESPONSE)
    decode(payload, SERVER_PROFILE_RESPONSE)
    # Ints must be JSON integers on the wire, not merely integral floats (IOS_CONTRACT §6.1).
    for key in ("insights_count", "protein_target", "calorie_target_training", "calorie_target_rest"):
        assert payload[key] is None or type(payload[key]) is int, f"{key}: {payload[key]!r}"


def server_profile_export(**values: Any) -> dict[str, Any]:
    """A `POST /profile/sync` body as the app encodes `ServerProfileExport`: arrays and the flag always
    present, nil optionals omitted (IOS_CONTRACT §4.18)."""
    body: dict[str, Any] = {
        "goals": [],
        "life_context": [],
        "constraints": [],
        "preferences": [],
        "favorite_activities": [],
        "patterns": [],
        "nutrition_guidelines": [],
        "onboarding_complete": False,
    }
    body.update(values)
    return body
