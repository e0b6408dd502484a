"""What stands after any sequence of writes and removals is what a pass over every standing path finds: a write
overwrites its own path and every path below it, a removal removes them, and paths stand in the order of their
last write (property test against that plain model; `Standing` finds the paths below a write without the pass)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from workbench.engine.provenance import Path, Provenance, Standing

_PATHS = st.tuples(st.sampled_from(["a", "b"]), st.lists(st.sampled_from(["a", "c", 0, 1]), max_size=3)).map(
    lambda path: (path[0], *path[1])
)
_STEPS = st.lists(st.tuples(_PATHS, st.booleans()), max_size=40)


def _written(path: Path, removed: bool, index: int) -> Provenance:
    name = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")
    return Provenance(name, index, "code", "s", "", 0.0, index, 1, removed=removed)


def _model(steps: list[tuple[Path, bool]], start: dict[Path, Provenance]) -> dict[Path, Provenance]:
    standing = dict(start)
    for index, (path, removed) in enumerate(steps):
        for below in [p for p in standing if p[: len(path)] == path]:
            del standing[below]
        if not removed:
            standing[path] = _written(path, removed, index)
    return standing


@given(_STEPS, _STEPS)
def test_what_stands_is_what_a_pass_over_every_path_finds(first: list[tuple[Path, bool]], then: list) -> None:
    standing = Standing()
    start = standing.by_path()
    for index, (path, removed) in enumerate(first):
        standing._apply(_written(path, removed, index))
    assert list(standing.by_path().items()) == list(_model(first, start).items())

    twin = standing.copy()  # fed on alone: the original stays as it was
    before = standing.by_path()
    for index, (path, removed) in enumerate(then, len(first)):
        twin._apply(_written(path, removed, index))
    assert standing.by_path() == before
    assert list(twin.by_path().items()) == list(_model([*first, *then], start).items())
    for index, (path, removed) in enumerate(reversed(then), len(first)):  # and the original goes on its own way
        standing._apply(_written(path, removed, index))
    assert list(standing.by_path().items()) == list(_model([*first, *reversed(then)], start).items())
