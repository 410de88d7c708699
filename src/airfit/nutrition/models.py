"""Wire models of `/nutrition/parse|correct|status` (docs/ios-contract.md § Nutrition) and the LLM answers."""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

FoodText = Annotated[str, StringConstraints(max_length=2_000)]
MAX_MACRO = 20_000


def _macro(value: Any) -> Any:
    """A whole number from a number or numeric string; null means unknown (0); anything else is invalid."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise ValueError("a number is required")
    if isinstance(value, str):
        text = value.strip().lower().removesuffix("kcal").removesuffix("g").strip()
        try:
            value = float(text)
        except ValueError as exc:
            raise ValueError(f"not a number: {value!r}") from exc
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        return round(value)
    return value


Macro = Annotated[int, BeforeValidator(_macro), Field(ge=0, le=MAX_MACRO)]


def _confidence(value: Any) -> str:
    text = str(value or "").strip().lower()
    return text if text in ("high", "medium", "low") else "low"


class _Macros(BaseModel):
    model_config = ConfigDict(extra="ignore")

    calories: Macro = 0
    protein: Macro = 0
    carbs: Macro = 0
    fat: Macro = 0

    @model_validator(mode="after")
    def _plausible(self) -> _Macros:
        # Calories far from 4P + 4C + 9F mean the model confused fields or invented numbers.
        from_macros = 4 * self.protein + 4 * self.carbs + 9 * self.fat
        if self.calories >= 50 and from_macros >= 50:
            ratio = self.calories / from_macros
            if not 0.5 <= ratio <= 2.0:
                raise ValueError(f"calories {self.calories} do not match the macros ({from_macros} kcal)")
        return self


class FoodComponent(_Macros):
    """One item of a meal."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ParsedFood(_Macros):
    """What the LLM must return for a food description."""

    name: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=200)] = None
    confidence: Annotated[str, BeforeValidator(_confidence)] = "low"
    components: list[FoodComponent] = Field(default_factory=list, max_length=30)


class CorrectedFood(BaseModel):
    """What the LLM must return for a correction; a missing field keeps the estimate's value."""

    model_config = ConfigDict(extra="ignore")

    name: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=200)] = None
    calories: Annotated[int | None, BeforeValidator(_macro), Field(ge=0, le=MAX_MACRO)] = None
    protein: Annotated[int | None, BeforeValidator(_macro), Field(ge=0, le=MAX_MACRO)] = None
    carbs: Annotated[int | None, BeforeValidator(_macro), Field(ge=0, le=MAX_MACRO)] = None
    fat: Annotated[int | None, BeforeValidator(_macro), Field(ge=0, le=MAX_MACRO)] = None


class ParseRequest(BaseModel):
    """`{"food_text": ...}`."""

    food_text: FoodText


class ComponentOut(BaseModel):
    """A component on the wire: all five keys, integers."""

    name: str
    calories: int
    protein: int
    carbs: int
    fat: int


class ParseResponse(BaseModel):
    """`NutritionParseResponse`; `components` is always an array."""

    success: bool
    name: str | None = None
    calories: int | None = None
    protein: int | None = None
    carbs: int | None = None
    fat: int | None = None
    confidence: str | None = None
    components: list[ComponentOut] = Field(default_factory=list)
    error: str | None = None


class CorrectRequest(BaseModel):
    """The estimate as it was and the user's correction."""

    original_name: FoodText
    original_calories: int
    original_protein: int
    original_carbs: int
    original_fat: int
    correction: FoodText


class CorrectResponse(BaseModel):
    """The corrected estimate."""

    success: bool
    name: str | None = None
    calories: int | None = None
    protein: int | None = None
    carbs: int | None = None
    fat: int | None = None
    error: str | None = None


class StatusRequest(BaseModel):
    """Today's intake so far."""

    calories: int
    protein: int
    carbs: int
    fat: int
    is_training_day: bool = True


class StatusResponse(BaseModel):
    """A one or two sentence check-in (`error` is extra, for logs and other clients)."""

    feedback: str
    error: str | None = None
