"""The bridge turns engine events into Qt signals and inputs into engine turns, without blocking the loop."""

from workbench.engine import events as ev


def test_inputs_reach_the_engine_and_every_event_comes_back_as_a_signal(make_bridge, sample_flow, qtbot):
    bridge = make_bridge(sample_flow, variables={"first_name": "Ann"})
    seen: list[ev.Event] = []
    bridge.event.connect(seen.append)
    with qtbot.waitSignal(bridge.busy_changed, check_params_cb=lambda busy: busy is False, timeout=10_000):
        bridge.send_text("book a train")
    assert [e.text for e in seen if isinstance(e, ev.BotMessage)] == ["Where would you like to go?"]
    assert seen == bridge.conversation.events[-len(seen) :]


def test_attaching_another_conversation_is_announced(make_bridge, sample_flow, qtbot):
    bridge = make_bridge(sample_flow, start=False)
    with qtbot.waitSignal(bridge.conversation_changed) as signal:
        bridge.detach()
    assert signal.args == [None]
    assert bridge.send_text("hello") is None
