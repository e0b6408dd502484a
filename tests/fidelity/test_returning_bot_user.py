"""Chatlayer's page tutorials-1/how-to-recognize-a-returning-bot-user.md ("Recognizing a returning user"), run
verbatim: the introduction as a Go To on `known_user_flag`, which the new-user branch sets to 1.

The page shows the dialogs as screenshots; their texts here are the workbench's. A channel that keeps variables
between sessions (Facebook Messenger) is played by starting the next conversation with the variables the
previous one ended with; the Web Widget, which keeps them only for a session, by restarting.
"""

import asyncio

from workbench.engine.conversation import Conversation
from workbench.engine.session import Session

from .helpers import converse, entered, said

FLOW = """
start: introduction
states:
  introduction:
    next:
      - if: known_user_flag == 1
        goto: introduction returning user
      - if: known_user_flag === undefined
        goto: introduction new user
        set: {known_user_flag: 1}
  introduction new user:
    say: Hi, I'm the Choo Choo bot! I can help you book a train ticket.
  introduction returning user:
    next:
      - if: origin && destination
        goto: suggest journey
      - goto: welcome back
  welcome back:
    say: Welcome back! Where would you like to go this time?
  suggest journey:
    say: Welcome back! Would you like to travel from {origin} to {destination} again?
"""


def test_a_new_user_gets_the_new_introduction_and_the_flag(flow_from) -> None:
    """Step 2: "Else if known_user_flag does not exist, the user is a new user and should be redirected to an
    introduction for new users. At the same time, you should set the known_user_flag to 1"."""
    flow = flow_from(FLOW)
    events = converse(flow)
    assert said(events) == ["Hi, I'm the Choo Choo bot! I can help you book a train ticket."]
    assert Session.from_events(events, flow.variables).get("known_user_flag") == 1


def test_the_next_session_on_messenger_greets_a_returning_user(flow_from) -> None:
    """Step 2: "If known_user_flag equals 1, the bot knows that there has been a conversation with this user
    before ... redirected to an introduction message for returning users" (Messenger keeps the variables)."""
    flow = flow_from(FLOW)
    kept = Session.from_events(converse(flow), flow.variables).variables
    events = converse(flow, variables=kept)
    assert entered(events) == ["introduction", "introduction returning user", "welcome back"]
    assert said(events) == ["Welcome back! Where would you like to go this time?"]


def test_known_origin_and_destination_give_a_personalised_journey(flow_from) -> None:
    """Step 3: the bot "can reuse the values 'origin' and 'destination' from previous user conversations to
    suggest a new and personalised journey", after a Go To checks they have been saved."""
    events = converse(flow_from(FLOW), variables={"known_user_flag": 1, "origin": "Ghent", "destination": "Bruges"})
    assert said(events) == ["Welcome back! Would you like to travel from Ghent to Bruges again?"]


def test_the_web_widget_forgets_the_user_with_the_session(flow_from) -> None:
    """The hint: "by default, the Web Widget only saves variables for the duration of the session": a new
    session greets the user as new again."""
    flow = flow_from(FLOW)

    async def main() -> list[str]:
        async with Conversation(flow) as conversation:
            await conversation.start()
            await conversation.restart()  # the events of the session before are gone with it
            return entered(conversation.events)

    assert asyncio.run(main()) == ["introduction", "introduction new user"]
