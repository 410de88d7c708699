"""Property tests (Hypothesis) over every request model of the OpenAPI document.

The rule behind issue 11 item 1: whatever the API accepts (the request guard, then the route's model) must
be storable, and read back equal by a new store over the same files (a restart). Inputs are JSON values
generated from each model's own schema, inside and outside its constraints (huge integers, huge floats, odd
text), so a model that accepts what the store cannot keep fails here. Every request body of the API is
covered: a new one without its model found below fails `test_every_request_body_is_covered`.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

import airfit.documents  # noqa: F401  (registers every stored document and imports every domain)
from airfit.app import create_app
from airfit.limits import json_issue
from airfit.storage import Document, DocumentStore
from tests.live import make_settings, thread_server

# Values chosen to sit at and beyond what JSON, doubles and the store's 64-bit integers can carry.
EDGE_INTEGERS = [0, -1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63), -(2**63) - 1, 10**20, 10**30]
EDGE_FLOATS = [0.0, -0.0, 1e-310, 1.7976931348623157e308, -1e308, 0.1, 2.5]
JSON_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@cache
def _openapi() -> dict[str, Any]:
    # Building the app and its document touches no file: the data directory is only named.
    return create_app(make_settings(Path("unused-data"))).openapi()


def _body_schema_names() -> set[str]:
    names = set()
    for operations in _openapi()["paths"].values():
        for operation in operations.values():
            for content in operation.get("requestBody", {}).get("content", {}).values():
                schema = content["schema"]
                for option in [schema, *schema.get("anyOf", [])]:
                    if "$ref" in option:
                        names.add(option["$ref"].rsplit("/", 1)[-1])
    return names


def _subclasses(cls: type[BaseModel]) -> list[type[BaseModel]]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def _request_models() -> list[type[BaseModel]]:
    wanted = _body_schema_names()
    models = {
        m for m in _subclasses(BaseModel) if m.__module__.startswith("airfit.") and m.__name__ in wanted
    }
    return sorted(models, key=lambda m: (m.__name__, m.__module__))


REQUEST_MODELS = _request_models()


def test_every_request_body_is_covered() -> None:
    assert {m.__name__ for m in REQUEST_MODELS} == _body_schema_names()


def _strategy(schema: dict[str, Any], defs: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """JSON values for `schema`, mostly valid, sometimes beyond its bounds."""
    if "$ref" in schema:
        return st.deferred(lambda: _strategy(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, depth + 1))
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return st.one_of([_strategy(s, defs, depth) for s in schema[key]])
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        return st.one_of(st.integers(low, high), st.sampled_from(EDGE_INTEGERS), st.integers())
    if kind == "number":
        finite = st.floats(allow_nan=False, allow_infinity=False)
        return st.one_of(finite, st.sampled_from(EDGE_FLOATS), st.integers(-(2**70), 2**70))
    if kind == "string":
        text = JSON_TEXT
        if schema.get("format") == "date-time":
            text = st.one_of(text, st.datetimes().map(lambda d: d.isoformat()))
        if schema.get("format") == "date" or "date" in schema.get("title", "").lower():
            text = st.one_of(text, st.dates().map(lambda d: d.isoformat()))
        return text
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        items = schema.get("items", {})
        return st.lists(_strategy(items, defs, depth + 1), max_size=3 if depth < 3 else 0)
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        fields = {name: _strategy(sub, defs, depth + 1) for name, sub in properties.items() if depth < 4}
        extra = schema.get("additionalProperties")
        rest = (
            st.dictionaries(JSON_TEXT, _strategy(extra, defs, depth + 1), max_size=2)
            if isinstance(extra, dict) and depth < 4
            else st.just({})
        )
        return st.builds(
            lambda fixed, optional, more: {**more, **fixed, **optional},
            st.fixed_dictionaries({k: v for k, v in fields.items() if k in required}),
            st.fixed_dictionaries({}, optional={k: v for k, v in fields.items() if k not in required}),
            rest,
        )
    return st.one_of(st.none(), st.booleans(), st.integers(), JSON_TEXT)


def _inputs(model: type[BaseModel]) -> st.SearchStrategy[Any]:
    schema = model.model_json_schema()
    return _strategy(schema, schema.get("$defs", {}))


async def _round_trip(model: type[BaseModel], accepted: BaseModel) -> BaseModel:
    kind: Document[Any] = Document(f"t_{model.__name__.lower()}", model)
    with tempfile.TemporaryDirectory() as tmp:
        await DocumentStore(Path(tmp)).replace("brian", kind, accepted)
        return await DocumentStore(Path(tmp)).read("brian", kind)


@pytest.mark.parametrize("model", REQUEST_MODELS, ids=lambda m: m.__name__)
def test_accepted_input_round_trips_through_the_store(model: type[BaseModel]) -> None:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_inputs(model))
    def check(value: Any) -> None:
        body = json.dumps(value).encode()
        if json_issue(body) is not None:
            return  # refused at the door (RequestGuard), like the server does
        try:
            accepted = model.model_validate_json(body)
        except ValidationError:
            return
        assert asyncio.run(_round_trip(model, accepted)) == accepted

    check()


DAY = st.fixed_dictionaries(
    {"date": st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)).map(date.isoformat)},
    optional={
        "calories": st.integers(0, 2**63 - 1),
        "protein": st.integers(0, 10**6),
        "steps": st.integers(0, 10**9),
        "weight_lbs": st.floats(0, 1e6, allow_nan=False),
        "sleep_hours": st.floats(-1e9, 1e9, allow_nan=False),
        "resting_hr": st.integers(-(2**63), 2**63 - 1),
        "bedtime_consistency": st.text(st.characters(exclude_categories=("Cs",)), max_size=200),
        "quality_flags": st.lists(JSON_TEXT, max_size=5),
    },
)
SERVED = [
    "/insights/snapshots?days=3660",
    "/health/body-metrics?days=3660",
    "/insights/context?range=quarter",
]


def _served(data_dir: Path) -> dict[str, Any]:
    with thread_server(make_settings(data_dir)) as live, live.client("brian") as c:
        return {path: c.get(path).json() for path in [*SERVED, "/profile"]}


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    days=st.lists(DAY, max_size=6, unique_by=lambda d: d["date"]),
    profile=st.fixed_dictionaries({}, optional={"name": JSON_TEXT, "age": st.integers(0, 2**63 - 1)}),
)
def test_synced_data_reads_back_equal_after_a_restart(
    days: list[dict[str, Any]], profile: dict[str, Any]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        with thread_server(make_settings(data_dir)) as live, live.client("brian") as c:
            assert c.post("/insights/sync", json={"days": days}).status_code == 200
            assert c.post("/profile/sync", json=profile).status_code == 200
            before = {path: c.get(path).json() for path in [*SERVED, "/profile"]}
        assert _served(data_dir) == before
