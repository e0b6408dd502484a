"""Sharding a mutation run across machines: each mutant belongs to one shard by a stable id of what it is (its
operator, state and change), not by its position, so a new operator elsewhere in the flow moves only its own
mutants between shards. And the fingerprints that tell whether two shards' reports judged the same flow with the
same suite."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from workbench.flow.whole_numbers import whole_number


def mutant_id(operator: str, state: str, change: str) -> str:
    """A mutant's stable id: a short hash of its operator, state and one-line change."""
    return hashlib.sha256(f"{operator}\0{state}\0{change}".encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard `index` (1-based) of `count`."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """`K/N` with 1 ≤ K ≤ N; raises ValueError saying what is expected."""
        k, slash, n = (part.strip() for part in text.partition("/"))
        shard, shards = whole_number(k), whole_number(n)
        if slash and shard is not None and shards is not None and 1 <= shard <= shards:
            return cls(shard, shards)
        raise ValueError(f'expected K/N with 1 ≤ K ≤ N (such as 2/4), not "{text}"')

    def holds(self, identity: str) -> bool:
        """Whether the mutant with this stable id belongs to this shard."""
        return int(identity, 16) % self.count == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def fingerprint(files: Iterable[Path]) -> str:
    """A hash of the files' names and contents, in the order given (files that cannot be read count as empty)."""
    digest = hashlib.sha256()
    for file in files:
        try:
            content = file.read_bytes()
        except OSError:
            content = b""
        digest.update(f"{file.name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()[:16]
