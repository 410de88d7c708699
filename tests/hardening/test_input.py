"""Hostile request bodies and queries (issue 11, items 1-3 and 13): a 422 naming the field, nothing stored."""

from __future__ import annotations

import logging
from pathlib import Path

import orjson
import pytest
from fastapi import Request
from fastapi.exceptions import RequestValidationError

from airfit.errors import request_validation_error
from airfit.health.models import CONTEXT_STORE
from airfit.storage import DocumentStore
from tests.live import LiveServer, run_cli

JSON = {"Content-Type": "application/json"}


def test_item1_integer_beyond_64_bits_is_422_and_nothing_stored(server: LiveServer, data_dir: Path) -> None:
    with server.client("brian") as c:
        assert c.post("/insights/sync", json={"days": [{"date": "2024-01-02", "calories": 5}]}).is_success
        response = c.post(
            "/insights/sync", json={"days": [{"date": "2024-01-01", "calories": 100000000000000000000}]}
        )
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "days", 0, "calories"]
        snapshots = c.get("/insights/snapshots", params={"days": 3660}).json()["snapshots"]
    assert [s["date"] for s in snapshots] == ["2024-01-02"]
    assert not list((data_dir / "brian").glob("*.corrupt.*"))


async def test_item1_one_bad_record_keeps_the_rest_of_the_document(
    data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = data_dir / "brian" / "context_store.json"
    path.parent.mkdir()
    good = {"date": "2024-01-02", "nutrition": {"calories": 2000}}
    # Written as text: the stored file is what an older server (or a hand edit) left, not what we write.
    snapshots = orjson.dumps({"2024-01-02": good}).decode()[:-1]
    snapshots += ',"2024-01-01":{"date":"2024-01-01","nutrition":{"calories":100000000000000000000}}}'
    path.write_text(f'{{"key":"context_store","version":1,"data":{{"snapshots":{snapshots}}}}}')
    with caplog.at_level(logging.ERROR):
        stored = await DocumentStore(data_dir).read("brian", CONTEXT_STORE)
    assert list(stored.snapshots) == ["2024-01-02"]
    assert stored.snapshots["2024-01-02"].nutrition.calories == 2000
    kept = list(path.parent.glob("context_store.json.corrupt.*"))
    assert len(kept) == 1
    assert b"100000000000000000000" in kept[0].read_bytes()
    assert "snapshots['2024-01-01']" in caplog.text
    # The salvaged version is what is stored now: a second reader sees the good day without salvaging again.
    assert list((await DocumentStore(data_dir).read("brian", CONTEXT_STORE)).snapshots) == ["2024-01-02"]
    assert len(list(path.parent.glob("context_store.json.corrupt.*"))) == 1


@pytest.mark.parametrize(
    "body",
    [
        b'{"days":[{"date":"2024-01-01","weight_lbs":NaN}]}',
        b'{"days":[{"date":"2024-01-01","weight_lbs":Infinity}]}',
        b'{"days":[{"date":"2024-01-01","weight_lbs":-Infinity}]}',
        b'{"days":[{"date":"2024-01-01","weight_lbs":1e400}]}',
        b'{"days":[{"date":"\\ud800"}]}',
        b'{"days":[{"date":"2024-01-01","bedtime_consistency":"\\udfff"}]}',
        b'{"days":[{"date":"2024-01-01","\\ud800":1}]}',
    ],
)
def test_item2_values_json_cannot_carry_are_422(server: LiveServer, body: bytes) -> None:
    with server.client("brian") as c:
        response = c.post("/insights/sync", content=body, headers=JSON)
        assert response.status_code == 422
        assert response.json()["detail"][0]["type"] == "json_invalid"
        assert c.get("/insights/snapshots", params={"days": 3660}).json()["count"] == 0


@pytest.mark.parametrize(
    "body",
    [
        b'{"api_key": ["sekrit-ABC123"]}',
        b'{"api_key": {"k": "sekrit-ABC123"}}',
        b'{"api_key": "sekrit-ABC123", "x": NaN}',
        b'{"api_key": "sekrit-ABC123\\ud800"}',
        b'{"api_key": "sekrit-ABC123' + b"x" * 300 + b'"}',
    ],
)
def test_item2_hevy_key_never_echoed_or_logged(
    server: LiveServer, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG), server.client("brian") as c:
        response = c.put("/hevy/key", content=body, headers=JSON)
    assert response.status_code == 422
    assert b"sekrit" not in response.content
    assert "sekrit" not in caplog.text


async def test_item2_validation_handler_encodes_anything_and_echoes_no_input() -> None:
    # Whatever reaches the handler (a lone surrogate in a key, NaN in input or constraint), it answers.
    error = RequestValidationError(
        [
            {
                "type": "float_type",
                "loc": ("body", "days", "\ud800" + "k" * 500, float("nan")),
                "msg": "bad \udfff",
                "input": {"secret": "sekrit", "x": float("inf")},
                "ctx": {"le": float("nan"), "error": ValueError("sekrit")},
            }
        ]
    )
    response = await request_validation_error(Request({"type": "http"}), error)
    assert response.status_code == 422
    detail = orjson.loads(response.body)["detail"][0]
    assert b"sekrit" not in response.body
    assert detail["loc"][:2] == ["body", "days"]
    assert len(detail["loc"][2]) <= 200


@pytest.mark.parametrize("zone", ["America", "Etc", "Europe/", "../../etc/passwd", "x" * 5000, ""])
def test_item3_bad_time_zones_are_422(server: LiveServer, zone: str) -> None:
    with server.client("brian") as c:
        assert c.patch("/me", json={"timezone": zone}).status_code == 422
        assert c.get("/me").json()["timezone"] is None


def test_item3_admin_create_user_with_huge_or_odd_fields_is_422(server: LiveServer) -> None:
    token = run_cli(server.settings, "users", "token", "create", "brian", "--name", "t", "--admin")
    assert token.returncode == 0, token.stderr
    secret = token.stdout.strip()
    with server.client(token=secret) as c:
        assert c.post("/admin/users", json={"id": "a" * 5000}).status_code == 422
        assert c.post("/admin/users", json={"id": "zed", "timezone": "z" * 5000}).status_code == 422
        assert c.post("/admin/users", json={"id": "zed", "timezone": "America"}).status_code == 422
        assert "zed" not in [u["id"] for u in c.get("/admin/users").json()]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/insights", {"limit": -1}),
        ("/insights", {"limit": 0}),
        ("/insights", {"limit": 10**30}),
        ("/insights/context", {"range": "decade"}),
        ("/insights/context", {"range": ""}),
    ],
)
def test_item13_queries_are_validated(server: LiveServer, path: str, params: dict[str, object]) -> None:
    with server.client("brian") as c:
        response = c.get(path, params=params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_item13_valid_queries_still_answer(server: LiveServer) -> None:
    with server.client("brian") as c:
        assert c.get("/insights", params={"limit": 10}).status_code == 200
        assert c.get("/insights", params={"limit": 200}).status_code == 200
        for name in ("week", "month", "quarter"):
            assert c.get("/insights/context", params={"range": name}).status_code == 200


@pytest.mark.parametrize("key", ["é", "a\nb", "key\r\nX-Injected: 1", "\x00", "😀"])
def test_hevy_key_that_cannot_be_a_header_is_422(server: LiveServer, key: str) -> None:
    # Found by the schemathesis run: a non-ASCII key reached the Hevy client's headers and gave a 500.
    with server.client("brian") as c:
        assert c.put("/hevy/key", json={"api_key": key}).status_code == 422


def test_item13_openapi_declares_errors_and_identity(server: LiveServer) -> None:
    with server.client() as c:
        doc = c.get("/openapi.json").json()
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearer"]["description"],
    }
    assert (schemes["userHeader"]["in"], schemes["userHeader"]["name"]) == ("header", "X-User-ID")
    assert doc["paths"]["/health"]["get"]["security"] == []
    sync = doc["paths"]["/insights/sync"]["post"]["responses"]
    for code in ("400", "401", "403", "404", "409", "413", "422", "503"):
        schema = sync[code]["content"]["application/json"]["schema"]
        assert schema["$ref"].rsplit("/", 1)[-1] in ("ErrorDetail", "ValidationErrorResponse")
    issue = doc["components"]["schemas"]["ValidationIssue"]
    assert "input" not in issue["properties"]
