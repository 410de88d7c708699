"""An application dropped is freed: nothing global (FastAPI's caches of the callables it has inspected among
them) keeps one alive. The tests build hundreds; each kept would cost every later garbage collection."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from airfit.app import create_app
from tests.live import make_settings


def test_a_dropped_app_is_freed(tmp_path: Path) -> None:
    apps = [weakref.ref(create_app(make_settings(tmp_path / f"data{n}"))) for n in range(2)]
    gc.collect()
    assert [app() is None for app in apps] == [True, True]
