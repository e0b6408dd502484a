"""A conversation's id is written as `uuid.uuid4().hex` writes one: 32 hex digits of a version 4, RFC 4122 UUID."""

from __future__ import annotations

import uuid

from workbench.engine.conversation import Conversation
from workbench.flow.loader import load_flow_text


def test_conversation_ids_are_distinct_version_4_uuids_in_hex() -> None:
    flow = load_flow_text("name: Hi\nstart: hi\nstates:\n  hi:\n    say: Hi!\n", "hi.yaml").flow
    assert flow is not None
    ids = [Conversation(flow).id for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for found in ids:
        parsed = uuid.UUID(found)
        assert (parsed.hex, parsed.version, parsed.variant) == (found, 4, uuid.RFC_4122)
