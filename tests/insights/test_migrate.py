"""The original server's insights and scheduler state, after `airfit migrate`, are served by the new code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import orjson

from tests.ios import INSIGHT_LIST, decode
from tests.live import LiveServer, make_settings, run_cli


def test_migrated_insights_and_scheduler_state(
    tmp_path: Path, data_dir: Path, start_live_server: Callable[..., LiveServer]
) -> None:
    original = tmp_path / "original"
    original.mkdir()
    recent = (datetime.now() - timedelta(hours=3)).isoformat()  # noqa: DTZ005 - naive, as the single-user server wrote them
    context = {
        "snapshots": {},
        "insights": [
            {
                "id": "good",
                "created_at": recent,
                "category": "correlation",
                "tier": 2,
                "title": "Sleep drives your squat",
                "body": "Better nights, heavier sets.",
                "supporting_data": {"metric": "sleep", "values": [7, 7.5, 8]},
                "importance": 0.8,
                "confidence": 0.7,
                "novelty": 1.0,
                "actionability": 0.5,
                "suggested_actions": ["Sleep 8 h before leg day"],
                "conversation_context": "N:2200|160|200|70|4 " * 100,
                "surfaced_at": None,
                "engagement": None,
                "dismissed_at": None,
                "user_feedback": None,
            },
            {"id": "poison", "created_at": recent, "title": "Protein", "importance": "0.8", "tier": "x"},
        ],
        "last_sync": recent,
        "version": 1,
    }
    (original / "context_store.json").write_bytes(orjson.dumps(context))
    scheduler = {"last_insight_generation": recent, "insights_generated_today": 12, "generation_error": None}
    (original / "scheduler_state.json").write_bytes(orjson.dumps(scheduler))

    result = run_cli(make_settings(data_dir), "migrate", "--from", str(original))
    assert result.returncode == 0, result.stderr

    live = start_live_server()
    with live.client("brian") as brian, live.client("david") as david:
        insights = brian.get("/insights").json()
        status = brian.get("/scheduler/status").json()
        assert david.get("/insights").json() == []
    decode(insights, INSIGHT_LIST)
    assert [i["id"] for i in insights] == ["good", "poison"]
    assert insights[0]["supporting_data"] == {"metric": "sleep", "values": [7.0, 7.5, 8.0]}
    assert (insights[1]["importance"], insights[1]["tier"], insights[1]["category"]) == (0.8, 3, "nudge")
    assert status["last_insight_generation"] is not None
    assert status["jobs"]["insights"]["last_status"] == "success"
