"""Schemathesis over the whole OpenAPI document, against a real server on 127.0.0.1.

For every operation, a bounded number of generated requests (valid and invalid) must get no 5xx, a status
code the document declares, the declared content type, and a body that matches the declared schema.
`SCHEMATHESIS_EXAMPLES` sets the examples per operation (CI default keeps the run short on two cores).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from airfit.app import create_app
from tests.fakes.hevy import running_fake_hevy
from tests.live import LiveServer, make_settings, thread_server

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _schema_document() -> dict[str, object]:
    # Building the app and its document touches no file: the data directory is only named.
    return create_app(make_settings(Path("unused-data"))).openapi()


schema = schemathesis.openapi.from_dict(_schema_document())


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for all operations, talking to a fake Hevy on 127.0.0.1 (that knows none of the keys)."""
    data_dir = tmp_path_factory.mktemp("fuzz") / "data"
    data_dir.mkdir()
    with running_fake_hevy() as hevy:
        settings = make_settings(data_dir, hevy_base_url=hevy.url, hevy_retry_delay=0)
        with thread_server(settings) as live:
            yield live


# One pytest item per operation with its own id. Schemathesis's own `parametrize` gives every operation the
# same node id, and pytest-xdist (the README's `-n 2`) then runs only the first of them.
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_every_operation_answers_as_documented(
    operation: schemathesis.APIOperation, fuzz_server: LiveServer
) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_documented(case: schemathesis.Case) -> None:
        case.call_and_validate(
            base_url=fuzz_server.url, headers={"X-User-ID": "brian"}, checks=CHECKS, timeout=30
        )

    answers_as_documented()


def test_every_operation_is_fuzzed() -> None:
    """The operations above are the whole document (none dropped by a filter or a collection quirk)."""
    document = _schema_document()
    paths = document["paths"]
    assert isinstance(paths, dict)
    declared = {(method.upper(), path) for path, item in paths.items() for method in item}
    assert {(operation.method.upper(), operation.path) for operation in OPERATIONS} == declared
