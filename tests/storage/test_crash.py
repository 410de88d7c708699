"""A writer killed with SIGKILL at random points never leaves a torn document."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from airfit.storage import DocumentStore, decode_document, encode_document
from tests.storage.workers import BLOB, BLOB_VERSIONS, forkserver, rewrite_forever

KILLS = 40

pytestmark = pytest.mark.timeout(60)


def test_sigkilled_writer_leaves_old_or_new_version_only(data_dir: Path) -> None:
    path = data_dir / "brian" / "t_blob.json"
    path.parent.mkdir(mode=0o700)
    path.write_bytes(encode_document(BLOB, BLOB_VERSIONS[0]))
    versions = {encode_document(BLOB, v): v.label for v in BLOB_VERSIONS}
    ctx = forkserver()
    writes = ctx.RawValue("i", 0)
    rng = random.Random(20240611)
    seen = []
    for _ in range(KILLS):
        before = writes.value
        writer = ctx.Process(target=rewrite_forever, args=(str(data_dir), "brian", writes))
        writer.start()
        deadline = time.monotonic() + 20
        while writes.value == before:
            assert writer.is_alive(), f"the writer died with {writer.exitcode}"
            assert time.monotonic() < deadline, "the writer never wrote"
            time.sleep(0.001)
        time.sleep(rng.uniform(0, 0.03))
        writer.kill()
        writer.join(10)
        assert writer.exitcode == -9
        raw = path.read_bytes()
        assert raw in versions, f"torn document of {len(raw)} bytes"
        assert decode_document(BLOB, raw).label == versions[raw]
        seen.append(versions[raw])

    assert set(seen) == {"a", "b"}
    leftovers = set(DocumentStore(data_dir).leftover_temp_files())
    assert set(path.parent.iterdir()) == {path} | leftovers
    assert all(p.name.startswith(".t_blob.json.") for p in leftovers)
