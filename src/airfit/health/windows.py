"""Date windows: "the last N days" always means exactly N local dates ending today in the user's zone.

`[today - N, today]` would be N+1 days, and the server's clock the wrong calendar for a user elsewhere; every
window goes through here instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from airfit.health.models import ContextStore, DailySnapshot


@dataclass(frozen=True)
class Window:
    """`days` consecutive local dates ending at `end` (inclusive)."""

    end: date
    days: int

    @property
    def start(self) -> date:
        """The first date of the window."""
        return self.end - timedelta(days=self.days - 1)

    def dates(self) -> list[str]:
        """Every date of the window as `YYYY-MM-DD`, oldest first."""
        start = self.start
        return [(start + timedelta(days=i)).isoformat() for i in range(self.days)]

    def snapshots(self, store: ContextStore) -> list[DailySnapshot]:
        """The stored snapshots that fall inside the window, oldest first."""
        found = store.snapshots
        return [found[d] for d in self.dates() if d in found]


def last_days(days: int, *, today: date) -> Window:
    """The window of the last `days` days (at least one) ending `today`."""
    return Window(end=today, days=max(1, days))
