"""Which muscle groups an exercise trains, and the weekly working-set zones.

Matching: the equipment suffix is dropped ("Bench Press (Barbell)" -> "bench press"), then an
exact-name table is consulted, then keyword rules that match whole words only, most specific first. There is
no substring matching in either direction, so "ab" cannot match "Cable" and "Walking" is not a lunge.
Arms get credit only from direct work: a bench press or a row counts for chest or back alone, so arm
volume is not inflated by every compound lift (close-grip presses and dips are the named exceptions).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

CHEST, BACK, QUADS, GLUTES, HAMSTRINGS = "chest", "back", "quads", "glutes", "hamstrings"
DELTS, TRICEPS, BICEPS, CALVES, CORE = "delts", "triceps", "biceps", "calves", "core"


class Zone(NamedTuple):
    """Weekly working sets that count as enough and as plenty."""

    min: int
    max: int


ZONES: dict[str, Zone] = {
    CHEST: Zone(12, 20),
    BACK: Zone(12, 20),
    QUADS: Zone(12, 20),
    GLUTES: Zone(12, 22),
    HAMSTRINGS: Zone(10, 18),
    DELTS: Zone(10, 18),
    TRICEPS: Zone(8, 16),
    BICEPS: Zone(8, 16),
    CALVES: Zone(12, 22),
    CORE: Zone(8, 18),
}

# Names whose muscles the keyword rules would get wrong or miss (keys are base names, lower case).
EXACT: dict[str, tuple[str, ...]] = {
    "close grip bench press": (CHEST, TRICEPS),
    "triceps dip": (TRICEPS,),
    "bench dip": (TRICEPS,),
    "chest dip": (CHEST,),
    "dip": (CHEST, TRICEPS),
    "good morning": (HAMSTRINGS, GLUTES),
    "back extension": (GLUTES, HAMSTRINGS),
    "hyperextension": (GLUTES, HAMSTRINGS),
    "glute ham raise": (HAMSTRINGS, GLUTES),
    "kettlebell swing": (GLUTES, HAMSTRINGS),
    "shrug": (BACK,),
    "pullover": (BACK,),
    "straight arm pulldown": (BACK,),
    "push up": (CHEST,),
    "pec deck": (CHEST,),
    "reverse fly": (DELTS,),
    "rear delt fly": (DELTS,),
    "rear delt reverse fly": (DELTS,),
    "face pull": (DELTS,),
    "upright row": (DELTS,),
    "wrist curl": (),
    "reverse wrist curl": (),
    "farmers walk": (),
    "hip abduction": (GLUTES,),
    "hip adduction": (),
}

# (pattern of whole words, muscles), first match wins: specific movements before the generic words
# they contain ("romanian deadlift" before "deadlift", "leg curl" before "curl", "face pull" before "pull").
RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"romanian deadlift|rdl|stiff[ -]legg?e?d? deadlift|single leg deadlift", (HAMSTRINGS, GLUTES)),
    (r"deadlift|rack pull", (BACK, HAMSTRINGS, GLUTES)),
    (r"hip thrust|glute bridge|glute kickback", (GLUTES,)),
    (r"leg curl|hamstring curl|nordic", (HAMSTRINGS,)),
    (r"leg extension", (QUADS,)),
    (r"calf|calves", (CALVES,)),
    (r"leg press|hack squat|squat|lunges?|step ups?|bss|sissy squat", (QUADS, GLUTES)),
    (r"bench press|chest press|push ups?|pushups?|chest fly|flyes?|fly|crossover|pec", (CHEST,)),
    (
        r"overhead press|shoulder press|military press|ohp|arnold press|lateral raise|front raise|"
        r"rear delt|face pull|upright row",
        (DELTS,),
    ),
    (r"pull ups?|pullups?|chin ups?|chinups?|pulldown|lat|rows?|rowing", (BACK,)),
    (r"triceps?|pushdown|skull ?crushers?|kickback", (TRICEPS,)),
    (r"curls?", (BICEPS,)),
    (
        r"crunch(es)?|plank|sit ups?|situps?|ab wheel|ab rollout|abs?|leg raises?|knee raises?|"
        r"russian twist|dead bug|pallof|woodchop(per)?|hollow|oblique",
        (CORE,),
    ),
)

_COMPILED = tuple((re.compile(rf"\b(?:{pattern})\b"), muscles) for pattern, muscles in RULES)
_SUFFIX = re.compile(r"\s*\([^)]*\)\s*")
_SEPARATORS = re.compile(r"[-_/,.]+|\s+")


def base_name(exercise: str) -> str:
    """Lower case, equipment suffix dropped, separators collapsed: "Pull-Up (Weighted)" -> "pull up"."""
    without = _SUFFIX.sub(" ", exercise.lower().replace("'", "").replace("’", ""))
    return _SEPARATORS.sub(" ", without).strip()


@lru_cache(maxsize=2048)
def muscles_for(exercise: str) -> tuple[str, ...]:
    """Muscle groups credited for one set of `exercise`; () when unknown (the set is not counted)."""
    name = base_name(exercise)
    if name in EXACT:
        return EXACT[name]
    for pattern, muscles in _COMPILED:
        if pattern.search(name):
            return muscles
    return ()


def status_of(current: int, zone: Zone) -> str:
    """below, at_floor, in_zone or above."""
    if current < zone.min:
        return "below"
    if current == zone.min:
        return "at_floor"
    if current > zone.max:
        return "above"
    return "in_zone"
