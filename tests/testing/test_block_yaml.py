"""The fast block-YAML reader gives exactly what `load_yaml` gives (values, types and every position), or None."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from padded_documents import padded

from workbench.flow.yaml_source import MAX_DEPTH, Document, YamlSyntaxError, YList, YMap, load_yaml
from workbench.testing.block_yaml import load_block_yaml

ROOT = Path(__file__).resolve().parents[2]
SCALARS = [
    "hello",
    "Hi Ann! Where would you like to go?",
    "yes",
    "No",
    "on",
    "OFF",
    "true",
    "False",
    "null",
    "~",
    "Null",
    "0",
    "42",
    "-7",
    "+3",
    "007",
    "1_000",
    "0x1f",
    "0b101",
    "1:20",
    "3.14",
    "-0.5",
    "1.",
    ".5",
    ".inf",
    "1e5",
    "2024-05-01",
    "<<",
    "=",
    "a#b",
    "a #b",
    "x:y",
    "x: y",
    "-x",
    "- x",
    "?x",
    "? x",
    ":x",
    "a,b",
    "[a]",
    "{a}",
    "'it''s'",
    "'a: b'",
    "''",
    "'unclosed",
    '"quoted"',
    '"a\\tb"',
    '""',
    "'x' #c",
    "'x'#c",
    "'k': v",
    "*alias",
    "&anchor x",
    "!tag x",
    "|",
    ">",
    "%x",
    "@x",
    "`x`",
    "You said: {said0}",
    "Où est la gare ?",
    "a  ",
    "1" * 120,
    "/When .*/",
    "end:",
    "t:x",
]
COMMON = ["hello", "item3-1", "'You said: item3-1'", "12", "yes", "true", "~", '"Ghent"', "a b  # note", "Où ?"]
KEYS = ["user", "bot", "name", "turns", "a b", "x.y", "1", "true", "yes", "~", "-k", "?k", "'q'", "k#x", "k:x", "<<"]


def same(fast: Any, slow: Any) -> None:
    """Assert two loaded values are equal, of the same types, with the same positions throughout."""
    assert type(fast) is type(slow), (fast, slow)
    assert fast == slow
    if isinstance(slow, YMap):
        assert list(fast) == list(slow) and fast.key_pos == slow.key_pos and fast.value_pos == slow.value_pos
        for key in slow:
            same(fast[key], slow[key])
    elif isinstance(slow, YList):
        assert fast.item_pos == slow.item_pos
        for a, b in zip(fast, slow, strict=True):
            same(a, b)


def check(text: str) -> Document | None:
    """Load `text` both ways; when the fast reader accepts it, the results must be the same."""
    fast = load_block_yaml(text)
    if fast is None:
        return None
    try:
        slow = load_yaml(text)
    except YamlSyntaxError as exc:
        pytest.fail(f"the fast reader accepted invalid YAML ({exc}):\n{text}")
    assert fast.pos == slow.pos and fast.duplicates == slow.duplicates == []
    same(fast.data, slow.data)
    return fast


def random_document(rng: random.Random) -> str:
    """A block-YAML-like document built from pieces that sit on both sides of the subset's edges."""

    def node(indent: int, depth: int) -> list[str]:
        pad = " " * indent

        def scalar() -> str:
            return rng.choice(COMMON if rng.random() < 0.6 else SCALARS)

        if depth > 2 or (depth and rng.random() < 0.25):
            return [pad + scalar()]
        lines: list[str] = []
        if rng.random() < 0.5:
            for _ in range(rng.randint(1, 3)):
                key = rng.choice(KEYS) + rng.choice(["", "", str(rng.randint(0, 9))])
                if rng.random() < 0.5:
                    lines.append(f"{pad}{key}:{rng.choice([' ', '  ', ' '])}{scalar()}")
                else:
                    lines.append(f"{pad}{key}:{rng.choice(['', ' ', '  # note'])}")
                    below = rng.choice([0, 2, 2, 4]) if rng.random() < 0.9 else 0
                    if below or rng.random() < 0.5:
                        lines += node(indent + below, depth + 1)
        else:
            for _ in range(rng.randint(1, 3)):
                child = node(indent + rng.choice([2, 2, 3, 4]), depth + 1)
                if rng.random() < 0.6:
                    first = child[0].lstrip(" ")
                    lines.append(f"{pad}-{' ' * rng.choice([1, 1, 2])}{first}")
                    lines += child[1:]
                else:
                    lines += [pad + rng.choice(["-", "- ", "- # c"]), *child]
        if rng.random() < 0.15:
            lines.insert(rng.randint(0, len(lines)), rng.choice(["", "   ", "# comment", "  # indented comment"]))
        return lines

    lines = node(rng.choice([0, 0, 0, 2]), 0)
    return "\n".join(lines) + rng.choice(["\n", "", "\n\n", "\n# end", "\n  "])


def test_the_fast_reader_agrees_with_load_yaml_on_thousands_of_generated_documents() -> None:
    rng = random.Random(13)
    accepted = sum(check(random_document(rng)) is not None for _ in range(4000))
    assert accepted > 1000  # the subset is not so narrow that the comparison says nothing


def test_the_fast_reader_agrees_with_load_yaml_on_every_convo_and_flow_file_of_the_repository() -> None:
    files = [*ROOT.glob("flows/**/*.yaml"), *ROOT.glob("tests/**/*.yaml")]
    assert len(files) > 30
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:  # a fixture of the loaders' tests
            continue
        for chunk in padded(text.removeprefix("\ufeff")):
            check(chunk)


def test_a_plain_one_conversation_file_is_read_by_the_fast_reader() -> None:
    text = (
        "flow: ../echo.yaml\n"
        "conversations:\n"
        "  - name: echo 1   # the first\n"
        "    turns:\n"
        "      - user: item1-0\n"
        "      - bot: 'You said: item1-0'\n"
        "      - vars:\n"
        "          count: 3\n"
        "          done: true\n"
        "          answer: yes\n"
        "      -\n"
    )
    document = check(text)
    assert document is not None
    assert document.data["conversations"][0]["turns"][2]["vars"] == {"count": 3, "done": True, "answer": "yes"}


@pytest.mark.parametrize(
    "text",
    [
        "a: [1, 2]\n",
        "a: |\n  text\n",
        "a: &x 1\nb: *x\n",
        "a: b\n  c\n",
        "a: 1\na: 2\n",
        "a: 'open\n  close'\n",
        'a: "tab\\t"\n',
        "a:\tb\n",
        "a: b: c\n",
        "- a\nb: 1\n",
        "just a scalar\n",
    ],
)
def test_what_the_fast_reader_does_not_read_is_left_to_load_yaml(text: str) -> None:
    assert load_block_yaml(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "- user: hi",
        "- user: hi\n",
        "- user: hi\n\n",
        "- user: hi\n  ",
        "- user: hi\n# end",
        "- user: hi # note\n- bot: 'You said: hi'\n",
        "-   user: hi\n-   bot: x\n",
        "- user: hi\n  bot: x\n",
        "- user: hi\n  bot: x\n- user: again\n",
        "- user: hi\n    more\n",
        "- user: hi\n   bot: x\n",
        "- user: hi\n - bot: x\n",
        "- user:\n- bot: x\n",
        "- user: # nothing\n- bot: x\n",
        "- yes: no\n- 1: 2\n- ~: null\n",
        "a:\n  - k: v\n  - k: w\nb: 1\n",
        "a:\n- k: v\n- k: w\nb: 1\n",
        "a:\n  - k: v\n    - x\n",
        "- - k: v\n  - k: w\n",
        "- k: '\n  v'\n",
        "- " + "k" * 1001 + ": v\n",
    ],
)
def test_an_entry_of_one_key_and_its_scalar_is_read_as_load_yaml_reads_it(text: str) -> None:
    check(text)


def test_an_entry_of_one_key_is_read_at_the_deepest_level_allowed_and_left_to_load_yaml_beyond() -> None:
    def nested(lists: int) -> str:  # `lists` lists, each the only entry of the one above, then `- k: v`
        return "".join(f"{' ' * (2 * level)}-\n" for level in range(lists - 1)) + " " * (2 * lists - 2) + "- k: v\n"

    assert check(nested(MAX_DEPTH - 1)) is not None  # the entry's mapping at level MAX_DEPTH
    assert load_block_yaml(nested(MAX_DEPTH)) is None
    with pytest.raises(YamlSyntaxError):
        load_yaml(nested(MAX_DEPTH))
