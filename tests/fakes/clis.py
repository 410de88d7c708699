"""Install the fake CLI tools in a directory and drive them from tests."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parent / "cli" / "fake_llm.py"
NAMES = ("claude", "gemini", "codex")
LEARNING_MARK = "Extract only NEW information"
"""Text of the background profile-extraction prompt: those calls answer "{}" unless a test says otherwise."""
LEARNING_RULE = {"match": LEARNING_MARK, "reply": "{}"}


@dataclass
class FakeClis:
    """Fake `claude`, `gemini` and `codex` executables in `bin_dir`."""

    bin_dir: Path

    @classmethod
    def install(cls, bin_dir: Path) -> FakeClis:
        """Write the executables (shebang: this interpreter) into `bin_dir`."""
        bin_dir.mkdir(parents=True, exist_ok=True)
        body = SCRIPT.read_text().split("\n", 1)[1]
        for name in NAMES:
            path = bin_dir / name
            path.write_text(f"#!{sys.executable}\n{body}")
            path.chmod(0o755)
        fakes = cls(bin_dir)
        for name in NAMES:
            fakes.configure(name)
        return fakes

    def settings(self, providers: str = "claude,gemini,codex") -> dict[str, Any]:
        """Setting overrides pointing the server at these executables."""
        return {
            "providers": providers,
            "claude_cli": str(self.bin_dir / "claude"),
            "gemini_cli": str(self.bin_dir / "gemini"),
            "codex_cli": str(self.bin_dir / "codex"),
        }

    def env(self) -> dict[str, str]:
        """Environment for a server process: these executables first on PATH."""
        return {"PATH": f"{self.bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}

    def configure(
        self, name: str, *, default: dict[str, Any] | None = None, rules: list[dict[str, Any]] | None = None
    ) -> None:
        """How `name` answers from now on."""
        scripted = [*(rules or []), LEARNING_RULE]
        (self.bin_dir / f"{name}.json").write_text(json.dumps({"default": default or {}, "rules": scripted}))

    def calls(self, name: str, *, learning: bool = False) -> list[dict[str, Any]]:
        """Recorded calls of `name` (argv, stdin, pid, child pid); background learning calls only if asked."""
        path = self.bin_dir / f"{name}.calls.jsonl"
        if not path.exists():
            return []
        calls = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        return [c for c in calls if (LEARNING_MARK in c["stdin"]) == learning]

    def known_sessions(self) -> list[str]:
        """Session ids the fake claude has created."""
        path = self.bin_dir / "claude.sessions.json"
        return json.loads(path.read_text()) if path.exists() else []
