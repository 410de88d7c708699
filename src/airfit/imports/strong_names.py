"""Strong's names of the common lifts -> Hevy's names for the same exercise.

Workouts from Strong's export join the history Hevy's workouts build (PRs, e1RM, the set tracker), so an
exercise must carry one name whichever app logged it. This table covers the lifts most people log; a name
it does not hold is kept as Strong writes it and listed in the import's report, so nothing is lost and the
table can grow. Names the two apps share are listed too: a listed name is a known one.
"""

from __future__ import annotations

HEVY_NAME: dict[str, str] = {
    # Chest
    "Bench Press (Barbell)": "Bench Press (Barbell)",
    "Bench Press (Dumbbell)": "Bench Press (Dumbbell)",
    "Incline Bench Press (Barbell)": "Incline Bench Press (Barbell)",
    "Incline Bench Press (Dumbbell)": "Incline Bench Press (Dumbbell)",
    "Decline Bench Press (Barbell)": "Decline Bench Press (Barbell)",
    "Chest Fly (Dumbbell)": "Chest Fly (Dumbbell)",
    "Cable Crossover": "Cable Fly Crossovers",
    "Chest Dip": "Chest Dip",
    "Push Up": "Push Up",
    # Back
    "Deadlift (Barbell)": "Deadlift (Barbell)",
    "Sumo Deadlift (Barbell)": "Sumo Deadlift",
    "Pull Up": "Pull Up",
    "Chin Up": "Chin Up",
    "Lat Pulldown (Cable)": "Lat Pulldown (Cable)",
    "Seated Row (Cable)": "Seated Cable Row - V Grip (Cable)",
    "Bent Over Row (Barbell)": "Bent Over Row (Barbell)",
    "Bent Over One Arm Row (Dumbbell)": "Dumbbell Row",
    "T Bar Row": "T Bar Row",
    "Shrug (Barbell)": "Shrug (Barbell)",
    "Shrug (Dumbbell)": "Shrug (Dumbbell)",
    "Back Extension": "Back Extension (Hyperextension)",
    # Shoulders
    "Overhead Press (Barbell)": "Overhead Press (Barbell)",
    "Overhead Press (Dumbbell)": "Shoulder Press (Dumbbell)",
    "Seated Overhead Press (Dumbbell)": "Seated Shoulder Press (Dumbbell)",
    "Lateral Raise (Dumbbell)": "Lateral Raise (Dumbbell)",
    "Lateral Raise (Cable)": "Lateral Raise (Cable)",
    "Face Pull (Cable)": "Face Pull",
    "Reverse Fly (Dumbbell)": "Rear Delt Reverse Fly (Dumbbell)",
    "Upright Row (Barbell)": "Upright Row (Barbell)",
    # Arms
    "Bicep Curl (Barbell)": "Bicep Curl (Barbell)",
    "Bicep Curl (Dumbbell)": "Bicep Curl (Dumbbell)",
    "Bicep Curl (Cable)": "Bicep Curl (Cable)",
    "Hammer Curl (Dumbbell)": "Hammer Curl (Dumbbell)",
    "Preacher Curl (Barbell)": "Preacher Curl (Barbell)",
    "Triceps Pushdown (Cable - Straight Bar)": "Triceps Pushdown",
    "Triceps Extension (Cable)": "Triceps Rope Pushdown",
    "Skullcrusher (Barbell)": "Skullcrusher (Barbell)",
    "Triceps Dip": "Triceps Dip",
    # Legs
    "Squat (Barbell)": "Squat (Barbell)",
    "Front Squat (Barbell)": "Front Squat",
    "Romanian Deadlift (Barbell)": "Romanian Deadlift (Barbell)",
    "Romanian Deadlift (Dumbbell)": "Romanian Deadlift (Dumbbell)",
    "Leg Press": "Leg Press (Machine)",
    "Leg Extension (Machine)": "Leg Extension (Machine)",
    "Lying Leg Curl (Machine)": "Lying Leg Curl (Machine)",
    "Seated Leg Curl (Machine)": "Seated Leg Curl (Machine)",
    "Standing Calf Raise (Machine)": "Standing Calf Raise (Machine)",
    "Seated Calf Raise (Machine)": "Seated Calf Raise",
    "Hip Thrust (Barbell)": "Hip Thrust (Barbell)",
    "Bulgarian Split Squat (Dumbbell)": "Bulgarian Split Squat",
    "Lunge (Dumbbell)": "Lunge (Dumbbell)",
    "Goblet Squat (Kettlebell)": "Goblet Squat",
    # Core
    "Plank": "Plank",
    "Crunch": "Crunch",
    "Hanging Leg Raise": "Hanging Leg Raise",
    "Russian Twist": "Russian Twist (Weighted)",
    # Cardio
    "Running (Treadmill)": "Treadmill",
    "Cycling (Indoor)": "Spinning",
    "Rowing (Machine)": "Rowing Machine",
}
"""Strong's name -> Hevy's name."""


def hevy_name(strong: str) -> str | None:
    """Hevy's name of an exercise Strong calls `strong`; None when the table does not hold it."""
    return HEVY_NAME.get(strong.strip())
