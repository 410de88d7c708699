"""Every kind of stored document, in one list.

Whole-user operations (export, import, `airfit doctor`) validate documents by kind, so the CLI imports this
module rather than relying on whichever domains its command happened to import.
"""

from __future__ import annotations

from typing import Any

from airfit.coach.memory import MEMORIES
from airfit.health.models import CONTEXT_STORE, MEAL_BOOK
from airfit.imports.models import IMPORT_JOBS
from airfit.insights.models import INSIGHTS
from airfit.llm.models import CHAT_HISTORY, SESSIONS
from airfit.profile.models import PROFILE
from airfit.scheduler.models import SCHEDULER_STATE
from airfit.storage import Document
from airfit.training.models import EXERCISE_STORE, SECRETS, WORKOUTS
from airfit.users.models import TOKENS, USERS
from airfit.users.signin import LOGIN_CODES, SIGNIN_ATTEMPTS

ALL_DOCUMENTS: tuple[Document[Any], ...] = (
    USERS,
    TOKENS,
    LOGIN_CODES,
    SIGNIN_ATTEMPTS,
    SESSIONS,
    PROFILE,
    CONTEXT_STORE,
    MEAL_BOOK,
    INSIGHTS,
    EXERCISE_STORE,
    WORKOUTS,
    SECRETS,
    CHAT_HISTORY,
    MEMORIES,
    SCHEDULER_STATE,
    IMPORT_JOBS,
)
