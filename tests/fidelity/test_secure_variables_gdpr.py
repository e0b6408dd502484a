"""Chatlayer's page bot-answers/settings/secure-variables-gdpr.md ("Variables"), run verbatim: incrementing a
variable counter, upper and lower case variables, and the case modifiers. (Sensitive variables concern what the
conversation history shows, not what a conversation does: not part of the workbench.)
"""

from workbench.engine import events as ev
from workbench.engine.session import Session

from .helpers import converse, of, press, said

COUNTER_FLOW = """
start: menu
variables:
  variableName: 0
states:
  menu:
    say:
      - text: "Passed {variableName} times. Again?"
        buttons:
          - {title: Again, set: {variableName: "{variableName|increment}"}, goto: menu}
          - {title: Count, goto: counted}
  counted:
    set: {variableName: "{variableName|increment}"}
    say: "Counted: {variableName}"
    next: menu
"""


def test_the_counter_increments_when_a_dialog_is_passed_or_a_button_clicked(flow_from) -> None:
    """Incrementing variable counter: "Define a variable, for example variableName, and give it a numeric value
    such as 0 ... enter variableName as the variable and {variableName|increment} as the value. This method will
    increase the value of counter by 1 each time, for example when a specific bot dialog is passed or a button is
    clicked"."""
    flow = flow_from(COUNTER_FLOW)
    events = converse(flow, press("Again"), press("Count"), press("Again"))
    assert said(events) == [
        "Passed 0 times. Again?",
        "Passed 1 times. Again?",
        "Counted: 2",  # a bot message's variables are set before its messages show
        "Passed 2 times. Again?",
        "Passed 3 times. Again?",
    ]
    assert Session.from_events(events, flow.variables).get("variableName") == 3
    origins = [e.origin for e in of(ev.VariableChanged, events) if e.name == "variableName"]
    assert origins == ["button", "set", "button"]


CASE_FLOW = """
start: check
variables:
  capitalVariable: one
  CapitalVariable: two
states:
  check:
    say: "{capitalVariable} and {CapitalVariable}; {name|toUpperCase} {name|toLowerCase} {name|capitalize}"
    next:
      - if: variableX == 'valueY'
        goto: triggered
      - goto: not triggered
  triggered:
    say: triggered
  not triggered:
    say: not triggered
"""


def test_variables_are_case_sensitive(flow_from) -> None:
    """Upper case and lower case variables: "capitalVariable will be regarded as a separate variable from
    CapitalVariable"."""
    events = converse(flow_from(CASE_FLOW), variables={"name": "ann"})
    assert said(events)[0].startswith("one and two;")


def test_a_go_to_on_equals_compares_values_case_sensitively(flow_from) -> None:
    """ "If you check in a Go To if a value for variableX is equal to valueY it will not be triggered if the
    value for variableX is equal to valuey"."""
    flow = flow_from(CASE_FLOW)
    assert said(converse(flow, variables={"variableX": "valuey"}))[-1] == "not triggered"
    assert said(converse(flow, variables={"variableX": "valueY"}))[-1] == "triggered"


def test_the_case_modifiers(flow_from) -> None:
    """ "You can transform a value from upper case to lower case and vice versa by adding these modifiers to the
    value name: {name|toUpperCase} {name|toLowerCase} {name|capitalize}"."""
    events = converse(flow_from(CASE_FLOW), variables={"name": "mArie"})
    assert said(events)[0].endswith("; MARIE marie MArie")
