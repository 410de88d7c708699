"""The project's own realistic, seeded data: daily sync payloads, Hevy workouts and a demo household.

`days()` builds what the iOS app's `POST /insights/sync` carries, `hevy_history()` / `workouts()` what the
Hevy API lists; effects (`Trend`, `Plateau`, `Anomaly`, `Gap`, `PR`, `Stall`) inject a known change at a
chosen date, so a detector test can say exactly what it put in. The same seed always gives the same data.
"""

from airfit.demo.days import FLAT, METRICS, Anomaly, Gap, Person, Plateau, Trend, days
from airfit.demo.workouts import PR, HevyHistory, Lifter, Stall, hevy_history, workouts

__all__ = [
    "FLAT",
    "METRICS",
    "PR",
    "Anomaly",
    "Gap",
    "HevyHistory",
    "Lifter",
    "Person",
    "Plateau",
    "Stall",
    "Trend",
    "days",
    "hevy_history",
    "workouts",
]
