"""The transitions a flow declares, and the edge a StateEntered event took."""

from workbench.engine.events import StateEntered
from workbench.flow.graph import ANYWHERE, Transition, transitions

FLOW = """
start: a
nlu: {intents: {hi: [hello]}, fallback: huh}
states:
  a:
    say:
      - text: pick
        buttons: [{title: B, goto: b}, {title: link, url: "https://example.com"}]
      - carousel: [{title: card, buttons: [{title: C, goto: c}]}]
    next: [{if: x > 1, goto: b}, {goto: c}]
  b:
    ask: what?
    save: x
    give_up_goto: a
    on_error: c
    next: c
  c:
    intent: hi
    code: ChatlayerResponseBuilder().setNextDialogState('a').send();
  handover: {offload: {provider: console}}
  offloading_closed: {say: back}
  huh: {say: huh}
"""


def test_every_declared_edge_is_listed_once_with_why(flow_from):
    edges = {(t.source, t.target, t.why, t.route) for t in transitions(flow_from(FLOW))}
    assert edges == {
        ("a", "b", "route", 0),
        ("a", "c", "route", 1),
        ("a", "b", "button", None),
        ("a", "c", "button", None),
        ("b", "c", "next", None),
        ("b", "c", "on_error", None),
        ("b", "a", "give_up", None),
        ("c", "a", "code", None),
        (ANYWHERE, "c", "intent", None),
        ("handover", "offloading_closed", "offload", None),
        (ANYWHERE, "huh", "fallback", None),
    }


def test_a_state_entered_event_names_the_edge_it_took():
    assert Transition.from_event(StateEntered(state="b", previous="a", reason="route", route=0)).key == (
        "a",
        "b",
        "route",
        0,
    )
    assert Transition.from_event(StateEntered(state="c", previous="b", reason="intent")).key == (
        ANYWHERE,
        "c",
        "intent",
        None,
    )
    assert Transition.from_event(StateEntered(state="x", previous="b", reason="error")).why == "on_error"
