"""The YAML documents of a convo file's text, each padded with blank lines to the line it starts on, so that one
loaded alone has the positions it has in the file. Importable as `padded_documents` from the tests in tests/testing."""

from __future__ import annotations

from workbench.testing.convo_format import document_chunks


def padded(text: str) -> list[str]:
    """Each document of `text` (`document_chunks`) with as many new lines before it as lines come before it."""
    return ["\n" * before + chunk for before, chunk in document_chunks(text)]
