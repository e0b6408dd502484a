"""The system states the engine provides: a flow may go to them without defining them."""


def test_a_flow_may_go_to_the_built_in_system_states_without_defining_them(flow_from):
    flow = flow_from(
        """
        start: a
        nlu: {fallback: not_understood}
        states:
          a: {say: hi, next: b, on_error: error_occurred}
          b: {say: bye}
        """
    )
    assert {"a", "b"} == set(flow.states)
