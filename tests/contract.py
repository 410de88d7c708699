"""Check a JSON body the way the iOS app's `JSONDecoder` would (IOS_CONTRACT §2.2)."""

from __future__ import annotations

from typing import Any

# Field kinds: "str", "int", "bool", "[str]", "obj"; a trailing "?" marks a Swift optional.
TYPES: dict[str, Any] = {"str": str, "bool": bool, "obj": dict, "[str]": list}


def _ok(value: Any, kind: str) -> bool:
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "[str]":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "bool":
        return isinstance(value, bool)
    return isinstance(value, TYPES[kind])


def assert_decodes(body: Any, spec: dict[str, str]) -> None:
    """Fail like Swift would: required keys present and non-null, every present value of the right type."""
    assert isinstance(body, dict), body
    for key, kind in spec.items():
        optional = kind.endswith("?")
        kind = kind.rstrip("?")
        value = body.get(key)
        if value is None:
            assert optional, f"required key {key!r} missing or null in {body}"
            continue
        assert _ok(value, kind), f"{key!r} should be {kind}, got {value!r}"


CHAT = {"response": "str", "provider": "str", "success": "bool", "error": "str?"}
CHAT_CONTEXT = {
    "system_prompt": "str",
    "memory_context": "str",
    "data_context": "str",
    "profile_summary": "str",
    "onboarding_complete": "bool",
}
ONBOARDING = {"response": "str", "session_id": "str", "profile_completeness": "obj?"}
COMPLETENESS = {"has_name": "bool", "has_goals": "bool", "has_training": "bool", "has_style": "bool"}
STATUS = {"status": "str", "available_providers": "[str]", "session_id": "str?", "message_count": "int?"}
HEALTH = {"status": "str", "providers": "[str]", "hevy_configured": "bool", "version": "str"}
PARSE = {
    "success": "bool",
    "name": "str?",
    "calories": "int?",
    "protein": "int?",
    "carbs": "int?",
    "fat": "int?",
    "confidence": "str?",
    "error": "str?",
}
COMPONENT = {"name": "str", "calories": "int", "protein": "int", "carbs": "int", "fat": "int"}
CORRECT = {
    "success": "bool",
    "name": "str?",
    "calories": "int?",
    "protein": "int?",
    "carbs": "int?",
    "fat": "int?",
}
FEEDBACK = {"feedback": "str"}
FINALIZE = {"status": "str", "name": "str?", "has_personality": "bool", "preview": "str?"}
DISCUSS = {"response": "str", "provider": "str", "success": "bool", "insight_title": "str", "error": "str?"}
