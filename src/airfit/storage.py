"""The document store: every file the server keeps goes through this module.

A document is one JSON file, `<data>/<scope>/<name>.json`, where the scope is a user id (or `_server` for
household-wide documents such as the user registry). On disk it is an envelope
`{"key": name, "version": n, "data": {...}}`; in memory it is a pydantic model.

Guarantees:
- Writes are atomic and durable: temp file in the same directory, fsync, `os.replace`, fsync of the directory.
  A crash leaves either the old or the new version, never a torn file.
- Read-modify-write happens in `transaction()`, under a lock that holds across coroutines (asyncio.Lock) and
  across processes (flock on a lock file), so the CLI can write beside the server and no update is lost.
- Reads are served from a cache keyed on the file's stat, so another process's write is noticed.
- One bad record never costs the rest of a document: records (items of the document's top-level
  collections) that fail the model are dropped and logged, and the original file is kept beside it as
  `<name>.json.corrupt.<UTC timestamp>`. A file that cannot be parsed at all is moved aside under that name
  and the caller carries on with an empty document; `airfit doctor` lists and restores those files.
- Integers are stored as 64-bit numbers (what the JSON reader accepts): wire models bound theirs the same way
  (`StoredInt`), so nothing accepted can become a document the store later refuses.
- No file I/O runs on the event loop: it all goes through `asyncio.to_thread`.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import io
import logging
import os
import re
import shutil
import tempfile
import time
import zipfile
import zlib
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Generic, TypeVar, cast

import orjson
from pydantic import BaseModel, Field, ValidationError

from airfit.units import ARCHIVE_UNITS

logger = logging.getLogger(__name__)

SERVER_SCOPE = "_server"
SCOPE_PATTERN = re.compile(r"^(?:[a-z][a-z0-9_-]{0,31}|_server)$")
CORRUPT_MARKER = ".corrupt."
# Names a document file can have; archives carry only these, so every export can be imported again.
DOCUMENT_FILE = re.compile(r"[a-z][a-z0-9_]{0,63}\.json")
ARCHIVE_FORMAT = "airfit-user-archive"
ARCHIVE_VERSION = 1

# How long a cached read is trusted before the file is stat-ed again. Our own writes update the cache at
# once; this only bounds how soon a write by another process (the CLI) is seen, and keeps a stat syscall
# (and its thread hop) off the hot read path.
STAT_TTL_SECONDS = 0.2

# The JSON reader (orjson) reads integers as 64-bit; anything wider comes back as a float a model refuses.
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
StoredInt = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]
"""An integer the store can write and read back exactly; wire models bound their integers with it."""

# The most one document may hold on disk; far beyond ten years of daily snapshots or Hevy workouts. A write
# that would exceed its document's bound is refused (DocumentTooLargeError), so no request, import or sync can
# grow a file without limit. `Document.max_bytes` sets a tighter bound for small documents (the profile).
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
# Archives: the most files one may hold (a manifest plus one per document kind, with room for kinds a newer
# server adds), and the most all its documents may unpack to.
MAX_ARCHIVE_ENTRIES = 64
MAX_ARCHIVE_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_MANIFEST_BYTES = 64 * 1024

# How many passes salvaging may take (each pass drops every record that failed the previous one).
SALVAGE_ROUNDS = 8
# Dropped records named in one log line, so a badly broken file cannot flood the log.
SALVAGE_LOG_NAMES = 20

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

Migration = Callable[[dict[str, Any]], dict[str, Any]]


class StorageError(Exception):
    """A document could not be read or written (disk full, permissions, ...)."""


class CorruptDocumentError(Exception):
    """A stored file is not a valid document."""


class DocumentTooLargeError(ValueError):
    """A document would be larger than its kind allows; nothing was written."""


@dataclass(frozen=True)
class Document(Generic[M]):
    """The kind of a stored document: its file name, model and schema version.

    `migrations[n]` turns version-n data into version n+1. Version 0 is a file without the envelope (the
    original single-user server's shapes); its migration receives the whole parsed file.
    """

    name: str
    model: type[M]
    version: int = 1
    migrations: Mapping[int, Migration] = field(default_factory=dict)
    max_bytes: int = MAX_DOCUMENT_BYTES
    # Credentials: left out of exports unless asked for, and kept by an import that does not carry them.
    secret: bool = False

    @property
    def filename(self) -> str:
        """File name inside the scope's directory."""
        return f"{self.name}.json"


_REGISTERED: dict[str, Document[Any]] = {}


def register(doc: Document[M]) -> Document[M]:
    """Declare a document kind, so whole-scope operations (export, import, doctor) know about it."""
    existing = _REGISTERED.get(doc.name)
    if existing is not None and existing.model is not doc.model:
        raise ValueError(f"document name {doc.name!r} registered twice")
    _REGISTERED[doc.name] = doc
    return doc


def registered_documents() -> dict[str, Document[Any]]:
    """All declared document kinds by name."""
    return dict(_REGISTERED)


def _secret_files() -> set[str]:
    return {doc.filename for doc in _REGISTERED.values() if doc.secret}


@dataclass
class _CacheEntry:
    key: tuple[int, int, int] | None
    checked: float
    value: BaseModel


@dataclass(frozen=True)
class CorruptFile:
    """A file moved aside because it could not be parsed."""

    scope: str
    path: Path
    original: Path
    moved_at: str


def check_scope(scope: str) -> str:
    """Refuse anything that is not a plain user id before it becomes part of a path."""
    if not SCOPE_PATTERN.fullmatch(scope):
        raise ValueError(f"invalid scope {scope!r}")
    return scope


def _stat_key(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_private_dir(directory: Path) -> None:
    """Create `directory` and any missing parents as 0700 (`mkdir(parents=True)` would make parents 0755)."""
    if directory.is_dir():
        return
    make_private_dir(directory.parent)
    with contextlib.suppress(FileExistsError):
        directory.mkdir(mode=0o700)


def make_private_tree(root: Path) -> None:
    """Owner-only modes for a copied directory tree (0700 directories, 0600 files), like every stored file."""
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o700 if path.is_dir() else 0o600)


def write_atomic(path: Path, payload: bytes) -> None:
    """Replace `path` with `payload` so that a crash leaves the old or the new content, never a mix."""
    directory = path.parent
    make_private_dir(directory)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(directory)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _envelope(doc: Document[Any], value: BaseModel) -> bytes:
    data = value.model_dump_json(by_alias=False)
    return b'{"key":' + orjson.dumps(doc.name) + b',"version":%d,"data":' % doc.version + data.encode() + b"}"


def _decode(doc: Document[M], raw: bytes) -> tuple[M, bool]:
    """Parse a stored file into the current model; the flag says whether a migration ran."""
    model, migrated, _ = _decode_data(doc, raw, salvage=False)
    return model, migrated


def _decode_data(doc: Document[M], raw: bytes, *, salvage: bool) -> tuple[M, bool, list[str]]:
    """Parse a stored file; with `salvage`, records that fail the model are dropped and named in the list."""
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorruptDocumentError(f"not JSON: {exc}") from exc
    if isinstance(parsed, dict) and "data" in parsed and isinstance(parsed.get("version"), int):
        version, data = parsed["version"], parsed["data"]
    else:
        version, data = 0, parsed
    if version > doc.version:
        raise CorruptDocumentError(f"written by a newer server (schema {version} > {doc.version})")
    migrated = version < doc.version
    while version < doc.version:
        step = doc.migrations.get(version)
        if step is None:
            if version == 0:
                raise CorruptDocumentError("file has no envelope and no legacy migration")
            # A version bump that only added optional fields needs no migration function.
            version += 1
            continue
        data = step(data)
        version += 1
    if not isinstance(data, dict):
        raise CorruptDocumentError("document data is not an object")
    try:
        return doc.model.model_validate(data), migrated, []
    except ValidationError as exc:
        if salvage:
            model, dropped = _salvage(doc, data, exc)
            return model, migrated, dropped
        raise CorruptDocumentError(f"does not match the {doc.name} schema: {exc}") from exc


def _salvage(doc: Document[M], data: dict[str, Any], error: ValidationError) -> tuple[M, list[str]]:
    """Drop what fails the model, one record at a time, and validate the rest.

    A record is one item of a top-level collection (a day of `snapshots`, one insight of a list); a failing
    top-level scalar falls back to its default. Raises CorruptDocumentError when nothing is left to drop.
    """
    dropped: list[str] = []
    for _ in range(SALVAGE_ROUNDS):
        removed = False
        records: dict[str, set[Any]] = {}
        for err in error.errors():
            loc = err["loc"]
            if not loc or not isinstance(loc[0], str):
                continue
            field_name = loc[0]
            container = data.get(field_name)
            if len(loc) >= 2 and isinstance(container, dict | list):
                records.setdefault(field_name, set()).add(loc[1])
            elif field_name in data:
                del data[field_name]
                dropped.append(field_name)
                removed = True
        for field_name, keys in records.items():
            container = data[field_name]
            if isinstance(container, dict):
                for key in keys:
                    if key in container:
                        del container[key]
                        dropped.append(f"{field_name}[{key!r}]")
                        removed = True
            else:
                for index in sorted((k for k in keys if isinstance(k, int)), reverse=True):
                    if 0 <= index < len(container):
                        del container[index]
                        dropped.append(f"{field_name}[{index}]")
                        removed = True
        if not removed:
            break
        try:
            return doc.model.model_validate(data), dropped
        except ValidationError as exc:
            error = exc
    raise CorruptDocumentError(f"does not match the {doc.name} schema: {error}")


def decode_document(doc: Document[M], raw: bytes) -> M:
    """Parse stored bytes (enveloped or legacy) into the document's model; raises CorruptDocumentError."""
    return _decode(doc, raw)[0]


def encode_document(doc: Document[M], value: M) -> bytes:
    """The exact bytes `doc` is stored as."""
    return _envelope(doc, value)


class _FileLock:
    """An exclusive flock on a lock file; blocks, so only ever called from a worker thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        make_private_dir(self.path.parent)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


async def _in_thread(fn: Callable[..., T], *args: Any) -> T:
    """Run blocking work in a thread; if the caller is cancelled, still wait for the work to finish.

    Lock acquisition and file replacement must never be abandoned half-way: a cancelled request would
    otherwise leave a flock held by nobody or release a lock while a write is still running.
    """
    task = asyncio.ensure_future(asyncio.to_thread(fn, *args))
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        # A second cancellation must not abandon the work either, so keep waiting until it is done.
        while not task.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait({task})
        raise


class DocumentStore:
    """All persistence of the server. One instance per data directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[Path, _CacheEntry] = {}
        self._locks: dict[Path, asyncio.Lock] = {}

    # -- paths -------------------------------------------------------------------------------------------

    def scope_dir(self, scope: str) -> Path:
        """Directory of one scope (a user id or the server scope)."""
        return self.root / check_scope(scope)

    def path(self, scope: str, doc: Document[Any]) -> Path:
        """File of one document."""
        return self.scope_dir(scope) / doc.filename

    def scratch_dir(self, scope: str, *, create: bool = True) -> Path:
        """A private (0700) directory for a scope's temporary files, such as uploads to import (blocking).

        Kept apart from the scope's documents, so archives, imports and `doctor` never see what is in it.
        """
        directory = self.root / ".scratch" / check_scope(scope)
        if create:
            make_private_dir(directory)
        return directory

    def _lock_path(self, path: Path) -> Path:
        return self.root / ".locks" / path.parent.name / f"{path.name}.lock"

    # -- reading -----------------------------------------------------------------------------------------

    async def read(self, scope: str, doc: Document[M]) -> M:
        """The current version of a document (empty if it does not exist). Treat it as read-only."""
        path = self.path(scope, doc)
        entry = self._cache.get(path)
        now = time.monotonic()
        # The cache is keyed by file, and a file holds one kind of document: an entry's value is an `M`.
        if entry is not None and now - entry.checked < STAT_TTL_SECONDS:
            return cast(M, entry.value)
        key = await asyncio.to_thread(_stat_key, path)
        if entry is not None and entry.key == key:
            entry.checked = now
            return cast(M, entry.value)
        try:
            key, value = await asyncio.to_thread(self._load, path, doc)
        except CorruptDocumentError:
            async with self._locked(path):
                key, value = await _in_thread(self._load_or_quarantine, path, doc)
        newer = self._cache.get(path)
        if newer is not None and newer is not entry:
            # A transaction saved (or another read cached) while this read was loading; ours may be older.
            return cast(M, newer.value)
        self._cache[path] = _CacheEntry(key, time.monotonic(), value)
        return value

    def _read_bytes(self, path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StorageError(f"cannot read {path}: {exc.strerror}") from exc

    def _load(self, path: Path, doc: Document[M]) -> tuple[tuple[int, int, int] | None, M]:
        key = _stat_key(path)
        raw = self._read_bytes(path)
        if raw is None:
            return None, doc.model()
        return key, _decode(doc, raw)[0]

    def _load_or_quarantine(self, path: Path, doc: Document[M]) -> tuple[tuple[int, int, int] | None, M]:
        raw = self._read_bytes(path)
        if raw is None:
            return None, doc.model()
        value = self._decode_or_quarantine(path, doc, raw)
        return (_stat_key(path), value) if value is not None else (None, doc.model())

    def _decode_or_quarantine(self, path: Path, doc: Document[M], raw: bytes) -> M | None:
        """Decode under the document's lock, salvaging what can be; None when the whole file had to go."""
        try:
            value, _, dropped = _decode_data(doc, raw, salvage=True)
        except CorruptDocumentError as exc:
            self._quarantine(path, str(exc))
            self._cache.pop(path, None)
            return None
        if dropped:
            self._keep_salvaged(path, doc, value, dropped)
        return value

    def _keep_salvaged(self, path: Path, doc: Document[M], value: M, dropped: list[str]) -> None:
        # The original stays beside the document (doctor lists it), and the salvaged version replaces it, so
        # the next read is clean and no later write can lose the original.
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        keep = path.with_name(f"{path.name}{CORRUPT_MARKER}{stamp}")
        shutil.copy2(path, keep)
        write_atomic(path, _envelope(doc, value))
        self._cache.pop(path, None)
        shown = ", ".join(dropped[:SALVAGE_LOG_NAMES]) + (" ..." if len(dropped) > SALVAGE_LOG_NAMES else "")
        logger.error(
            "Stored file %s had %d unreadable record(s) (%s); kept the rest and saved the original as %s. "
            "Run `airfit doctor` to inspect or restore it.",
            path,
            len(dropped),
            shown,
            keep.name,
        )

    def _quarantine(self, path: Path, reason: str) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = path.with_name(f"{path.name}{CORRUPT_MARKER}{stamp}")
        os.replace(path, target)
        _fsync_dir(path.parent)
        logger.error(
            "Stored file %s could not be read (%s); moved it to %s and continued with an empty document. "
            "Run `airfit doctor` to inspect or restore it.",
            path,
            reason[:300],
            target.name,
        )
        return target

    # -- writing -----------------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _locked(self, path: Path) -> AsyncIterator[None]:
        lock = self._locks.setdefault(path, asyncio.Lock())
        async with lock:
            file_lock = _FileLock(self._lock_path(path))
            try:
                # Inside the try: a caller cancelled while waiting still ends up owning the flock
                # (`_in_thread` lets the acquisition finish), and must give it back.
                await _in_thread(file_lock.acquire)
                yield
            finally:
                file_lock.release()

    @contextlib.asynccontextmanager
    async def transaction(self, scope: str, doc: Document[M]) -> AsyncIterator[M]:
        """Lock a document, yield a private copy to change, and save it when the block ends cleanly.

        Keep the block short: no LLM or network calls inside, only the change itself.
        """
        path = self.path(scope, doc)
        async with self._locked(path):
            raw, value = await _in_thread(self._load_for_update, path, doc)
            yield value
            await _in_thread(self._save_if_changed, path, doc, value, raw)

    def _load_for_update(self, path: Path, doc: Document[M]) -> tuple[bytes | None, M]:
        raw = self._read_bytes(path)
        if raw is None:
            return None, doc.model()
        try:
            return raw, _decode(doc, raw)[0]
        except CorruptDocumentError:
            value = self._decode_or_quarantine(path, doc, raw)
            return (None, doc.model()) if value is None else (self._read_bytes(path), value)

    def _save_if_changed(self, path: Path, doc: Document[M], value: M, raw: bytes | None) -> None:
        payload = _envelope(doc, value)
        if len(payload) > doc.max_bytes:
            raise DocumentTooLargeError(
                f"{doc.name} would hold {len(payload)} bytes; at most {doc.max_bytes} are kept"
            )
        if payload != raw:
            try:
                write_atomic(path, payload)
            except OSError as exc:
                raise StorageError(f"cannot write {path.name}: {exc.strerror or exc}") from exc
        # The saved model becomes the cached version; the caller must not change it after the block.
        self._cache[path] = _CacheEntry(_stat_key(path), time.monotonic(), value)

    async def replace(self, scope: str, doc: Document[M], value: M) -> None:
        """Store `value` as the whole document."""
        path = self.path(scope, doc)
        async with self._locked(path):
            await _in_thread(self._save_if_changed, path, doc, value, None)

    async def delete(self, scope: str, doc: Document[Any]) -> bool:
        """Remove a document; True if it existed."""
        path = self.path(scope, doc)
        async with self._locked(path):
            existed = await _in_thread(self._unlink, path)
        self._cache.pop(path, None)
        return existed

    def _unlink(self, path: Path) -> bool:
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        _fsync_dir(path.parent)
        return True

    # -- whole scopes ------------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _scope_locked(self, scope: str, names: set[str]) -> AsyncIterator[None]:
        # Sorted order, so two whole-scope operations can never deadlock each other.
        async with contextlib.AsyncExitStack() as stack:
            for name in sorted(names):
                await stack.enter_async_context(self._locked(self.scope_dir(scope) / f"{name}.json"))
            yield

    def _scope_documents(self, scope: str) -> set[str]:
        names = set(_REGISTERED)
        directory = self.scope_dir(scope)
        if directory.is_dir():
            names.update(p.name[: -len(".json")] for p in directory.glob("*.json"))
        return names

    async def export_scope(self, scope: str, *, include_secrets: bool = False) -> bytes:
        """A zip archive of every document of a scope, in its stored (enveloped) form.

        Secret documents (credentials such as the Hevy key) are left out unless `include_secrets`.
        """
        names = await asyncio.to_thread(self._scope_documents, scope)
        async with self._scope_locked(scope, names):
            return await _in_thread(self._zip_scope, scope, include_secrets)

    def _zip_scope(self, scope: str, include_secrets: bool) -> bytes:
        buffer = io.BytesIO()
        directory = self.scope_dir(scope)
        documents: list[str] = []
        manifest = {
            "format": ARCHIVE_FORMAT,
            "version": ARCHIVE_VERSION,
            "scope": scope,
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "secrets_included": include_secrets,
            "units": ARCHIVE_UNITS,
            "documents": documents,
        }
        left_out = set() if include_secrets else _secret_files()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
                if not DOCUMENT_FILE.fullmatch(path.name) or path.name in left_out:
                    continue
                payload = _read_no_follow(path)
                if payload is None:
                    logger.warning(
                        "Left %s out of %s's export: it is a link, not a document", path.name, scope
                    )
                    continue
                archive.writestr(f"documents/{path.name}", payload)
                documents.append(path.name)
            archive.writestr("manifest.json", orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
        return buffer.getvalue()

    async def import_scope(self, scope: str, archive: bytes, *, include_secrets: bool = True) -> list[str]:
        """Replace every document of a scope with those in an archive made by `export_scope`.

        The archive is validated completely before anything is touched; the previous directory is kept
        until the new one is in place, so a failure at any point leaves the previous data intact. Without
        `include_secrets`, credentials in the archive are left out and the scope keeps its own.
        """
        documents = await asyncio.to_thread(_read_archive, archive)
        if not include_secrets:
            left_out = _secret_files()
            documents = {name: payload for name, payload in documents.items() if name not in left_out}
        names = await asyncio.to_thread(self._scope_documents, scope)
        names.update(name[: -len(".json")] for name in documents)
        async with self._scope_locked(scope, names):
            await _in_thread(self._swap_scope, scope, documents)
        for path in [p for p in self._cache if p.parent == self.scope_dir(scope)]:
            del self._cache[path]
        return sorted(documents)

    def _swap_scope(self, scope: str, documents: dict[str, bytes]) -> None:
        target = self.scope_dir(scope)
        staging: Path | None = None
        try:
            staging_root = self.root / ".staging"
            make_private_dir(staging_root)
            staging = Path(tempfile.mkdtemp(dir=staging_root, prefix=f"{scope}-"))
            for name, payload in documents.items():
                write_atomic(staging / name, payload)
            kept_json = _secret_files()
            for extra in target.iterdir() if target.is_dir() else []:
                # Keep files the archive does not cover (corrupt copies, lock-free extras, and credentials
                # when the archive was exported without them) with the new data.
                uncovered = not extra.name.endswith(".json") or extra.name in kept_json
                if extra.is_file() and extra.name not in documents and uncovered:
                    # A link stays a link: never the content of whatever it points at.
                    shutil.copy2(extra, staging / extra.name, follow_symlinks=False)
                elif extra.is_dir():
                    # Directories (e.g. `memories/`) are not in archives: an import must not drop them.
                    shutil.copytree(extra, staging / extra.name, symlinks=True)
            backup = None
            if target.exists():
                backup = self.root / ".trash" / f"{scope}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}"
                make_private_dir(backup.parent)
                os.replace(target, backup)
            try:
                os.replace(staging, target)
            except OSError:
                if backup is not None:
                    os.replace(backup, target)
                raise
            _fsync_dir(self.root)
            if backup is not None:
                shutil.rmtree(backup, ignore_errors=True)
        except OSError as exc:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            raise StorageError(f"cannot import into {scope}: {exc.strerror or exc}") from exc

    def recover_interrupted_imports(self) -> list[str]:
        """Finish what a killed import left (blocking: call from a thread); returns what was done.

        An import moves the user's directory to `.trash/` and then puts the new one in its place; a kill
        between the two leaves no directory. The previous data is put back (the import never happened), and
        staging directories of unfinished imports are removed.
        """
        done: list[str] = []
        trash = self.root / ".trash"
        for backup in sorted(trash.iterdir(), reverse=True) if trash.is_dir() else []:
            scope = backup.name.rsplit("-", 1)[0]
            if not backup.is_dir() or not SCOPE_PATTERN.fullmatch(scope):
                continue
            target = self.scope_dir(scope)
            if target.exists():
                # The import finished; only removing the superseded copy was cut short.
                shutil.rmtree(backup, ignore_errors=True)
                continue
            os.replace(backup, target)
            _fsync_dir(self.root)
            logger.warning("An import into %s was interrupted; restored the data it had replaced.", scope)
            done.append(f"restored {scope}'s data from an interrupted import")
        staging = self.root / ".staging"
        for leftover in list(staging.iterdir()) if staging.is_dir() else []:
            shutil.rmtree(leftover, ignore_errors=True)
            done.append(f"removed an unfinished import's staging copy {leftover.name}")
        return done

    async def move_scope_aside(self, scope: str) -> Path | None:
        """Move a scope's directory to `.removed/` (kept, never deleted); returns where it went."""
        names = await asyncio.to_thread(self._scope_documents, scope)
        async with self._scope_locked(scope, names):
            moved = await _in_thread(self._move_aside, scope)
        for path in [p for p in self._cache if p.parent == self.scope_dir(scope)]:
            del self._cache[path]
        return moved

    def _move_aside(self, scope: str) -> Path | None:
        source = self.scope_dir(scope)
        if not source.exists():
            return None
        target = self.root / ".removed" / f"{scope}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}"
        make_private_dir(target.parent)
        os.replace(source, target)
        return target

    async def delete_scope(self, scope: str) -> bool:
        """Delete a scope's directory and everything in it (for generated data only); True if it existed."""
        names = await asyncio.to_thread(self._scope_documents, scope)
        async with self._scope_locked(scope, names):
            deleted = await _in_thread(self._delete_scope, scope)
        for path in [p for p in self._cache if p.parent == self.scope_dir(scope)]:
            del self._cache[path]
        return deleted

    def _delete_scope(self, scope: str) -> bool:
        directory = self.scope_dir(scope)
        if not directory.exists():
            return False
        # Moved out of the way first, so a crash midway never leaves a half-deleted scope in place.
        doomed = self.root / ".deleting" / f"{scope}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}"
        make_private_dir(doomed.parent)
        os.replace(directory, doomed)
        _fsync_dir(self.root)
        shutil.rmtree(doomed, ignore_errors=True)
        return True

    # -- corrupt files -----------------------------------------------------------------------------------

    def corrupt_files(self, scope: str | None = None) -> list[CorruptFile]:
        """Files moved aside as unreadable, oldest first (blocking: call from a thread)."""
        scopes = [self.scope_dir(scope)] if scope else [p for p in self.root.iterdir() if p.is_dir()]
        found = []
        for directory in scopes:
            if not directory.is_dir() or not SCOPE_PATTERN.fullmatch(directory.name):
                continue
            for path in directory.glob(f"*{CORRUPT_MARKER}*"):
                original, _, stamp = path.name.partition(CORRUPT_MARKER)
                found.append(CorruptFile(directory.name, path, path.with_name(original), stamp))
        return sorted(found, key=lambda c: (c.moved_at, str(c.path)))

    async def restore_corrupt(self, corrupt: CorruptFile, doc: Document[Any] | None = None) -> Path:
        """Put a moved-aside file back; the current document (if any) is moved aside in its place.

        With `doc` given, the file must parse as that document (else at least as JSON), so a still-broken
        file is not restored.
        """
        raw = await asyncio.to_thread(corrupt.path.read_bytes)
        if doc is not None:
            decode_document(doc, raw)
        else:
            # A kind this process does not know: at least never put back what is not JSON at all.
            try:
                orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise CorruptDocumentError(f"not JSON: {exc}") from exc
        async with self._locked(corrupt.original):
            await _in_thread(self._restore, corrupt)
        self._cache.pop(corrupt.original, None)
        return corrupt.original

    def _restore(self, corrupt: CorruptFile) -> None:
        if corrupt.original.exists():
            self._quarantine(corrupt.original, "replaced by a restored copy")
        os.replace(corrupt.path, corrupt.original)
        _fsync_dir(corrupt.original.parent)

    def leftover_temp_files(self) -> Iterator[Path]:
        """Temp files a killed writer left behind (harmless; doctor removes them)."""
        yield from self.root.glob("*/.*.tmp")


def _read_no_follow(path: Path) -> bytes | None:
    """A regular file's bytes, or None when `path` is a symbolic link (opened without following it)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None
        raise
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def _read_member(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """One archive member, never unpacking more than `limit` bytes whatever its header claims."""
    with zf.open(name) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise DocumentTooLargeError(f"{name} unpacks to more than {limit} bytes")
    return data


# What a damaged zip raises while being read: bad structure, bad compressed data (zlib.error), a compression
# method zipfile lacks (NotImplementedError), a truncated stream (EOFError), an encrypted member
# (RuntimeError).
_DAMAGED_ARCHIVE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    orjson.JSONDecodeError,
    zlib.error,
    NotImplementedError,
    EOFError,
    OSError,
    RuntimeError,
    UnicodeDecodeError,
)


def _manifest(zf: zipfile.ZipFile) -> dict[str, Any]:
    if len(zf.infolist()) > MAX_ARCHIVE_ENTRIES:
        raise ValueError(f"archive holds more than {MAX_ARCHIVE_ENTRIES} files")
    manifest = orjson.loads(_read_member(zf, "manifest.json", MAX_MANIFEST_BYTES))
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != ARCHIVE_FORMAT
        or manifest.get("version") != ARCHIVE_VERSION
        or not isinstance(manifest.get("documents", []), list)
    ):
        raise ValueError("not an AirFit user archive (or from an unsupported version)")
    return manifest


def archive_scope(archive: bytes) -> str | None:
    """The scope an archive was exported from; raises ValueError if it is damaged or not an archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as zf:
            scope = _manifest(zf).get("scope")
    except _DAMAGED_ARCHIVE as exc:
        raise ValueError(f"archive is damaged: {type(exc).__name__}: {exc}") from exc
    return scope if isinstance(scope, str) else None


def _read_archive(archive: bytes) -> dict[str, bytes]:
    """Check an export archive and return its documents; raises ValueError with the reason.

    Sizes are bounded while unpacking (entries, each document's own bound, the total), so a small archive
    that inflates to gigabytes is refused without ever being held in memory.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as zf:
            manifest = _manifest(zf)
            documents: dict[str, bytes] = {}
            unpacked = 0
            for name in manifest.get("documents", []):
                if not isinstance(name, str) or not DOCUMENT_FILE.fullmatch(name):
                    raise ValueError(f"unexpected document name {name!r} in archive")
                kind = _REGISTERED.get(name[: -len(".json")])
                limit = kind.max_bytes if kind is not None else MAX_DOCUMENT_BYTES
                documents[name] = _read_member(zf, f"documents/{name}", limit)
                unpacked += len(documents[name])
                if unpacked > MAX_ARCHIVE_UNPACKED_BYTES:
                    raise ValueError(f"archive unpacks to more than {MAX_ARCHIVE_UNPACKED_BYTES} bytes")
    except _DAMAGED_ARCHIVE as exc:
        raise ValueError(f"archive is damaged: {type(exc).__name__}: {exc}") from exc
    for name, payload in documents.items():
        doc = _REGISTERED.get(name[: -len(".json")])
        try:
            if doc is not None:
                decode_document(doc, payload)
            else:
                orjson.loads(payload)
        except (CorruptDocumentError, orjson.JSONDecodeError) as exc:
            raise ValueError(f"{name} in archive is invalid: {exc}") from exc
    return documents
