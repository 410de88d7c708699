#!/usr/bin/env python3
"""A fake `claude` / `gemini` / `codex`: installed under those names, driven by files beside it.

`<name>.json` (optional) holds {"rules": [...], "default": {...}}; the first rule whose "match" occurs in
stdin applies, else "default". A rule may set: reply, delay (seconds), exit, stderr, hang (sleep forever),
child (start a long-running child first, to test process-group kills), ansi (colour the reply),
forget_sessions (claude: lose every session first). Every call appends {argv, stdin, pid, child,
max_output_tokens (claude's limit, from its environment), cwd, cwd_entries (what the working directory held),
env (the whole environment)} to `<name>.calls.jsonl`. The claude variant keeps sessions in
`claude.sessions.json` and behaves like the real CLI: --session-id of an existing id and --resume of an
unknown id both fail.
"""

import fcntl
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAME = Path(sys.argv[0]).name


def load(path, default):
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return default


def pick_rule(prompt):
    config = load(HERE / f"{NAME}.json", {})
    for rule in config.get("rules", []):
        if rule.get("match", "") in prompt:
            return rule
    return config.get("default", {})


def claude_session(argv, rule):
    """None if the session flags are fine, else the CLI's error text."""
    path = HERE / "claude.sessions.json"
    # Calls run concurrently (a chat turn beside background learning): read-modify-write under a lock, or one
    # call's new session is lost to another's stale copy.
    with open(HERE / "claude.sessions.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        known = [] if rule.get("forget_sessions") else load(path, [])
        error = None
        if "--session-id" in argv:
            sid = argv[argv.index("--session-id") + 1]
            if sid in known:
                error = f"Error: Session ID {sid} is already in use."
            else:
                known.append(sid)
        elif "--resume" in argv:
            sid = argv[argv.index("--resume") + 1]
            if sid not in known:
                error = f"No conversation found with session ID: {sid}"
        path.write_text(json.dumps(known))
    return error


def main():
    prompt = sys.stdin.read()
    rule = pick_rule(prompt)
    child = None
    if rule.get("child"):
        child = subprocess.Popen(["sleep", "300"]).pid
    system = None
    if "--system-prompt-file" in sys.argv:
        system_file = Path(sys.argv[sys.argv.index("--system-prompt-file") + 1])
        system = {"text": system_file.read_text(), "mode": oct(system_file.stat().st_mode & 0o777)}
    call = {"argv": sys.argv[1:], "stdin": prompt, "system": system, "pid": os.getpid(), "child": child}
    call["max_output_tokens"] = os.environ.get("CLAUDE_CODE_MAX_OUTPUT_TOKENS")
    call["cwd"] = os.getcwd()
    call["cwd_entries"] = sorted(os.listdir("."))
    call["env"] = dict(os.environ)
    with open(HERE / f"{NAME}.calls.jsonl", "a") as log:
        log.write(json.dumps(call) + "\n")
    if rule.get("hang"):
        time.sleep(300)
    time.sleep(float(rule.get("delay", 0)))
    if NAME == "claude":
        error = claude_session(sys.argv[1:], rule)
        if error:
            print(error, file=sys.stderr)
            sys.exit(1)
    if rule.get("stderr"):
        print(rule["stderr"], file=sys.stderr)
    code = int(rule.get("exit", 0))
    if code == 0:
        reply = rule.get("reply", f"Reply from fake {NAME}.")
        if rule.get("ansi"):
            reply = f"\x1b[1;32m{reply}\x1b[0m"
        print(reply)
    sys.exit(code)


main()
