"""Rewind and branch: points in the event log, a new branch from a point, the old branch kept and returned to."""

import asyncio

import pytest

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.debugger import Debugger
from workbench.engine.session import Session
from workbench.engine.timeline import points, turn_point

WALK_FLOW = """
start: hello
nlu:
  intents:
    left: [go left]
    right: [go right]
states:
  hello: {say: Hi}
  left:
    intent: left
    code: |
      ChatlayerResponseBuilder().addSessionVariable('path', (args.path || '') + 'L').addMessage('left').send();
    args: {path: {var: path}}
  right:
    intent: right
    code: |
      ChatlayerResponseBuilder().addSessionVariable('path', (args.path || '') + 'R').addMessage('right').send();
    args: {path: {var: path}}
"""

WALK = ["go left", "go left", "go right", "go right"]


async def walk(conversation, steps=WALK):
    """Five turns: the start and the four steps; the path after each turn."""
    await conversation.start()
    paths = [conversation.session.get("path")]
    for text in steps:
        await conversation.send_text(text)
        paths.append(conversation.session.get("path"))
    return paths


def texts(events):
    return [e.text for e in events if isinstance(e, ev.BotMessage)]


def test_the_log_has_a_point_after_every_turn_and_before_every_state(flow_from):
    async def scenario():
        async with Conversation(flow_from(WALK_FLOW)) as conversation:
            await walk(conversation)
        return conversation.events

    log = asyncio.run(scenario())
    found = points(log)
    turns = [p for p in found if p.kind == "turn"]
    assert [p.turn for p in turns] == [0, 1, 2, 3, 4, 5]
    assert turns[2].label == "after turn 2 (text 'go left')"
    assert all(isinstance(log[p.index - 1], ev.TurnFinished) for p in turns[1:])
    states = [p for p in found if p.kind == "state"]
    assert [p.state for p in states] == ["hello", "left", "left", "right", "right"]
    assert all(isinstance(log[p.index], ev.StateEntered) for p in states)
    assert turn_point(log, 3).index == turns[3].index
    with pytest.raises(LookupError):
        turn_point(log, 6)


def test_rewind_to_turn_2_of_5_and_take_a_different_branch_from_there(flow_from):
    async def scenario():
        async with Conversation(flow_from(WALK_FLOW)) as conversation:
            paths = await walk(conversation)
            at_turn_2 = Session.from_events(conversation.events[: turn_point(conversation.events, 2).index])
            first_log = conversation.events

            await conversation.rewind(turn_point(conversation.events, 2))
            rewound = conversation.session.get("path")
            await conversation.send_text("go right")
            new_branch = conversation.timeline.current

            await conversation.switch_branch(0)
            back_on_main = conversation.session.get("path")
            await conversation.switch_branch(new_branch.id)
            return paths, at_turn_2, first_log, rewound, new_branch, back_on_main, conversation

    paths, at_turn_2, first_log, rewound, branch, back_on_main, conversation = asyncio.run(scenario())
    assert paths == [None, "L", "LL", "LLR", "LLRR"]
    assert rewound == "L" == at_turn_2.get("path")
    assert conversation.session.get("path") == "LR"
    assert texts(conversation.events) == ["Hi", "left", "right"]
    assert (branch.id, branch.parent) == (1, 0)
    assert [b.id for b in conversation.timeline.children(0)] == [1]
    kept = conversation.timeline.branch(0).events
    assert kept[: len(first_log)] == first_log and texts(kept) == ["Hi", "left", "left", "right", "right"]
    assert back_on_main == "LLRR"
    rewound_event = next(e for e in conversation.events if isinstance(e, ev.Rewound))
    assert (rewound_event.branch, rewound_event.parent) == (1, 0)
    assert isinstance(conversation.events[-1], ev.BranchSwitched)


def test_rewinding_to_a_state_point_runs_that_state_again(flow_from):
    async def scenario():
        async with Conversation(flow_from(WALK_FLOW)) as conversation:
            await walk(conversation)
            third_step = [p for p in conversation.timeline.points() if p.kind == "state"][3]
            await conversation.rewind(third_step)
            return third_step, conversation

    point, conversation = asyncio.run(scenario())
    assert (point.state, point.turn) == ("right", 4)
    assert conversation.session.get("path") == "LLR"
    assert isinstance(conversation.events[-1], ev.TurnFinished)
    assert [p.turn for p in conversation.timeline.points() if p.kind == "turn"] == [0, 1, 2, 3, 4]


def test_rewinding_while_paused_stops_the_turn_and_pauses_again_at_the_state_rewound_to(flow_from):
    async def scenario():
        debugger = Debugger()
        pauses: asyncio.Queue[ev.Paused] = asyncio.Queue()
        async with Conversation(flow_from(WALK_FLOW), debugger=debugger) as conversation:
            conversation.subscribe(lambda e: pauses.put_nowait(e) if isinstance(e, ev.Paused) else None)
            await walk(conversation, WALK[:2])
            debugger.add_breakpoint("left", 1)
            turn = asyncio.create_task(conversation.send_text("go left"))
            first = await asyncio.wait_for(pauses.get(), 5)
            debugger.clear_breakpoints()
            left_point = [p for p in conversation.timeline.points() if p.state == "left"][-1]
            rewinding = asyncio.create_task(conversation.rewind(left_point))
            again = await asyncio.wait_for(pauses.get(), 5)
            debugger.continue_()
            await asyncio.wait_for(asyncio.gather(turn, rewinding), 5)
            return first, again, conversation

    first, again, conversation = asyncio.run(scenario())
    assert (first.where, first.line) == ("statement", 1)
    assert (again.where, again.state) == ("state", "left")
    assert conversation.session.get("path") == "LLL"
    assert conversation.timeline.branch(0).events[-1].kind == "TurnFinished"  # the stopped turn ended there


def test_rewinding_to_a_point_that_is_not_in_the_log_is_refused(flow_from):
    async def scenario():
        async with Conversation(flow_from(WALK_FLOW)) as conversation:
            await conversation.start()
            with pytest.raises(IndexError):
                await conversation.rewind(len(conversation.events) + 1)
            with pytest.raises(KeyError):
                await conversation.switch_branch(7)
            return conversation

    assert len(asyncio.run(scenario()).timeline.branches) == 1
