"""The fast reader's positions are `Pos` objects made once and shared; with the store of them full it makes them
anew, the same."""

from __future__ import annotations

from typing import Any

import pytest

from tests.testing.test_block_yaml import same
from workbench.flow.yaml_source import Pos, YList, YMap, load_yaml
from workbench.testing import block_yaml
from workbench.testing.block_yaml import load_block_yaml

TEXT = "flow: echo.yaml\nconversations:\n  - name: one\n    turns:\n      - user: hi\n      - bot: 'You said: hi'\n"


def positions(value: Any) -> list[Any]:
    """Every position in a loaded value."""
    if isinstance(value, YMap):
        found = [*value.key_pos.values(), *value.value_pos.values()]
        return found + [p for child in value.values() for p in positions(child)]
    if isinstance(value, YList):
        return [*value.item_pos, *(p for child in value for p in positions(child))]
    return []


@pytest.mark.parametrize("kept", [block_yaml._KEPT_POSITIONS, 0])
def test_positions_are_pos_objects_whether_kept_or_not(kept: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(block_yaml, "_KEPT_POSITIONS", kept)
    monkeypatch.setattr(block_yaml, "_POSITIONS", block_yaml._Positions())
    for _ in range(2):
        fast = load_block_yaml(TEXT)
        assert fast is not None and type(fast.pos) is Pos
        same(fast.data, load_yaml(TEXT).data)
        assert all(type(p) is Pos for p in positions(fast.data))
    assert len(block_yaml._POSITIONS) == (0 if kept == 0 else len(set(positions(fast.data)) | {fast.pos}))
