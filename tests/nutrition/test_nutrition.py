"""Nutrition AI end to end: integer macros, one retry on a bad answer, the caller's own targets."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from airfit.profile.models import PROFILE, UserProfile
from airfit.storage import DocumentStore
from tests.fakes.openai_server import FakeOpenAI, Rule
from tests.ios import CORRECT, FEEDBACK, PARSE, decode
from tests.live import LiveServer

MEAL = {
    "name": "Chicken and rice",
    "calories": 612.6,
    "protein": "48",
    "carbs": 70,
    "fat": 12.4,
    "confidence": "HIGH",
    "components": [
        {"name": "Chicken breast", "calories": 280, "protein": 45, "carbs": 0, "fat": 8},
        {"name": "Rice", "calories": 332, "protein": 3, "carbs": 70, "fat": 4},
    ],
}


def test_parse_returns_integer_macros(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    fake_openai.default = Rule(reply=f"Sure! ```json\n{json.dumps(MEAL)}\n```")
    live = start_server(**fake_openai.settings())
    with live.client() as c:
        body = c.post("/nutrition/parse", json={"food_text": "chicken and rice"}).json()
    decode(body, PARSE)  # every component included
    assert [c["name"] for c in body["components"]] == ["Chicken breast", "Rice"]
    assert (body["success"], body["calories"], body["protein"], body["fat"]) == (True, 613, 48, 12)
    assert body["confidence"] == "high"
    assert "chicken and rice" in fake_openai.requests[0]["messages"][-1]["content"]


def test_bad_answer_is_retried_once_then_fails_clearly(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    fake_openai.default = Rule(reply='{"name": "Soup", "calories": "a lot"}')
    live = start_server(**fake_openai.settings())
    with live.client() as c:
        body = c.post("/nutrition/parse", json={"food_text": "soup"}).json()
    decode(body, PARSE)
    assert body["success"] is False
    assert body["error"].startswith("Could not parse nutrition data")
    assert "calories" in body["error"]
    assert len(fake_openai.requests) == 2
    assert "could not be used" in fake_openai.requests[1]["messages"][-1]["content"]


def test_second_try_can_succeed(start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI) -> None:
    fake_openai.rules = [Rule(match="could not be used", reply=json.dumps({"name": "Egg", "calories": 78}))]
    fake_openai.default = Rule(reply="An egg has about 78 calories.")
    live = start_server(**fake_openai.settings())
    with live.client() as c:
        body = c.post("/nutrition/parse", json={"food_text": "egg"}).json()
    assert (body["success"], body["calories"], body["components"]) == (True, 78, [])


def test_implausible_macros_are_rejected(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    meal = {"name": "Salad", "calories": 2000, "protein": 5, "carbs": 10, "fat": 5}
    fake_openai.default = Rule(reply=json.dumps(meal))
    live = start_server(**fake_openai.settings())
    with live.client() as c:
        body = c.post("/nutrition/parse", json={"food_text": "salad"}).json()
    assert body["success"] is False
    assert "do not match" in body["error"]


def test_correct_keeps_missing_fields(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    fake_openai.default = Rule(reply=json.dumps({"calories": 900.4, "protein": 72, "reasoning": "large"}))
    live = start_server(**fake_openai.settings())
    request = {
        "original_name": "Burrito",
        "original_calories": 600,
        "original_protein": 48,
        "original_carbs": 60,
        "original_fat": 20,
        "correction": "it was a large one",
    }
    with live.client() as c:
        body = c.post("/nutrition/correct", json=request).json()
    decode(body, CORRECT)
    assert body == {**body, "success": True, "name": "Burrito", "calories": 900, "carbs": 60, "fat": 20}


def test_status_uses_the_callers_targets(
    start_server: Callable[..., LiveServer], fake_openai: FakeOpenAI
) -> None:
    fake_openai.default = Rule(reply="Solid day, bro.")
    live = start_server(**fake_openai.settings())
    profile = UserProfile(
        name="David",
        training_day_targets={"calories": 3100, "protein": 210, "carbs": 350, "fat": 80},
        rest_day_targets={"calories": 2500, "protein": 200, "carbs": "240-260", "fat": 70},
    )
    asyncio.run(DocumentStore(live.settings.data_dir).replace("david", PROFILE, profile))
    intake = {"calories": 1500, "protein": 100, "carbs": 150, "fat": 40}
    with live.client("david") as c:
        training = c.post("/nutrition/status", json={**intake, "is_training_day": True}).json()
        c.post("/nutrition/status", json={**intake, "is_training_day": False})
    with live.client("brian") as c:
        c.post("/nutrition/status", json={**intake, "is_training_day": True})
    decode(training, FEEDBACK)
    assert training["feedback"] == "Solid day, bro."
    prompts = [r["messages"][-1]["content"] for r in fake_openai.requests]
    assert "of 3100 kcal" in prompts[0]
    assert "of 2500 kcal" in prompts[1]
    assert "of 250g" in prompts[1]
    assert "of 2600 kcal" in prompts[2]  # brian has no targets: the defaults


def test_without_provider_nutrition_fails_cleanly(server: LiveServer) -> None:
    with server.client() as c:
        parse = c.post("/nutrition/parse", json={"food_text": "egg"})
        status = c.post(
            "/nutrition/status",
            json={"calories": 1, "protein": 1, "carbs": 1, "fat": 1, "is_training_day": True},
        )
    assert parse.status_code == 200
    assert parse.json()["success"] is False
    assert "AIRFIT_PROVIDERS" in parse.json()["error"]
    assert status.json()["feedback"] == "Couldn't get feedback right now."
