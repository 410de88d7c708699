"""The repository stands alone: no test, bench or source file reads anything outside it.

Two checks. A static one reads every tracked file for paths that leave the checkout (a relative path read
from above the root, an absolute path into the folder that holds the checkout, `Path(__file__)` climbing
above the root); it names no outside folder itself.
A dynamic one copies the repository into an empty temporary folder and, with an audit hook recording
every file Python opens, collects the whole suite and runs every data generator the tests and benches use
from the copy: anything opened outside the copy and the Python installation fails the test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCANNED = re.compile(r"\.(py|md|toml|sh|txt|cfg|ini|json|ya?ml)$|^\.ci/")
SKIPPED_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", "data"}
CLIMBING_LITERAL = re.compile(r"""['"](?:\.\./)+""")
"""A quoted relative path that starts by leaving the folder it is read from (tests run from the root)..."""
READING = re.compile(r"\b(?:Path|open|read_text|read_bytes|iterdir|r?glob|listdir|scandir)\(|sys\.path|cwd=")
"""...on a line that reads or lists files (path-trick tests send such strings to the API and read none)."""
TEMPFILE_PROBE = re.compile(r"[a-z0-9_]{8}")
CLIMB = re.compile(r"__file__\)(?:\.resolve\(\))?(?P<chain>(?:\.parent\b)+|\.parents\[(?P<n>\d+)\])")
CITED_DOCUMENT = re.compile(r"\b[\w./-]*[A-Za-z]\w*\.md\b")
"""A Markdown file named in code or docs: it must be one the repository holds..."""
MEMORY_FILES = {"relationship.md", "index.md"}
"""...except the single-user server's memory files, which `airfit migrate` reads (data, not documents)."""
SECTION_NUMBER = re.compile(r"§\s?\d|\bcontract [A-Z]\d|\bprompt P\d|\(P\d\)")
"""Numbered sections and codes of documents the repository does not hold (its own cite sections by name)."""

PROBE = """
import json, os, sys
opened = []
def record(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        opened.append(os.path.abspath(os.fsdecode(args[0])))
sys.addaudithook(record)

from datetime import date
import pytest
collected = int(pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", "tests"]))
sys.path.insert(0, "bench")
import harness
from tests.fakes.hevy import generated_workouts
from tests.health.days import generated_days
from tests.insights.data import complete_days, flat_days, gen_days, gen_workouts
from pathlib import Path
from airfit.demo.apple_health import write_export
today = date(2025, 6, 30)
made = [
    harness.generated_days(30), harness.generated_workouts(4), generated_workouts(4), generated_days(30),
    gen_days(30, 1, today), flat_days(30, 1, today), complete_days(30, 1, today), gen_workouts(4, 1, today),
    write_export(Path("probe-export.zip"), days=3, zipped=True).days,
]
with open(sys.argv[1], "w") as out:
    json.dump({"collected": collected, "made": [len(m) for m in made], "opened": opened}, out)
"""


def _repository_files() -> list[Path]:
    """Tracked and new (not ignored) files, or a plain walk when this is not a git checkout."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        check=False,
    )
    if listed.returncode == 0:
        files = [REPO / name for name in listed.stdout.decode().split("\0") if name]
        return [f for f in files if f.is_file()]
    return [p for p in REPO.rglob("*") if p.is_file() and not SKIPPED_DIRS & set(p.relative_to(REPO).parts)]


def _tempfile_probe(path: Path) -> bool:
    """`tempfile` checks that the temporary folder is writable by opening it and a random name in it."""
    temp = Path(tempfile.gettempdir())
    return path == temp or (path.parent == temp and TEMPFILE_PROBE.fullmatch(path.name) is not None)


def test_no_file_names_a_path_outside_the_repository() -> None:
    # The folder that holds this checkout, as an absolute path a file might name (none at the root).
    beside = f"{REPO.parent}/" if REPO.parent != REPO.parent.parent else ""
    problems = []
    for path in _repository_files():
        relative = path.relative_to(REPO).as_posix()
        if path.resolve() == Path(__file__).resolve() or not SCANNED.search(relative):
            continue
        text = path.read_text(errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if (CLIMBING_LITERAL.search(line) and READING.search(line)) or (beside and beside in line):
                problems.append(f"{relative}:{number}: {line.strip()}")
            for match in CLIMB.finditer(line):
                levels = int(match["n"]) + 1 if match["n"] else match["chain"].count(".parent")
                target = path.resolve()
                for _ in range(levels):
                    target = target.parent
                if not target.is_relative_to(REPO):
                    problems.append(f"{relative}:{number}: climbs above the repository: {line.strip()}")
    assert problems == []


def test_every_cited_document_is_in_the_repository() -> None:
    files = _repository_files()
    held = {path.name for path in files} | {path.relative_to(REPO).as_posix() for path in files}
    problems = []
    for path in files:
        relative = path.relative_to(REPO).as_posix()
        if path.resolve() == Path(__file__).resolve() or not SCANNED.search(relative):
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            named = [name for name in CITED_DOCUMENT.findall(line) if Path(name).name not in MEMORY_FILES]
            missing = [name for name in named if name.lstrip("./") not in held]
            if missing or SECTION_NUMBER.search(line):
                problems.append(f"{relative}:{number}: {line.strip()}")
    assert problems == []


def test_a_copy_in_an_empty_folder_reads_nothing_outside_itself(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    for path in _repository_files():
        target = clone / path.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    report = tmp_path / "report.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFIT_", "HEVY_", "PYTHON"))}
    env["PYTHONPATH"] = os.pathsep.join([str(clone / "src"), str(clone)])
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(report)],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    found = json.loads(report.read_text())
    assert found["collected"] == 0, result.stdout[-3000:]
    assert all(found["made"])
    allowed = [clone, *(Path(p).resolve() for p in {sys.prefix, sys.base_prefix, sys.exec_prefix})]
    system = [Path(p) for p in ("/usr", "/etc", "/proc", "/sys", "/dev", "/lib", "/lib64", "/opt")]
    outside = sorted(
        {
            path
            for path in found["opened"]
            if not any(Path(path).resolve().is_relative_to(root) for root in allowed)
            and not any(Path(path).is_relative_to(root) for root in system)
            and path != str(report)
            and not _tempfile_probe(Path(path))
        }
    )
    assert outside == [], f"files opened outside the copy and the Python installation: {outside}"
