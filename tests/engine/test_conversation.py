"""A conversation through say, ask, router, buttons, intents and the fallback: what the user sees and where
the conversation stands."""

import asyncio

import pytest

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.session import Session

TRAIN = """
name: Mini train
start: welcome
variables: {count: 0}
nlu:
  intents:
    book_ticket: [I want a train ticket, book a train]
    start_over: [start over, begin again]
  entities:
    city: {values: [Brussels, Ghent], synonyms: {Brussels: [Bruxelles]}}
states:
  welcome:
    say:
      - Hi {first_name|capitalize}!
      - text: Pick one
        buttons:
          - {title: Brussels, set: {destination: Brussels, count: "{count|increment}"}, goto: ask_date}
          - {title: Elsewhere, goto: ask_destination}
  ask_destination:
    intent: book_ticket
    ask: Where to?
    save: destination
    expect: city
    retry: Sorry, we don't go to {input}. Which city?
    give_up: Let me help you.
    give_up_goto: welcome
    next: ask_date
  ask_date:
    ask: How many tickets?
    save: tickets
    expect: number
    next: route
  route:
    next:
      - if: tickets > 3
        goto: group
      - goto: single
  group:
    say: A group of {tickets} to {destination}.
  single:
    say: "{tickets} ticket(s) to {destination|toUpperCase}."
  restart:
    intent: start_over
    say: Starting over.
    next: welcome
"""


def bot_texts(events):
    return [e.text for e in events if isinstance(e, ev.BotMessage)]


async def talk(flow, *inputs, variables=None):
    """Start a conversation and feed it inputs: text, or ('press', choice)."""
    conversation = Conversation(flow, variables=variables)
    await conversation.start()
    for item in inputs:
        if isinstance(item, tuple):
            await conversation.press(item[1])
        else:
            await conversation.send_text(item)
    await conversation.aclose()
    return conversation


def test_start_greets_with_templates_and_waits_at_a_say_without_next(flow_from):
    conversation = asyncio.run(talk(flow_from(TRAIN), variables={"first_name": "ann"}))
    assert bot_texts(conversation.events) == ["Hi Ann!", "Pick one"]
    assert conversation.session.waiting == "welcome"
    assert [c.title for c in conversation.session.choices] == ["Brussels", "Elsewhere"]


def test_a_button_sets_its_parameters_and_jumps(flow_from):
    conversation = asyncio.run(talk(flow_from(TRAIN), ("press", "Brussels"), "2"))
    assert conversation.session.get("destination") == "Brussels"
    assert conversation.session.get("count") == 1
    assert bot_texts(conversation.events)[-1] == "2 ticket(s) to BRUSSELS."
    pressed = [e for e in conversation.events if isinstance(e, ev.UserMessage) and e.via == "button"]
    assert pressed[0].payload == {
        "nextDialogstateId": "ask_date",
        "params": [{"key": "destination", "value": "Brussels"}, {"key": "count", "value": 1}],
    }


def test_buttons_can_be_pressed_by_number_and_by_typing_their_title(flow_from):
    by_number = asyncio.run(talk(flow_from(TRAIN), ("press", 2)))
    by_title = asyncio.run(talk(flow_from(TRAIN), "elsewhere"))
    assert bot_texts(by_number.events)[-1] == bot_texts(by_title.events)[-1] == "Where to?"


def test_an_ask_stores_the_canonical_entity_value_and_routes_on_a_condition(flow_from):
    conversation = asyncio.run(talk(flow_from(TRAIN), ("press", 2), "Bruxelles", "5"))
    assert conversation.session.get("destination") == "Brussels"
    assert conversation.session.get("tickets") == 5
    entered = [e for e in conversation.events if isinstance(e, ev.StateEntered)]
    assert (entered[-1].state, entered[-1].reason, entered[-1].route) == ("group", "route", 0)
    assert bot_texts(conversation.events)[-1] == "A group of 5 to Brussels."


def test_a_wrong_answer_is_retried_with_the_input_and_three_failures_give_up(flow_from):
    conversation = asyncio.run(talk(flow_from(TRAIN), ("press", 2), "Paris", "Rome", "Oslo"))
    texts = bot_texts(conversation.events)
    assert "Sorry, we don't go to Paris. Which city?" in texts
    assert "Sorry, we don't go to Rome. Which city?" in texts
    assert texts[-3:] == ["Let me help you.", "Hi !", "Pick one"]
    rejected = [e.attempt for e in conversation.events if isinstance(e, ev.InputRejected)]
    assert rejected == [1, 2, 3]


def test_an_ask_whose_variable_is_set_is_skipped(flow_from):
    conversation = asyncio.run(talk(flow_from(TRAIN), "book a train", variables={"destination": "Ghent"}))
    assert "Where to?" not in bot_texts(conversation.events)
    assert conversation.session.waiting == "ask_date"


def test_an_intent_pulls_the_user_out_from_anywhere_with_typos_and_word_order(flow_from):
    conversation = asyncio.run(talk(flow_from(TRAIN), ("press", "Elsewhere"), "train ticket I want a"))
    matched = [e for e in conversation.events if isinstance(e, ev.IntentMatched)]
    assert matched and matched[0].intent == "book_ticket"
    assert conversation.session.get("internal.nlp.intent.name") == "book_ticket"
    assert conversation.session.current_state == "ask_destination"


def test_text_that_matches_nothing_goes_to_the_built_in_not_understood(flow_from):
    conversation = asyncio.run(talk(flow_from(TRAIN), "what is the weather like"))
    assert bot_texts(conversation.events)[-1] == "Sorry, I didn't understand that."
    assert conversation.session.current_state == "not_understood"
    # the buttons shown before can still be pressed
    assert [c.title for c in conversation.session.choices] == ["Brussels", "Elsewhere"]


def test_the_flows_own_fallback_state_is_used(flow_from):
    flow = flow_from(
        """
        start: a
        nlu: {fallback: huh}
        states:
          a: {say: Hello}
          huh: {say: "Pardon, {internal.previousDialogstate.name}?"}
        """
    )
    conversation = asyncio.run(talk(flow, "blah"))
    assert bot_texts(conversation.events)[-1] == "Pardon, a?"


def test_a_runaway_loop_stops_the_turn_and_names_the_states(flow_from):
    flow = flow_from(
        """
        start: a
        states:
          a: {say: A, next: b}
          b: {next: c}
          c: {next: b}
          d: {say: D}
        """
    )
    conversation = asyncio.run(talk(flow))
    errors = [e for e in conversation.events if isinstance(e, ev.EngineError)]
    assert len(errors) == 1
    assert errors[0].error == "loop"
    assert set(errors[0].states) == {"b", "c"}
    assert "more than 100 transitions" in errors[0].message
    assert isinstance(conversation.events[-1], ev.TurnFinished)


def test_the_session_stays_usable_after_a_loop(flow_from):
    flow = flow_from(
        """
        start: a
        nlu: {intents: {hello: [hello there]}}
        states:
          a: {next: a}
          greet: {intent: hello, say: Hi}
        """
    )
    conversation = asyncio.run(talk(flow, "hello there"))
    assert bot_texts(conversation.events) == ["Hi"]


def test_a_missing_template_variable_renders_empty_and_warns(flow_from):
    conversation = asyncio.run(talk(flow_from(TRAIN)))
    warnings = [e for e in conversation.events if isinstance(e, ev.TemplateWarning)]
    assert [w.variable for w in warnings] == ["first_name"]
    assert bot_texts(conversation.events)[0] == "Hi !"


def test_internal_variables_and_locale(flow_from):
    conversation = asyncio.run(talk(flow_from(TRAIN), ("press", 2)))
    session = conversation.session
    assert session.get("internal.currentDialogstate.name") == "ask_destination"
    assert session.get("internal.previousDialogstate.name") == "welcome"
    assert session.get("internal.channel") == "workbench"
    assert session.get("locale") == "en"


def test_the_session_is_the_projection_of_its_events(flow_from):
    flow = flow_from(TRAIN)
    conversation = asyncio.run(talk(flow, ("press", 2), "Ghent", "2", variables={"first_name": "Bo"}))
    rebuilt = Session.from_events(conversation.events, defaults=flow.variables)
    assert rebuilt.snapshot() == conversation.session.snapshot()
    assert rebuilt.waiting == conversation.session.waiting


def test_subscribers_see_every_event_until_they_unsubscribe(flow_from):
    async def scenario():
        conversation = Conversation(flow_from(TRAIN))
        seen: list[ev.Event] = []
        unsubscribe = conversation.subscribe(seen.append)
        await conversation.start()
        unsubscribe()
        await conversation.send_text("book a train")
        await conversation.aclose()
        return conversation, seen

    conversation, seen = asyncio.run(scenario())
    assert seen and seen == conversation.events[: len(seen)]
    assert len(conversation.events) > len(seen)


def test_editing_a_variable_goes_through_the_engine_and_internal_is_read_only(flow_from):
    async def scenario():
        conversation = Conversation(flow_from(TRAIN))
        await conversation.start()
        await conversation.set_variable("user.name", "Kim")
        await conversation.set_variable("internal.channel", "x")
        await conversation.aclose()
        return conversation

    conversation = asyncio.run(scenario())
    assert conversation.session.get("user") == {"name": "Kim"}
    assert conversation.session.get("internal.channel") == "workbench"
    assert isinstance(conversation.events[-1], ev.EngineError)


def test_pressing_a_button_that_is_not_there_is_an_error_not_a_crash(flow_from):
    conversation = asyncio.run(talk(flow_from(TRAIN), ("press", 7)))
    errors = [e for e in conversation.events if isinstance(e, ev.EngineError)]
    assert errors[0].error == "input"
    assert conversation.session.waiting == "welcome"


def test_restart_starts_again_with_a_fresh_session(flow_from):
    async def scenario():
        conversation = Conversation(flow_from(TRAIN), variables={"first_name": "ann"})
        await conversation.start()
        await conversation.press("Brussels")
        await conversation.restart()
        await conversation.aclose()
        return conversation

    conversation = asyncio.run(scenario())
    assert conversation.events[0] == ev.TurnStarted(input="restart")
    assert conversation.session.get("destination") is None
    assert conversation.session.get("first_name") == "ann"
    assert bot_texts(conversation.events) == ["Hi Ann!", "Pick one"]


@pytest.mark.parametrize("text", ["", "   "])
def test_blank_input_is_handled_like_any_other_text(flow_from, text):
    conversation = asyncio.run(talk(flow_from(TRAIN), text))
    assert conversation.session.current_state == "not_understood"


def test_entities_in_any_text_are_stored_even_without_an_intent(flow_from):
    conversation = asyncio.run(talk(flow_from(TRAIN), "is Bruxelles nice for 3 people? mail me at ann@example.com"))
    assert conversation.session.get("city") == "Brussels"
    assert conversation.session.get("sys.number") == 3
    assert conversation.session.get("sys.email") == "ann@example.com"
    origins = {e.name: e.origin for e in conversation.events if isinstance(e, ev.VariableChanged)}
    assert origins["city"] == "entity"


def test_the_engines_built_in_states_are_the_ones_flows_may_go_to():
    from workbench.engine.conversation import BUILTIN_STATES
    from workbench.flow.model import BUILTIN_STATE_NAMES

    assert set(BUILTIN_STATES) == BUILTIN_STATE_NAMES


def test_a_subscriber_that_raises_is_logged_and_the_conversation_goes_on(flow_from, caplog):
    async def scenario():
        conversation = Conversation(flow_from(TRAIN))
        conversation.subscribe(lambda event: 1 / 0)
        seen: list[ev.Event] = []
        conversation.subscribe(seen.append)
        await conversation.start()
        await conversation.press("Elsewhere")
        await conversation.aclose()
        return conversation, seen

    conversation, seen = asyncio.run(scenario())
    assert seen == conversation.events
    assert bot_texts(conversation.events)[-1] == "Where to?"
    assert "a subscriber failed on TurnStarted" in caplog.text


SETS = """
start: welcome
variables: {visits: 0}
states:
  welcome:
    set: {visits: "{visits|increment}", greeting: "Hi {name}"}
    say: "{greeting}, visit {visits}"
    next: route
  route:
    next:
      - if: visits > 1
        goto: regular
        set: {kind: regular}
      - goto: newcomer
        set: {kind: new, seen: {var: visits}}
  regular:
    say: Welcome back.
  newcomer:
    say: Welcome.
"""


def test_a_states_set_runs_before_its_messages_and_a_routes_when_it_is_taken(flow_from):
    conversation = asyncio.run(talk(flow_from(SETS)))
    assert bot_texts(conversation.events) == ["Hi , visit 1", "Welcome."]
    assert conversation.session.get("kind") == "new"
    assert conversation.session.get("seen") == 1  # {var: …} keeps the type
    writes = [(e.name, e.state, e.origin, e.detail) for e in conversation.events if isinstance(e, ev.VariableChanged)]
    assert writes == [
        ("visits", "welcome", "set", ""),
        ("greeting", "welcome", "set", ""),
        ("kind", "route", "set", "next: newcomer"),
        ("seen", "route", "set", "next: newcomer"),
    ]
    warnings = [e for e in conversation.events if isinstance(e, ev.TemplateWarning)]
    assert [(w.variable, w.template) for w in warnings] == [("name", "Hi {name}")]


def test_internal_nlp_holds_every_user_message_and_its_best_intent(flow_from):
    conversation = asyncio.run(talk(flow_from(TRAIN), "I want a train tikcet", "what's the weather"))
    nlp = conversation.session.get("internal.nlp")
    assert nlp["expression"] == "what's the weather"
    assert nlp["intent"]["name"] in ("book_ticket", "start_over")
    assert 0 < nlp["intent"]["score"] <= 0.8
    matched = [e.intent for e in conversation.events if isinstance(e, ev.IntentMatched)]
    assert matched == ["book_ticket"]  # only the first was above the threshold


def test_internal_nlp_keeps_only_the_expression_when_an_ask_turns_the_nlp_off(flow_from):
    flow = flow_from("start: q\nstates:\n  q:\n    ask: Name?\n    save: name\n    nlp: false\n")
    conversation = asyncio.run(talk(flow, "Ann"))
    assert conversation.session.get("internal.nlp") == {"expression": "Ann"}


def test_a_channels_internal_values_can_start_a_conversation_but_not_the_engines(flow_from):
    conversation = asyncio.run(talk(flow_from(TRAIN), variables={"internal.channel": "web", "locale": "nl"}))
    assert conversation.session.get("internal.channel") == "web"
    assert conversation.session.get("locale") == "nl"
    assert "internal" not in conversation.session.variables
    with pytest.raises(ValueError, match=r"internal\.nlp is set by the engine"):
        Conversation(flow_from(TRAIN), variables={"internal": {"nlp": {}}})


def test_a_code_action_cannot_write_internal(flow_from):
    flow = flow_from(
        "start: c\nstates:\n  c:\n    code: |\n"
        "      ChatlayerResponseBuilder().addSessionVariable('internal', {channel: 'x'}).send();\n"
    )
    conversation = asyncio.run(talk(flow))
    assert conversation.session.get("internal.channel") == "workbench"
    assert "internal" not in conversation.session.variables
