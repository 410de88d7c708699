"""Command-line providers (claude, gemini, codex), run as asyncio subprocesses.

The prompt always goes through stdin: argv is size-limited (128 KiB per argument on Linux) and visible to
every local user in `ps`. Each tool runs in its own session (process group), so a timed-out call kills the
tool and everything it started; no orphan is left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import tempfile
from dataclasses import dataclass

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


async def run_tool(
    argv: list[str], prompt: str, timeout: float, env: dict[str, str] | None = None
) -> CliOutput:
    """Run one tool with `prompt` on stdin; kill its whole process group if it outlives `timeout`.

    `env` adds to (never replaces) this process's environment.
    """
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
            env={**os.environ, **env} if env else None,
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


CLAUDE_MAX_TOKENS = "CLAUDE_CODE_MAX_OUTPUT_TOKENS"
"""The claude CLI takes its output limit from the environment only."""


@dataclass(frozen=True)
class ClaudeCli:
    """`claude -p` with the prompt on stdin; named sessions via --session-id, continued with --resume.

    The output limit goes in `CLAUDE_CODE_MAX_OUTPUT_TOKENS`.
    """

    executable: str
    name: str = "claude"
    keeps_sessions: bool = True

    async def complete(self, request: LLMRequest) -> str:
        """One answer; raises SessionLostError when `--resume` names a session the CLI does not know.

        Without a session, earlier turns (if any) are written into the prompt. With tools, the CLI gets
        that user's MCP server (`airfit mcp --user ...`) and nothing else.
        """
        argv = [self.executable, "-p", "--output-format", "text"]
        session_id, prompt, timeout = request.session_id, request.prompt, request.timeout
        if session_id is not None:
            argv += ["--resume", session_id] if request.resume else ["--session-id", session_id]
        if request.tools is not None:
            argv += request.tools.mcp_args
        if session_id is None and request.history:
            prompt = f"{history_block(request.history)}\n\n{prompt}"
        env = {CLAUDE_MAX_TOKENS: str(request.max_tokens)} if request.max_tokens else None
        if not request.system_prompt:
            return _answer(await run_tool(argv, prompt, timeout, env))
        # The system prompt holds the user's profile and memories: a private file, never argv (see `ps`).
        path = await asyncio.to_thread(_private_file, request.system_prompt)
        try:
            return _answer(await run_tool([*argv, "--system-prompt-file", path], prompt, timeout, env))
        finally:
            await asyncio.to_thread(_remove, path)


@dataclass(frozen=True)
class StatelessCli:
    """A tool that keeps no session: the system prompt and earlier turns travel in the stdin prompt."""

    executable: str
    name: str
    args: tuple[str, ...]
    keeps_sessions: bool = False
    limit_args: tuple[str, ...] = ()
    """Arguments, before `args`, that set the output limit (`{}` is the number); none: it has no way."""

    async def complete(self, request: LLMRequest) -> str:
        """One answer from the tool (it has no way to call the data tools, so `tools` is not used)."""
        limit = [a.format(request.max_tokens) for a in self.limit_args] if request.max_tokens else []
        argv = [self.executable, *limit, *self.args]
        prompt = _joined(request.system_prompt, request.prompt, request.history)
        return _answer(await run_tool(argv, prompt, request.timeout))


def gemini_cli(executable: str) -> StatelessCli:
    """`gemini` in headless mode: stdin is not a terminal, so it reads the prompt from stdin and exits.

    It has no per-call output limit (only its own settings file has one).
    """
    return StatelessCli(executable, "gemini", ("--output-format", "text"))


def codex_cli(executable: str) -> StatelessCli:
    """`codex exec -`: non-interactive, the prompt read from stdin (`-p` would mean --profile); the output
    limit is a config override (`-c model_max_output_tokens=N`)."""
    args = ("exec", "--skip-git-repo-check", "--color", "never", "-")
    return StatelessCli(executable, "codex", args, limit_args=("-c", "model_max_output_tokens={}"))
