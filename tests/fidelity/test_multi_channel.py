"""Chatlayer's page channels/multi-channel.md ("Multi-channel"), run verbatim: a Go To that routes on
`internal.channel`. The channel gives `internal.*` values (this one, and `internal.user.firstName` of
channels/facebook/README.md); a conversation test or `--var` gives them to play that channel. The values the
engine keeps (`internal.nlp`, the dialog states) cannot be given.
"""

import io
import textwrap
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.engine.conversation import Conversation
from workbench.engine.session import Session

from .convo import load, passed, replay
from .helpers import converse, said

FLOW = """
start: choose channel
states:
  choose channel:
    next:
      - if: internal.channel == "facebook"
        goto: Facebook flow
      - goto: Web flow
  Facebook flow:
    say: "Hi {internal.user.firstName}! Welcome on Messenger."
  Web flow:
    say: Hi! Welcome on our website.
"""


def test_without_a_channel_the_go_to_takes_the_web_flow(flow_from) -> None:
    """ "if internal.channel variable equals "facebook", create a 'Go To' to the Facebook flow; if not (else
    if), create a 'Go To' to the Web flow" — the workbench's own channel is 'workbench'."""
    events = converse(flow_from(FLOW))
    assert said(events) == ["Hi! Welcome on our website."]
    assert Session.from_events(events).get("internal.channel") == "workbench"


def test_a_convo_test_plays_facebook_messenger(tmp_path: Path) -> None:
    """The values for internal.channel: "Facebook Messenger: facebook"; Messenger gives {internal.user.firstName}."""
    result = replay(
        tmp_path,
        FLOW,
        """
        variables: {internal.channel: facebook, internal.user: {firstName: Ann}}
        turns:
          - bot: Hi Ann! Welcome on Messenger.
          - vars: {internal.channel: facebook, internal.user.firstName: Ann}
        """,
    )
    assert passed(result)


def test_the_channel_can_be_given_as_one_internal_mapping(flow_from) -> None:
    """`internal: {...}` gives several channel values at once; the engine's own values stay."""
    events = converse(flow_from(FLOW), variables={"internal": {"channel": "facebook", "user": {"firstName": "Bo"}}})
    assert said(events) == ["Hi Bo! Welcome on Messenger."]
    assert Session.from_events(events).get("internal.currentDialogstate.name") == "Facebook flow"


def test_runner_variables_play_the_channel_for_every_test(tmp_path: Path) -> None:
    """`workbench test --var internal.channel=facebook` (the runner's variables) overrides every test's."""
    convo = "turns:\n  - bot: /Messenger/\n"
    assert passed(replay(tmp_path, FLOW, convo, variables={"internal.channel": "facebook"}))


@pytest.mark.parametrize(
    "given",
    ["internal.nlp: {expression: hi}", "internal.currentDialogstate.name: Web flow", "internal: {offloaded: true}"],
)
def test_a_convo_test_cannot_give_what_the_engine_keeps(tmp_path: Path, given: str) -> None:
    """The engine's internal.* values are read-only: a test giving one does not load, and says why."""
    loaded = load(tmp_path, FLOW, f"variables: {{{given}}}\nturns:\n  - bot: /Hi/\n")
    assert not loaded.ok
    message = str(loaded.problems[0])
    assert ":2:" in message and "is set by the engine and cannot be given" in message
    assert "internal.channel" in message  # what can be given instead


def test_runner_variables_cannot_give_what_the_engine_keeps(tmp_path: Path) -> None:
    """The same refusal for the runner's variables: the test is an error, not a crash."""
    result = replay(tmp_path, FLOW, "turns:\n  - bot: /Hi/\n", variables={"internal.nlp.intent.score": 1})
    assert result.status == "error"
    assert result.failure is not None and "internal.nlp is set by the engine" in result.failure.message


def test_a_conversation_refuses_what_the_engine_keeps(flow_from) -> None:
    """Conversation itself refuses an engine-owned starting value."""
    with pytest.raises(ValueError, match=r"internal\.previousDialogstate is set by the engine"):
        Conversation(flow_from(FLOW), variables={"internal.previousDialogstate": {"name": "x"}})


def test_chat_var_gives_the_channel_and_refuses_engine_values(tmp_path: Path, capsys, monkeypatch) -> None:
    """`workbench chat FLOW --var internal.channel=facebook` plays Messenger; `--var internal.nlp=…` exits 2."""
    flow = tmp_path / "flow.yaml"
    flow.write_text(textwrap.dedent(FLOW), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["chat", str(flow), "--var", "internal.channel=facebook", "--var", "internal.user.firstName=Ann"]) == 0
    assert "Hi Ann! Welcome on Messenger." in capsys.readouterr().out
    assert main(["chat", str(flow), "--var", 'internal.nlp={"expression": "hi"}']) == 2
    assert "--var: internal.nlp is set by the engine and cannot be given" in capsys.readouterr().err
