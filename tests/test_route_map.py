"""One hop from a URL to its code: the route table in ARCHITECTURE.md is the app's, and no route depends on
the order routers are included in (no two routes of a method can match the same path)."""

from __future__ import annotations

import itertools
import re

from tests.route_map import Route, api_routes, documented, table

PARAM = re.compile(r"^\{[^}:]+\}$")


def test_the_documented_route_map_is_the_apps() -> None:
    assert "/insights/sync" in table()
    assert documented() == table(), "run `uv run python -m tests.route_map --write` and commit"


def _segments(route: Route) -> list[str]:
    return route.path.strip("/").split("/")


def _overlap(a: Route, b: Route) -> bool:
    """Whether some path matches both (a `{param}` matches any one segment)."""
    first, second = _segments(a), _segments(b)
    if len(first) != len(second):
        return False
    return all(x == y or PARAM.match(x) or PARAM.match(y) for x, y in zip(first, second, strict=True))


def test_no_two_routes_match_one_request() -> None:
    routes = api_routes()
    assert not any(":path}" in route.path for route in routes), (
        "a path parameter spans segments: extend this test"
    )
    clashes = [
        f"{' '.join(sorted(shared))} {a.path} ~ {b.path}"
        for a, b in itertools.combinations(routes, 2)
        if (shared := a.methods & b.methods) and _overlap(a, b)
    ]
    assert clashes == []


def test_the_overlap_check_sees_a_clash() -> None:
    # Guards the test above against passing because `_overlap` never says yes.
    post = frozenset({"POST"})
    fixed = Route("/insights/sync", post, "fixed")
    assert _overlap(fixed, Route("/insights/{insight_id}", post, "variable"))
    assert not _overlap(fixed, Route("/insights/{insight_id}/engage", post, "longer"))
