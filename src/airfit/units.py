"""Units: what is stored, and what each person reads and types.

Storage, archives and the iOS app's wire format keep one unit per quantity (`STORED`: body mass in lb, food
energy in kcal; docs/ios-contract.md § Daily sync), whatever anyone chose. Each user picks the units they read
and type (`PATCH /me {"units": ...}`); this module is the one place that converts between the two: the texts
the server writes for people (insights, the coach's context, tool answers) call `show`/`text`, and the web
client is handed `conversions(units)` (factor and shown precision) by `GET /me`, so its numbers follow the
same rule.

A value typed at the shown precision survives a round trip: `shown(stored(x)) == x` (tests/test_units.py).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

KG_PER_LB = 0.45359237
"""The international pound, exactly."""
KJ_PER_KCAL = 4.184
"""The thermochemical kilocalorie, exactly (the one food labels use)."""
STORED_DIGITS = 3
"""Decimals a converted value is stored with: far finer than any shown precision (0.001 lb is 0.5 g)."""


class Quantity(StrEnum):
    """What a number measures, when its unit is the user's choice."""

    MASS = "mass"
    ENERGY = "energy"


class MassUnit(StrEnum):
    """Body mass and loads as a person reads them."""

    KG = "kg"
    LB = "lb"


class EnergyUnit(StrEnum):
    """Food and activity energy as a person reads them."""

    KCAL = "kcal"
    KJ = "kJ"


class LengthUnit(StrEnum):
    """Height as a person types it."""

    CM = "cm"
    IN = "in"


class Units(BaseModel):
    """One person's units."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mass: MassUnit = MassUnit.LB
    energy: EnergyUnit = EnergyUnit.KCAL
    length: LengthUnit = LengthUnit.IN


STORED = Units()
"""The units of every stored number (and the default for someone who has not chosen)."""
ARCHIVE_UNITS = {
    "mass": "lb (body weight, lean mass, target weight: fields ending _lbs)",
    "energy": "kcal (food and active energy: calories, active_calories)",
    "load": "kg (training loads and volume as Hevy sends them: fields ending _kg)",
}
"""What an exported archive's numbers are in, whatever units its owner reads (written into its manifest)."""


class UnitsUpdate(BaseModel):
    """Part of `PATCH /me`: the units to change; those left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    mass: MassUnit | None = Field(None, description="kg or lb: body weight, lean mass, training loads.")
    energy: EnergyUnit | None = Field(None, description="kcal or kJ: food and active energy.")
    length: LengthUnit | None = Field(None, description="cm or in: height.")

    def applied_to(self, units: Units) -> Units:
        """`units` with the values this update sends."""
        return units.model_copy(update=self.model_dump(exclude_none=True))


class Conversion(BaseModel):
    """How to show a stored number in a user's unit: `round(stored * factor, digits)`, then the label."""

    unit: str = Field(description="The unit's label, e.g. `kg`.")
    factor: float = Field(description="Shown value per stored unit (1 when the user reads the stored unit).")
    digits: int = Field(description="Decimals shown; -1 rounds to tens (kJ).")


# The label people read, the factor from the stored unit, and the precision they read it at. Body mass keeps
# one decimal in either unit (a scale's resolution); kcal are whole numbers and kJ, four times finer and
# summed from whole kcal, are shown to the nearest ten.
_CONVERSIONS: dict[Quantity, dict[str, Conversion]] = {
    Quantity.MASS: {
        MassUnit.LB: Conversion(unit="lbs", factor=1.0, digits=1),
        MassUnit.KG: Conversion(unit="kg", factor=KG_PER_LB, digits=1),
    },
    Quantity.ENERGY: {
        EnergyUnit.KCAL: Conversion(unit="kcal", factor=1.0, digits=0),
        EnergyUnit.KJ: Conversion(unit="kJ", factor=KJ_PER_KCAL, digits=-1),
    },
}


def conversion(quantity: Quantity, units: Units) -> Conversion:
    """How `units` shows a stored number of `quantity`."""
    return _CONVERSIONS[quantity][getattr(units, quantity.value)]


def conversions(units: Units) -> dict[Quantity, Conversion]:
    """Every quantity's conversion for `units` (what `GET /me` hands the web client)."""
    return {quantity: conversion(quantity, units) for quantity in Quantity}


def label(quantity: Quantity, units: Units) -> str:
    """The unit a person reads, e.g. `kg`."""
    return conversion(quantity, units).unit


def show(value: float, quantity: Quantity, units: Units) -> float:
    """A stored value in the user's unit at the precision they read it."""
    found = conversion(quantity, units)
    return _round(value * found.factor, found.digits)


def stored(value: float, quantity: Quantity, units: Units) -> float:
    """A value typed in the user's unit, in the stored unit (the web client does the same with the factor
    `GET /me` gives it; tests/test_units.py holds the round trip to this rule)."""
    return round(value / conversion(quantity, units).factor, STORED_DIGITS)


def text(
    value: float, quantity: Quantity, units: Units, *, digits: int | None = None, signed: bool = False
) -> str:
    """A stored value as a person reads it, e.g. "68.0 kg" or "+1,230 kJ" (`digits` overrides the precision,
    for rates such as "0.35 kg/week")."""
    found = conversion(quantity, units)
    places = found.digits if digits is None else digits
    number = _round(value * found.factor, places)
    sign = "+" if signed else ""
    return f"{number:{sign},.{max(0, places)}f} {found.unit}"


def instruction(units: Units) -> str:
    """A line for an LLM's prompt: the units to write numbers in, when they are not the stored ones."""
    if (units.mass, units.energy) == (STORED.mass, STORED.energy):
        return ""
    mass, energy = label(Quantity.MASS, units), label(Quantity.ENERGY, units)
    return (
        f"This person reads body weight and loads in {mass} and energy in {energy}: write every such number "
        f"in {mass} and {energy} (stored data in lbs and kcal converts at 1 lb = {KG_PER_LB:.4f} kg and "
        f"1 kcal = {KJ_PER_KCAL} kJ)."
    )


def _round(value: float, digits: int) -> float:
    rounded = round(value, digits)
    return rounded + 0.0  # no "-0.0" for a small negative difference
