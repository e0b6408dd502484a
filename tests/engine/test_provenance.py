"""Variable provenance: which state, action, code line, response or page set each session variable, and when."""

import asyncio

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.debugger import Debugger
from workbench.engine.provenance import history, provenance, provenance_of

FLOW = """
start: ask_name
variables: {currency: EUR}
states:
  ask_name:
    ask: Your name?
    save: name
    next: menu
  menu:
    say:
      - text: Pick one
        buttons: [{title: Brussels, set: {city: Brussels}, goto: quote}]
  quote:
    code: |
      const price = 10;
      const b = ChatlayerResponseBuilder();
      b.addSessionVariable('price', price);
      b.addSessionVariable('user', {name: args.name, tier: 'gold'});
      b.send();
    args: {name: {var: name}}
    next: page
  page:
    iframe: {url: "https://example.com/seat"}
  forget:
    clear_session: {keep: [name]}
"""


async def drive(flow, debugger=None):
    async with Conversation(flow, variables={"first_visit": True}, debugger=debugger) as conversation:
        await conversation.start()
        await conversation.send_text("Ann")
        await conversation.press("Brussels")
        update = {"target": "CL_API", "type": "UPDATE_SESSION", "payload": {"user": {"seat": "12A"}}}
        await conversation.post_message(update, origin="https://example.com")
        await conversation.set_variable("price", 12)
    return conversation


def run(flow_from, debugger=None):
    return asyncio.run(drive(flow_from(FLOW), debugger))


def test_every_variable_says_which_state_and_action_set_it_and_when(flow_from):
    conversation = run(flow_from)
    found = provenance(conversation.events, conversation.flow.variables)
    assert {path: (p.origin, p.state, p.turn) for path, p in found.items()} == {
        "locale": ("default", None, 0),
        "currency": ("default", None, 0),
        "first_visit": ("default", None, 0),
        "internal.nlp": ("nlp", "ask_name", 2),  # the NLP's reading of "Ann"
        "name": ("ask", "ask_name", 2),
        "city": ("button", "menu", 3),
        "user": ("iframe", "page", 4),  # the page's UPDATE_SESSION merged into the code's `user`
        "price": ("edit", None, 4),  # an edit by hand is not a turn of its own
    }
    assert (found["locale"].detail, found["currency"].detail) == ("engine default", "flow default")
    assert found["city"].detail == "Brussels"
    assert found["user"].detail == "https://example.com"
    assert found["user"].value == {"name": "Ann", "tier": "gold", "seat": "12A"}
    assert conversation.events[found["name"].index].kind == "VariableChanged"
    assert found["name"].at <= found["city"].at <= found["price"].at


def test_code_writes_carry_their_line_in_debug_mode_and_their_state_otherwise(flow_from):
    plain = history(run(flow_from).events)
    debugged = history(run(flow_from, Debugger()).events)
    code = [(w.path, w.state, w.line) for w in plain if w.origin == "code"]
    assert code == [("price", "quote", None), ("user", "quote", None)]
    code = [(w.path, w.state, w.line) for w in debugged if w.origin == "code"]
    assert code == [("price", "quote", 3), ("user", "quote", 4)]


def test_a_nested_path_comes_from_the_nearest_write_that_covers_it(flow_from):
    events = run(flow_from).events
    assert provenance_of(events, "user.tier").origin == "iframe"
    assert provenance_of(events, "name").origin == "ask"
    assert provenance_of(events, "nothing.here") is None
    events = [
        ev.VariableChanged(name="user", value={"name": "Ann"}, origin="code", state="a"),
        ev.VariableChanged(name="user.seat", value="12A", origin="api", state="b"),
    ]
    assert provenance_of(events, "user.seat").origin == "api"
    assert provenance_of(events, "user.name").origin == "code"
    assert provenance_of([*events, events[0]], "user.seat").origin == "code"  # setting `user` again covers it


def test_clear_session_removes_variables_and_restores_defaults():
    events = [
        ev.TurnStarted(input="start"),
        ev.VariableChanged(name="name", value="Ann", origin="ask", state="ask_name"),
        ev.VariableChanged(name="currency", value="USD", origin="code", state="quote", line=2),
        ev.VariableChanged(name="seat", value="12A", origin="iframe", state="page"),
        ev.SessionCleared(state="forget", removed=("currency", "seat"), restored={"currency": "EUR"}),
        ev.VariableChanged(name="name", removed=True, origin="edit"),
    ]
    found = provenance(events, {"currency": "EUR"})
    assert set(found) == {"locale", "currency"}
    assert (found["currency"].origin, found["currency"].state, found["currency"].value) == ("default", "forget", "EUR")
    removals = [(w.path, w.origin) for w in history(events) if w.removed]
    assert removals == [("currency", "cleared"), ("seat", "cleared"), ("name", "edit")]


def test_a_flow_default_stands_over_the_engine_default_it_replaces():
    found = provenance([], {"locale": "nl"})
    assert (found["locale"].value, found["locale"].detail) == ("nl", "flow default")
    assert provenance([])["locale"].detail == "engine default"
