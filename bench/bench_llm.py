"""What one user's chat costs a local model: prompt tokens per turn, and real SmolLM2 latencies.

Phase 1 (prompts): one user with three years of days, three years of Hevy workouts, a full profile,
memories and stored insights sends chat turns as the iOS app does (with `health_context` and
`nutrition_context`) to a local OpenAI-compatible recorder. Each request the provider received is
rendered by the real SmolLM2 chat template and tokenized by the real llama.cpp server, and printed with
the share of it that repeats the previous request's beginning (what llama.cpp, Ollama and vLLM can take
from their prefix cache, and hosted APIs bill as cached) and the server's own estimate.

Phase 2 (latency): the same user against the real SmolLM2 server (llama.cpp through xllamacpp, one thread,
temperature 0) with the default limits: first chat turn, second chat turn, a food parse, each started with
the model idle (after the previous chat's background learning), and a third chat turn sent as soon as the
second was answered (its learning gives way). Targets: < 30 s, < 15 s, (none), < 10 s. Run it on a
quiet machine: generation speed falls sharply when the other core is busy.

    uv run python bench/bench_llm.py [--turns 4] [--skip-real]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.hevy import running_fake_hevy  # noqa: E402
from tests.fakes.openai_server import fake_openai_server  # noqa: E402
from tests.realmodel.model import install, installed_model  # noqa: E402
from tests.realmodel.server import MODEL_ALIAS, llama_server  # noqa: E402

from airfit.health.models import CONTEXT_STORE, ContextStore, DailySnapshot  # noqa: E402
from airfit.profile.models import PROFILE, MacroTargets, UserProfile  # noqa: E402
from airfit.storage import DocumentStore  # noqa: E402
from harness import generated_days, generated_workouts, pinned_server, server_env  # noqa: E402

USER = "brian"
HEVY_KEY = "bench-hevy-key"
DAYS = 3 * 365
WEEKS = 156
QUESTIONS = [
    "How did my training go this week?",
    "Should I eat more protein on rest days?",
    "My sleep was bad, should I still lift heavy today?",
    "What should I focus on next week?",
    "Is my weight moving in the right direction?",
    "Any tips for my deadlift?",
]
HEALTH = {
    "steps_today": "8432",
    "active_calories_today": "512",
    "weight_lbs": "182.4",
    "weight_date": "2026-01-01T07:00:00Z",
    "resting_heart_rate": "54",
    "sleep_last_night": "7.2",
}
NUTRITION = {
    "total_calories": 1850,
    "total_protein": 140,
    "total_carbs": 180,
    "total_fat": 60,
    "entry_count": 3,
    "entries": [
        {"name": "Greek yogurt with berries", "calories": 320, "protein": 28},
        {"name": "Chicken rice bowl", "calories": 780, "protein": 62},
        {"name": "Protein shake", "calories": 250, "protein": 50},
    ],
    "recent_entries": [],
}
MEMORIES = {
    "remember": ["Training for a half marathon in April", "Knee felt off after long runs in October"],
    "callback": ["The 'deadlift Tuesday' ritual"],
    "tone": ["Prefers blunt feedback with numbers"],
    "thread": ["Check how the new sleep routine works out"],
}
PROFILE_DATA = UserProfile(
    name="Brian",
    age=38,
    height="5'11\"",
    occupation="Software engineer",
    current_weight_lbs=183,
    current_body_fat_pct=18,
    goals=["Get to 175 lbs at 14% body fat", "Deadlift 500 lbs"],
    target_weight_lbs=175,
    current_phase="cut",
    phase_context="slow cut until spring",
    life_context=["Two kids under five", "Works from home"],
    training_days_per_week="4",
    training_style=["Upper/lower split", "Heavy compounds"],
    favorite_activities=["Deadlifts", "Trail running"],
    training_day_targets=MacroTargets(calories=2500, protein=190, carbs=250, fat=70),
    rest_day_targets=MacroTargets(calories=2100, protein=190, carbs=180, fat=70),
    constraints=["Left knee: no deep lunges"],
    preferences=["Likes data", "Hates meal plans"],
    communication_style="direct, data-heavy",
    personality_notes="You are Brian's AI fitness coach: direct, numerate, dry humour.",
    onboarding_complete=True,
)


def _snapshot(day: dict[str, Any]) -> DailySnapshot:
    nutrition = {k: day[k] for k in ("calories", "protein", "carbs", "fat")}
    nutrition["entry_count"] = day["nutrition_entries"]
    health = {k: v for k, v in day.items() if k not in nutrition and k not in ("date", "nutrition_entries")}
    return DailySnapshot.model_validate({"date": day["date"], "nutrition": nutrition, "health": health})


def seed_store(data_dir: Path) -> None:
    """Three years of days and the profile, written as the server stores them."""
    days = {d["date"]: _snapshot(d) for d in generated_days(DAYS)}

    async def write() -> None:
        store = DocumentStore(data_dir)
        await store.replace(USER, CONTEXT_STORE, ContextStore(snapshots=days))
        await store.replace(USER, PROFILE, PROFILE_DATA)

    asyncio.run(write())


def seed_over_http(client: httpx2.Client) -> None:
    """Workouts through a Hevy sync, memories through the app's sync, insights through a generation."""
    client.put("/hevy/key", json={"api_key": HEVY_KEY}).raise_for_status()
    client.post("/training/sync?full=true", timeout=300).raise_for_status()
    for kind, items in MEMORIES.items():
        client.post("/sync/memories", json={"type": kind, "contents": items}).raise_for_status()
    client.post("/insights/generate", timeout=300).raise_for_status()


def render(llama: httpx2.Client, body: dict[str, Any]) -> list[int]:
    """A chat request as SmolLM2 sees it: through its chat template, then its tokenizer."""
    messages = [{"role": m["role"], "content": _text(m.get("content"))} for m in body["messages"]]
    prompt = llama.post("/apply-template", json={"messages": messages}).json()["prompt"]
    tokens: list[int] = llama.post("/tokenize", json={"content": prompt}).json()["tokens"]
    return tokens


def _last_user(body: dict[str, Any]) -> str:
    users = [m for m in body["messages"] if m["role"] == "user"]
    return _text(users[-1].get("content")).strip() if users else ""


def _text(content: Any) -> str:
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content)
    return str(content or "")


def shared_prefix(a: list[int], b: list[int]) -> int:
    """How many leading tokens two prompts have in common."""
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def estimate_of(body: dict[str, Any]) -> int:
    """The server's own estimate of a request, when the server has one (`airfit.llm.budget`)."""
    try:
        from airfit.llm.budget import estimate_tokens
    except ImportError:
        return -1
    return sum(estimate_tokens(_text(m.get("content"))) for m in body["messages"])


def prompt_phase(turns: int, model: Path | None) -> None:
    """Phase 1: chat turns against a recorder; tokens per request, reused prefix, and the estimate."""
    print(f"\n== prompt tokens per chat turn: one user, {DAYS} days, {WEEKS} weeks of workouts ==")
    workouts = generated_workouts(WEEKS, end=(datetime.now(UTC) - timedelta(days=1)).date().isoformat())
    with tempfile.TemporaryDirectory() as tmp, running_fake_hevy() as hevy, fake_openai_server() as fake:
        hevy.add_account(HEVY_KEY, workouts)
        data_dir = Path(tmp) / "data"
        seed_store(data_dir)
        env = server_env(
            data_dir,
            USER,
            AIRFIT_DEFAULT_USER=USER,
            HEVY_BASE_URL=hevy.url,
            AIRFIT_PROVIDERS="openai",
            OPENAI_BASE_URL=fake.url,
            AIRFIT_OPENAI_MODEL="recorder",
        )
        with pinned_server(env) as server, httpx2.Client(base_url=server.url, timeout=120) as client:
            seed_over_http(client)
            fake.requests.clear()
            chats: list[dict[str, Any]] = []
            for question in QUESTIONS[:turns]:
                body = {"message": question, "health_context": HEALTH, "nutrition_context": NUTRITION}
                client.post("/chat", json=body).raise_for_status()
                # Background learning also calls the provider: the chat is the request that ends with
                # the question itself.
                chats.append(next(r for r in reversed(fake.requests) if _last_user(r).endswith(question)))
        _report_prompts(chats, model)


def _report_prompts(chats: list[dict[str, Any]], model: Path | None) -> None:
    if model is None:
        for n, body in enumerate(chats, 1):
            chars = sum(len(_text(m.get("content"))) for m in body["messages"])
            print(f"turn {n}: {chars:6d} chars, estimate {estimate_of(body):5d} tokens (no tokenizer)")
        return
    with llama_server(model) as llama, httpx2.Client(base_url=llama.url, timeout=60) as client:
        previous: list[int] = []
        print("turn  tokens  reused  new  estimate  max_tokens")
        for n, body in enumerate(chats, 1):
            tokens = render(client, body)
            reused = shared_prefix(previous, tokens)
            limit = body.get("max_tokens") or body.get("max_completion_tokens") or "none"
            print(
                f"{n:4d}  {len(tokens):6d}  {reused:6d}  {len(tokens) - reused:5d}  "
                f"{estimate_of(body):8d}  {limit}"
            )
            previous = tokens


def latency_phase(model: Path) -> None:
    """Phase 2: the real model behind the real server, timed as the app would see it."""
    print("\n== real SmolLM2-135M (llama.cpp, 1 thread, temp 0) ==")
    with tempfile.TemporaryDirectory() as tmp, llama_server(model) as llama:
        data_dir = Path(tmp) / "data"
        seed_store(data_dir)
        env = server_env(
            data_dir,
            USER,
            AIRFIT_DEFAULT_USER=USER,
            AIRFIT_PROVIDERS="openai",
            OPENAI_BASE_URL=llama.base_url,
            AIRFIT_OPENAI_MODEL=MODEL_ALIAS,
        )
        with pinned_server(env) as server, httpx2.Client(base_url=server.url, timeout=70) as client:
            checks = [
                ("first chat turn", "/chat", {"message": QUESTIONS[0], "health_context": HEALTH}, 30, True),
                ("second chat turn", "/chat", {"message": QUESTIONS[1], "health_context": HEALTH}, 15, True),
                (
                    "third, sent at once",
                    "/chat",
                    {"message": QUESTIONS[2], "health_context": HEALTH},
                    None,
                    False,
                ),
                ("food parse", "/nutrition/parse", {"food_text": "two eggs and toast with butter"}, 10, True),
            ]
            for label, path, body, target, idle in checks:
                # A chat's background learning also asks the model. Most calls start with the model idle
                # (a user reads the reply before writing again); the third turn is sent while the second's
                # learning runs, which gives way to it (`airfit.llm.priority`).
                if idle:
                    llama.wait_idle()
                began = time.perf_counter()
                answer = client.post(path, json=body).json()
                elapsed = time.perf_counter() - began
                detail = "" if answer.get("success") else f"  failed: {answer.get('error')}"
                if target is None:
                    print(f"{label:20s} {elapsed:6.2f} s  (the second turn's learning running){detail}")
                    continue
                verdict = "ok" if elapsed < target and answer.get("success") else "MISSED"
                print(f"{label:20s} {elapsed:6.2f} s  (target < {target} s)  {verdict}{detail}")


def main() -> None:
    """Run the phases and print their figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=4)
    parser.add_argument("--skip-real", action="store_true", help="no tokenizer, no latency phase")
    args = parser.parse_args()
    model = None
    if not args.skip_real:
        model = installed_model()
        if model is None:
            problem = install()
            model = installed_model()
            if model is None:
                raise SystemExit(f"the real model could not be installed: {problem}")
    prompt_phase(args.turns, model)
    if model is not None:
        latency_phase(model)


if __name__ == "__main__":
    main()
