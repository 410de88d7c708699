"""Food estimates, corrections and the macro check-in: every number is validated into an integer before it
is returned."""

from __future__ import annotations

from airfit.config import CallKind
from airfit.llm.router import LLMRouter
from airfit.llm.structured import ask_structured
from airfit.nutrition.models import (
    ComponentOut,
    CorrectedFood,
    CorrectRequest,
    CorrectResponse,
    ParsedFood,
    ParseResponse,
    StatusRequest,
    StatusResponse,
)
from airfit.profile.models import MacroTargets, UserProfile
from airfit.profile.service import ProfileService

PARSE_SYSTEM = (
    "You estimate nutrition for food descriptions. Reply with only a JSON object: "
    '{"name": str, "calories": int, "protein": int, "carbs": int, "fat": int, '
    '"confidence": "high"|"medium"|"low", "components": [{"name", "calories", "protein", "carbs", "fat"}]}. '
    "Whole numbers, grams for macros. List components only for meals with several items. Use typical "
    "portion sizes when none is given."
)
CORRECT_SYSTEM = (
    "You adjust a nutrition estimate after the user's correction. Rules of thumb: 'large' is about 1.5x, "
    "'two' is 2x, 'half' is 0.5x, grilled instead of fried means less fat; add or remove items as told. "
    'Reply with only a JSON object: {"name", "calories", "protein", "carbs", "fat", "reasoning"} '
    "with whole numbers."
)
STATUS_SYSTEM = "You are a casual, encouraging fitness buddy. Reply in 1-2 short sentences, no lists."
FEEDBACK_FAILED = "Couldn't get feedback right now."
# Targets for a user whose profile has none (set your own in the profile): more energy on training days.
DEFAULT_TRAINING = MacroTargets(calories=2600, protein=175, carbs=330, fat=67)
DEFAULT_REST = MacroTargets(calories=2200, protein=175, carbs=250, fat=57)


async def parse_food(router: LLMRouter, food_text: str) -> ParseResponse:
    """Food text to macros; a bad answer is retried once, then `success: false` with the reason."""
    if not food_text.strip():
        return ParseResponse(success=False, error="food_text is empty")
    answer = await ask_structured(
        router,
        ParsedFood,
        f"Parse this food:\n<food>{food_text}</food>",
        kind=CallKind.FOOD,
        system_prompt=PARSE_SYSTEM,
    )
    if answer.value is None:
        return ParseResponse(success=False, error=f"Could not parse nutrition data: {answer.error}")
    food = answer.value
    return ParseResponse(
        success=True,
        name=food.name or food_text.strip()[:200],
        calories=food.calories,
        protein=food.protein,
        carbs=food.carbs,
        fat=food.fat,
        confidence=food.confidence,
        components=[ComponentOut(**c.model_dump()) for c in food.components],
    )


async def correct_food(router: LLMRouter, request: CorrectRequest) -> CorrectResponse:
    """Apply the user's correction to an estimate; missing answer fields keep the original values."""
    prompt = (
        f"Original: {request.original_name}: {request.original_calories} kcal, "
        f"{request.original_protein}g protein, {request.original_carbs}g carbs, {request.original_fat}g fat\n"
        f"User correction: <correction>{request.correction}</correction>"
    )
    answer = await ask_structured(
        router, CorrectedFood, prompt, kind=CallKind.FOOD, system_prompt=CORRECT_SYSTEM
    )
    if answer.value is None:
        return CorrectResponse(success=False, error=f"Could not apply correction: {answer.error}")
    fixed = answer.value
    return CorrectResponse(
        success=True,
        name=fixed.name or request.original_name,
        calories=fixed.calories if fixed.calories is not None else request.original_calories,
        protein=fixed.protein if fixed.protein is not None else request.original_protein,
        carbs=fixed.carbs if fixed.carbs is not None else request.original_carbs,
        fat=fixed.fat if fixed.fat is not None else request.original_fat,
    )


def day_targets(profile: UserProfile, *, training_day: bool) -> dict[str, int]:
    """The user's targets for a training or rest day (each macro falls back to the default)."""
    mine = profile.training_day_targets if training_day else profile.rest_day_targets
    fallback = DEFAULT_TRAINING if training_day else DEFAULT_REST
    targets = {}
    for macro in ("calories", "protein", "carbs", "fat"):
        value = mine.value(macro) or fallback.value(macro) or 0
        targets[macro] = round(value)
    return targets


async def macro_feedback(router: LLMRouter, profile: UserProfile, intake: StatusRequest) -> StatusResponse:
    """A short check-in on today's intake against the user's own targets."""
    targets = day_targets(profile, training_day=intake.is_training_day)
    eaten = {"calories": intake.calories, "protein": intake.protein, "carbs": intake.carbs, "fat": intake.fat}
    units = {"calories": " kcal", "protein": "g", "carbs": "g", "fat": "g"}
    lines = [
        f"- {m}: {eaten[m]}{units[m]} of {targets[m]}{units[m]} ({targets[m] - eaten[m]}{units[m]} left)"
        for m in eaten
    ]
    day = "training day" if intake.is_training_day else "rest day"
    prompt = (
        f"Today is a {day}. Intake so far vs targets:\n" + "\n".join(lines) + "\n\nGive a quick check-in."
    )
    result = await router.complete(prompt, kind=CallKind.FOOD, system_prompt=STATUS_SYSTEM)
    if not result.success or not result.text.strip():
        return StatusResponse(feedback=FEEDBACK_FAILED, error=result.error or "empty answer")
    return StatusResponse(feedback=result.text.strip())


class NutritionService:
    """Food estimates and the macro check-in; stores nothing (the phone owns individual meals)."""

    def __init__(self, llm: LLMRouter, profiles: ProfileService) -> None:
        self.llm = llm
        self.profiles = profiles

    async def parse(self, food_text: str) -> ParseResponse:
        """Food text to macros (`parse_food`)."""
        return await parse_food(self.llm, food_text)

    async def correct(self, request: CorrectRequest) -> CorrectResponse:
        """An estimate after the user's correction (`correct_food`)."""
        return await correct_food(self.llm, request)

    async def check_in(self, user_id: str, intake: StatusRequest) -> StatusResponse:
        """Feedback on the day's intake against the user's own targets (`macro_feedback`)."""
        return await macro_feedback(self.llm, await self.profiles.get(user_id), intake)
