"""Chatlayer's page bot-answers/events.md ("Events"), run as written: the variables-changed event with the page's
own example flow ('Change variable' → 'Event triggered' → 'Event triggered step 2' → 'Send back after event'), the
`events.variablesChanged` array, an API request whenever a variable changes, and the silence-detected event."""

from __future__ import annotations

import asyncio

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation

from .helpers import Backend, converse, entered, of, press, said

PAGE_EXAMPLE = """
start: Change variable
events:
  - name: Watch the colour
    variables_changed: [colour]
    goto: Event triggered
states:
  Change variable:
    say:
      - text: Pick a colour
        quick_replies:
          - {title: Blue, set: {colour: blue}, goto: Send back after event}
  Event triggered:
    say: The event was triggered
    next: Event triggered step 2
  Event triggered step 2:
    say: "This is step 2; changed: {events.variablesChanged}"
  Send back after event:
    say: Back after the event
"""


def test_the_page_example_shows_the_event_dialogs_then_the_dialog_after_the_change(flow_from) -> None:
    """ "In this flow, for example, a variable is changed in a quick reply in the 'Change variable' bot dialog that
    triggers an event. This event triggers the 'Event triggered' bot dialog, which has a 'Go to' that points to
    'Event triggered step 2'. After these messages, the flow is redirected to the 'Send back after event' action" """
    events = converse(flow_from(PAGE_EXAMPLE), press("Blue"))
    assert entered(events) == [
        "Change variable",
        "Event triggered",
        "Event triggered step 2",
        "Send back after event",
    ]
    assert said(events) == [
        "Pick a colour",
        "The event was triggered",
        'This is step 2; changed: ["colour"]',
        "Back after the event",
    ]
    [triggered] = of(ev.EventTriggered, events)
    assert (triggered.name, triggered.type, triggered.variables) == (
        "Watch the colour",
        "variables_changed",
        ("colour",),
    )


def test_the_changed_variables_are_in_the_events_variables_changed_array(flow_from) -> None:
    """ "The changed variables are also stored in the user session, where you can access them in the
    `events.variablesChanged` array." """

    async def main() -> object:
        async with Conversation(flow_from(PAGE_EXAMPLE)) as conversation:
            await conversation.start()
            await conversation.press("Blue")
            return conversation.session.snapshot()["events"]

    assert asyncio.run(main()) == {"variablesChanged": ["colour"]}


def test_a_go_to_and_an_entity_trigger_the_event_too(flow_from) -> None:
    """ "Whenever the variable is changed, for example in a go-to, when a button is clicked, or when an entity is
    detected, this event will be triggered." """
    text = """
    start: Go to
    nlu:
      entities:
        colour: {values: [red, green]}
    events: [{variables_changed: colour, goto: Noted}]
    states:
      Go to:
        next: [{goto: Ask, set: {colour: red}}]
      Ask:
        say: Which colour now?
      Noted:
        say: "Colour: {colour}"
      not_understood:
        say: OK
    """
    events = converse(flow_from(text), "green please")
    assert said(events) == ["Colour: red", "Which colour now?", "Colour: green", "OK"]


def test_an_api_request_whenever_a_variable_changes(flow_from, backend: Backend) -> None:
    """ "Our customers often use the 'variables changed event' to perform an API request through an API action
    whenever a specific variable changes." """
    backend.answer("/address", {"session": {"namespace": "address", "data": {"checked": True}}})
    text = f"""
    start: Ask zip
    events: [{{variables_changed: zip, goto: Check address}}]
    states:
      Ask zip:
        ask: Your postal code?
        save: zip
        next: Thanks
      Check address:
        api: {{method: POST, url: "{backend.url}/address", body: {{zip: {{var: zip}}}}}}
      Thanks:
        say: "Thanks, checked: {{address.checked}}"
    """
    events = converse(flow_from(text), "9000")
    assert backend.received == [("POST", "/address", {"zip": "9000"})]
    assert said(events)[-1] == "Thanks, checked: true"


SILENCE = """
start: Hello
events:
  - {silence: 20, goto: Still there}
states:
  Hello:
    say: Hello, what can I do?
  Still there:
    say: Are you still there?
"""


def test_a_silence_longer_than_the_value_of_your_choosing_routes_the_user(flow_from) -> None:
    """Silence detected: "This event allows you to configure where the user should be routed if the bot detects
    a silence longer than a value of your choosing." — simulated, never waited for."""

    async def main(seconds: float) -> list[ev.Event]:
        async with Conversation(flow_from(SILENCE)) as conversation:
            await conversation.start()
            await conversation.silence(seconds)
            return list(conversation.events)

    assert said(asyncio.run(main(10))) == ["Hello, what can I do?"]
    events = asyncio.run(main(20))
    assert said(events) == ["Hello, what can I do?", "Are you still there?"]
    assert entered(events)[-1] == "Still there"
