"""The one list of document kinds stays complete as domains add documents."""

from __future__ import annotations

import airfit.app  # noqa: F401  (imports every domain, registering every document kind)
from airfit.documents import ALL_DOCUMENTS
from airfit.storage import registered_documents


def test_every_registered_document_kind_is_listed() -> None:
    # Other tests in the same worker register test-only kinds; only the server's own count here.
    ours = {
        name for name, doc in registered_documents().items() if doc.model.__module__.startswith("airfit.")
    }
    assert {d.name for d in ALL_DOCUMENTS} == ours
