"""Command-line providers (claude, gemini, codex), run as asyncio subprocesses.

The prompt always goes through stdin: argv is size-limited (128 KiB per argument on Linux) and visible to
every local user in `ps`. Each tool runs in its own session (process group), so a timed-out call kills the
tool and everything it started; no orphan is left behind.

Each call is confined, because a user (or text planted in their data) can ask the coach for anything:
- it runs in a fresh empty directory under a private root outside the data directory (`Workspaces`), so no
  household file is in its working tree;
- the CLI's own flags take away its built-in file, shell and web tools (`CLAUDE_DISALLOWED_TOOLS`, the gemini
  deny-all policy, `CODEX_CONFINEMENT`), leaving the claude CLI only the caller's MCP data tools;
- its environment is reduced to what a CLI needs to run and sign in (`cli_environment`): no `AIRFIT_*`
  setting, no Hevy key, nothing else the server process holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import stat
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from airfit.llm.models import LLMRequest, ProviderError, SessionInUseError, SessionLostError, Turn

ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")
# Notices the tools print around the answer. Matched against the whole line, so a coach reply that merely
# mentions "data collection" or "is disabled" is kept: an answer may well talk about those.
NOTICE_LINES = [
    re.compile(r"^data collection is disabled\.?$", re.IGNORECASE),
    re.compile(r"^loaded cached credentials\.?$", re.IGNORECASE),
    re.compile(r"^\[?(info|warn|warning)\]?:? .*(telemetry|usage statistics|data collection).*$", re.I),
]
LOST_SESSION = re.compile(r"no conversation found|session .*not found", re.IGNORECASE)
SESSION_IN_USE = re.compile(r"session id .* is already in use|already in use", re.IGNORECASE)
STDERR_LIMIT = 500


@dataclass(frozen=True)
class CliOutput:
    """What a finished tool printed."""

    returncode: int
    stdout: str
    stderr: str


def clean_output(text: str) -> str:
    """The answer without ANSI escapes and the tools' own notice lines."""
    lines = ANSI.sub("", text).replace("\r\n", "\n").split("\n")
    kept = [line for line in lines if not any(p.fullmatch(line.strip()) for p in NOTICE_LINES)]
    return "\n".join(kept).strip()


def _kill_group(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


BASE_ENVIRONMENT = frozenset(
    {
        "PATH",
        "HOME",
        "USER",
        "LOGNAME",
        "LANG",
        "LANGUAGE",
        "TZ",
        "TMPDIR",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "NODE_EXTRA_CA_CERTS",
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "XDG_CACHE_HOME",
        "XDG_STATE_HOME",
        "XDG_RUNTIME_DIR",
        *(
            name
            for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY")
            for name in (proxy, proxy.lower())
        ),
    }
)
"""What every CLI may need to start, find its own configuration and sign-in (under HOME) and reach its API."""


def cli_environment(prefixes: tuple[str, ...], extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of one CLI call: the base names, the CLI's own variables (`prefixes`), `extra`."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if name in BASE_ENVIRONMENT or name.startswith(("LC_", *prefixes))
    }
    return {**kept, **(extra or {})}


async def run_tool(
    argv: list[str], prompt: str, timeout: float, *, env: dict[str, str], cwd: Path
) -> CliOutput:
    """Run one tool with `prompt` on stdin, in `cwd` with exactly `env`; kill its whole process group if it
    outlives `timeout`."""
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
            env=env,
            cwd=cwd,
        )
    except OSError as exc:
        raise ProviderError(f"cannot start {argv[0]}: {exc.strerror or exc}") from exc
    try:
        stdout, stderr = await asyncio.wait_for(proc.communicate(prompt.encode()), timeout)
    except TimeoutError:
        raise ProviderError(f"timed out after {timeout:.0f} s") from None
    finally:
        # Also reached when the request is cancelled: the tool (and its children) must not outlive the call.
        if proc.returncode is None:
            _kill_group(proc)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(proc.wait(), 5)
        else:
            # A tool that exited may still have left children in its group.
            _kill_group(proc)
    return CliOutput(proc.returncode or 0, stdout.decode(errors="replace"), stderr.decode(errors="replace"))


def _answer(output: CliOutput) -> str:
    """The cleaned answer of a finished tool, or a ProviderError saying why there is none."""
    if output.returncode != 0:
        detail = clean_output(output.stderr)[:STDERR_LIMIT] or clean_output(output.stdout)[:STDERR_LIMIT]
        message = detail or f"exit code {output.returncode}"
        if LOST_SESSION.search(message):
            raise SessionLostError(message)
        if SESSION_IN_USE.search(message):
            raise SessionInUseError(message)
        raise ProviderError(message)
    text = clean_output(output.stdout)
    if not text:
        raise ProviderError("empty answer")
    return text


def history_block(history: list[Turn]) -> str:
    """Earlier turns as plain text, for tools that keep no conversation."""
    lines = [f"{'User' if t.role == 'user' else 'Coach'}: {t.content}" for t in history]
    return "Earlier in this conversation:\n" + "\n".join(lines)


def _joined(system_prompt: str | None, prompt: str, history: list[Turn] | None) -> str:
    parts = [system_prompt] if system_prompt else []
    if history:
        parts.append(history_block(history))
    parts.append(prompt)
    return "\n\n".join(parts)


def _private_file(text: str) -> str:
    fd, path = tempfile.mkstemp(prefix="airfit-system-", suffix=".txt")  # mode 0600
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


_SESSION_NAME = re.compile(r"[A-Za-z0-9-]{1,64}")

GEMINI_DENY_ALL_POLICY = """\
# Written by the AirFit server: the coach's gemini calls get no tool at all (files, shell, web, MCP).
[[rule]]
toolName = "*"
decision = "deny"
priority = 999
"""
"""The gemini CLI's policy rule denying every tool; a global deny also hides the tools from the model."""


def default_workspace_root() -> Path:
    """Where the CLI calls' working directories live: a private directory of this OS user's temp dir."""
    return Path(tempfile.gettempdir()) / f"airfit-cli-{os.getuid()}"


class Workspaces:
    """A private root (0700, owned by this process's user) holding one fresh empty directory per CLI call.

    The root must lie outside the data directory, so that no CLI call ever has a household file in its
    working tree. A call with a session gets a directory named after the session, removed and made anew
    for every call: Claude Code files its sessions under the working directory's path, so `--resume` only
    finds a session from the same path.
    """

    def __init__(self, root: Path, *, data_dir: Path) -> None:
        root = Path(os.path.realpath(root))
        if root.is_relative_to(os.path.realpath(data_dir)):
            raise ProviderError(
                f"the CLI workspace {root} is inside the data directory; set TMPDIR elsewhere"
            )
        self.root = root
        self.gemini_policy = root / "gemini-deny-all.toml"

    def _prepare_root(self) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(self.root)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            # Anyone else who can write there could plant files in (or links to) the calls' directories.
            raise ProviderError(f"the CLI workspace {self.root} is not a private directory of this user")
        if not self.gemini_policy.is_file() or self.gemini_policy.read_text() != GEMINI_DENY_ALL_POLICY:
            self.gemini_policy.write_text(GEMINI_DENY_ALL_POLICY)
            self.gemini_policy.chmod(0o600)

    def _fresh(self, session: str | None) -> Path:
        self._prepare_root()
        if session is None:
            return Path(tempfile.mkdtemp(prefix="call-", dir=self.root))
        if not _SESSION_NAME.fullmatch(session):
            raise ProviderError("a session id must be letters, digits and dashes")
        path = self.root / f"session-{session}"
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(mode=0o700)
        return path

    @contextlib.asynccontextmanager
    async def directory(self, session: str | None = None) -> AsyncIterator[Path]:
        """A new empty directory for one call (the same path for every call of `session`), removed after."""
        path = await asyncio.to_thread(self._fresh, session)
        try:
            yield path
        finally:
            await asyncio.to_thread(shutil.rmtree, path, True)


CLAUDE_DISALLOWED_TOOLS = (
    "Bash",
    "BashOutput",
    "KillShell",
    "Read",
    "Write",
    "Edit",
    "MultiEdit",
    "NotebookEdit",
    "Glob",
    "Grep",
    "LS",
    "WebFetch",
    "WebSearch",
    "Task",
    "Agent",
    "Skill",
)
"""Claude Code's built-in file, shell, web and agent tools, denied by name as well: `--tools ""` (no built-in
tool) has not held in every release, and the read-only ones need no approval in print mode."""
CLAUDE_CONFINEMENT = (
    "--tools",
    "",
    "--disallowedTools",
    ",".join(CLAUDE_DISALLOWED_TOOLS),
    "--strict-mcp-config",
)
CLAUDE_ENVIRONMENT = ("ANTHROPIC_", "CLAUDE_", "AWS_", "VERTEX_", "CLOUD_ML_")
"""Claude Code's own variables: API key or OAuth token, config dir, Bedrock and Vertex credentials."""

CLAUDE_MAX_TOKENS = "CLAUDE_CODE_MAX_OUTPUT_TOKENS"
"""The claude CLI takes its output limit from the environment only."""


@dataclass(frozen=True)
class ClaudeCli:
    """`claude -p` with the prompt on stdin; named sessions via --session-id, continued with --resume.

    The output limit goes in `CLAUDE_CODE_MAX_OUTPUT_TOKENS`.
    """

    executable: str
    workspaces: Workspaces
    name: str = "claude"
    keeps_sessions: bool = True

    async def complete(self, request: LLMRequest) -> str:
        """One answer; raises SessionLostError when `--resume` names a session the CLI does not know.

        Without a session, earlier turns (if any) are written into the prompt. With tools, the CLI gets
        that user's MCP server (`airfit mcp --user ...`) and nothing else; never a built-in tool.
        """
        argv = [self.executable, "-p", "--output-format", "text", *CLAUDE_CONFINEMENT]
        session_id, prompt, timeout = request.session_id, request.prompt, request.timeout
        if session_id is not None:
            argv += ["--resume", session_id] if request.resume else ["--session-id", session_id]
        if request.tools is not None:
            argv += request.tools.mcp_args
        if session_id is None and request.history:
            prompt = f"{history_block(request.history)}\n\n{prompt}"
        limit = {CLAUDE_MAX_TOKENS: str(request.max_tokens)} if request.max_tokens else None
        env = cli_environment(CLAUDE_ENVIRONMENT, limit)
        async with self.workspaces.directory(session_id) as cwd:
            if not request.system_prompt:
                return _answer(await run_tool(argv, prompt, timeout, env=env, cwd=cwd))
            # The system prompt holds the user's profile and memories: a private file, never argv (see `ps`).
            path = await asyncio.to_thread(_private_file, request.system_prompt)
            try:
                argv += ["--system-prompt-file", path]
                return _answer(await run_tool(argv, prompt, timeout, env=env, cwd=cwd))
            finally:
                await asyncio.to_thread(_remove, path)


@dataclass(frozen=True)
class StatelessCli:
    """A tool that keeps no session: the system prompt and earlier turns travel in the stdin prompt."""

    executable: str
    name: str
    args: tuple[str, ...]
    workspaces: Workspaces
    environment: tuple[str, ...] = field(default=())
    """Prefixes of the CLI's own environment variables (its API key, its config directory)."""
    keeps_sessions: bool = False
    limit_args: tuple[str, ...] = ()
    """Arguments, before `args`, that set the output limit (`{}` is the number); none: it has no way."""

    async def complete(self, request: LLMRequest) -> str:
        """One answer from the tool (it has no way to call the data tools, so `tools` is not used)."""
        limit = [a.format(request.max_tokens) for a in self.limit_args] if request.max_tokens else []
        argv = [self.executable, *limit, *self.args]
        prompt = _joined(request.system_prompt, request.prompt, request.history)
        env = cli_environment(self.environment)
        async with self.workspaces.directory() as cwd:
            return _answer(await run_tool(argv, prompt, request.timeout, env=env, cwd=cwd))


def gemini_cli(executable: str, workspaces: Workspaces) -> StatelessCli:
    """`gemini` in headless mode: stdin is not a terminal, so it reads the prompt from stdin and exits.

    Every tool is denied by a policy-engine rule (`--admin-policy`, the highest tier; ignored only where an
    administrator has installed system policies of their own), and no extension is loaded. It has no
    per-call output limit (only its own settings file has one).
    """
    args = (
        "--admin-policy",
        str(workspaces.gemini_policy),
        "--extensions",
        "none",
        "--output-format",
        "text",
    )
    return StatelessCli(executable, "gemini", args, workspaces, environment=("GEMINI_", "GOOGLE_"))


CODEX_CONFINEMENT = (
    "-c",
    "features.shell_tool=false",
    "-c",
    "features.unified_exec=false",
    "-c",
    "features.view_image_tool=false",
    "-c",
    "include_apply_patch_tool=false",
    "-c",
    'web_search="disabled"',
)
"""Config overrides that give codex no shell, no file viewer or patcher and no web search."""


def codex_cli(executable: str, workspaces: Workspaces) -> StatelessCli:
    """`codex exec -`: non-interactive, the prompt read from stdin (`-p` would mean --profile), no tools and a
    read-only sandbox; the output limit is a config override (`-c model_max_output_tokens=N`)."""
    args = (
        *CODEX_CONFINEMENT,
        "exec",
        "--sandbox",
        "read-only",
        "--skip-git-repo-check",
        "--color",
        "never",
        "-",
    )
    return StatelessCli(
        executable,
        "codex",
        args,
        workspaces,
        environment=("OPENAI_", "CODEX_"),
        limit_args=("-c", "model_max_output_tokens={}"),
    )
