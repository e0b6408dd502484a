"""integrations/code-action.md, the older Code Editor page: the same builder, with `setSessionVariable` where
the newer page says `addSessionVariable`. The workbench takes both names for the same method."""

from __future__ import annotations

import pytest

from workbench.engine import events as ev

from .helpers import code_flow, converse, of, said

# `{ ... }` is the page's placeholder for "your data", not JavaScript: the test puts an address there.
ADDRESS = '{ street: "Main street 1" }'

EXAMPLES = {
    "chained": """
ChatlayerResponseBuilder()
    .setSessionVariable("user", { address: { ... } })
    .addMessage("Thank you for sharing your address!")
    .send();
""",
    "one call per line": """
const builder = ChatlayerResponseBuilder();

builder.setSessionVariable("user", { address: { ... } })
builder.addMessage("Thank you for sharing your address!")
builder.send();
""",
}


@pytest.mark.parametrize("source", EXAMPLES.values(), ids=EXAMPLES.keys())
def test_set_session_variable_is_add_session_variable(flow_from, source: str) -> None:
    """'ChatlayerResponseBuilder function': both ways of writing the address example."""
    events = converse(flow_from(code_flow(source.replace("{ ... }", ADDRESS))))
    assert [(c.name, c.value) for c in of(ev.VariableChanged, events)] == [
        ("user", {"address": {"street": "Main street 1"}})
    ]
    assert said(events) == ["Thank you for sharing your address!", "after"]


def test_set_session_variable_with_text_and_with_an_object(flow_from) -> None:
    """'Set variables or send messages': `setSessionVariable("user", 'Joachim')`, then the user object."""
    text = """
ChatlayerResponseBuilder()
    .setSessionVariable("user", 'Joachim')
    .addMessage("setSessionVariable done.")
    .send();
"""
    obj = """
ChatlayerResponseBuilder()
    .setSessionVariable("user", { firstName: "Joachim", lastName: "Chatbot" })
    .send();
"""
    events = converse(flow_from(code_flow(text)))
    assert said(events) == ["setSessionVariable done.", "after"]
    assert of(ev.VariableChanged, events)[0].value == "Joachim"
    flow = code_flow(obj).replace("after: {say: after}", "after: {say: 'Hi {user.firstName} {user.lastName}'}")
    assert said(converse(flow_from(flow))) == ["Hi Joachim Chatbot"]
