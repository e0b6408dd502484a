"""Chatlayer's page understanding-users/using-context.md ("Context"), its food-order example run as described,
with the "Required context" and "Intent" sections of bot-answers/dialog-state/README.md.

The page's bot dialogs keep their names (`Want free dessert`, `Yes to free dessert`, `Yes place order`) and the
intents `general.yes` and `general.no`; the page prints no expressions and no bot texts, so those are ours, and so
are the names of the two dialogs it describes without naming (`No to free dessert`, `Place order`, `No place order`).
"""

from __future__ import annotations

from workbench.engine import events as ev
from workbench.flow.loader import load_flow_text
from workbench.flow.model import Flow

from .helpers import converse, entered, of

FOOD_ORDER = """\
name: Food order
start: Want free dessert
nlu:
  intents:
    general.yes: ["yes", yes please, sure]
    general.no: ["no", no thanks]
states:
  Want free dessert:
    say: Would you like a free dessert?
    output_context: {free_dessert: LIFESPAN}
  Yes to free dessert:
    intent: general.yes
    required_context: free_dessert
    say: One free dessert coming up.
    next: Place order
  No to free dessert:
    intent: general.no
    required_context: free_dessert
    say: No dessert then.
    next: Place order
  Place order:
    say: Would you like to place your order?
    output_context: place_order
  Yes place order:
    intent: general.yes
    required_context: place_order
    say: Your order is placed.
  No place order:
    intent: general.no
    required_context: place_order
    say: Your order is on hold.
"""


def food_order_text(lifespan: int = 1, requiring: tuple[str, str] | None = None) -> str:
    """The page's flow with the lifespan of `free_dessert` (the page keeps it at 1); `requiring` (a state's answer
    such as "Your order is placed.", and the YAML of a required context) changes what that state requires."""
    text = FOOD_ORDER.replace("LIFESPAN", str(lifespan))
    if requiring is None:
        return text
    says, context = requiring
    return text.replace(
        f"    required_context: place_order\n    say: {says}", f"    required_context: {context}\n    say: {says}"
    )


def food_order(lifespan: int = 1) -> Flow:
    """The page's flow, with the lifespan of `free_dessert` (the page keeps it at 1)."""
    result = load_flow_text(food_order_text(lifespan), "food_order.yaml")
    assert result.ok and not result.problems, [str(p) for p in result.problems]
    assert result.flow is not None
    return result.flow


def contexts_after(events: list[ev.Event]) -> dict[str, int]:
    """The active contexts after the last `ContextsChanged`."""
    changes = of(ev.ContextsChanged, events)
    return changes[-1].contexts if changes else {}


def test_yes_and_no_answer_the_dessert_question_through_its_output_context() -> None:
    """Step 2: `Want free dessert` has the output context `free_dessert`; the dialogs with `general.yes` and
    `general.no` require it, "so the bot knows which question is being answered"."""
    yes = converse(food_order(), "yes")
    assert entered(yes)[:2] == ["Want free dessert", "Yes to free dessert"]
    no = converse(food_order(), "no thanks")
    assert entered(no)[:2] == ["Want free dessert", "No to free dessert"]


def test_the_same_yes_later_answers_the_order_question() -> None:
    """Step 3: "when the general.yes intent is recognized ... a user will be directed to either the `Yes place
    order` bot dialog (when the place_order context is active) or to the `Yes to free dessert` bot dialog"."""
    events = converse(food_order(), "yes", "yes")
    assert entered(events) == ["Want free dessert", "Yes to free dessert", "Place order", "Yes place order"]
    assert contexts_after(events) == {}


def test_with_lifespan_1_only_the_next_user_message_can_answer() -> None:
    """The lifespan hint: "In this example, we'll only offer free dessert once, so we'll keep the lifespan at 1"
    — one user message later the context is gone and a yes reaches no dialog that requires it."""
    events = converse(food_order(lifespan=1), "what desserts are there?", "yes")
    assert entered(events)[-1] == "not_understood"
    assert "Yes to free dessert" not in entered(events)


def test_with_lifespan_2_the_user_can_answer_with_the_second_message() -> None:
    """The lifespan hint: "If the bot offers free dessert twice in one conversation, we should put the lifespan at
    2 because the user can say 'yes' or 'no' twice to this question": the context lasts two user messages."""
    events = converse(food_order(lifespan=2), "what desserts are there?", "yes")
    assert entered(events)[-2:] == ["Yes to free dessert", "Place order"]


def test_of_several_active_contexts_the_one_with_the_highest_lifespan_is_taken() -> None:
    """The hint "A user can have multiple contexts ... When multiple intents and input context combinations are
    found, the user's context with the highest lifespan value is taken": `free_dessert` (lifespan 3, 2 left)
    outranks `place_order` (1 left), so this yes goes to `Yes to free dessert` again."""
    events = converse(food_order(lifespan=3), "no", "yes")
    assert contexts_after(events[: events.index(of(ev.UserMessage, events)[1])]) == {
        "free_dessert": 2,
        "place_order": 1,
    }
    assert entered(events)[-2:] == ["Yes to free dessert", "Place order"]


def test_on_equal_lifespans_the_context_set_last_is_taken() -> None:
    """The page does not say which context wins on equal lifespans; the workbench takes the one set last (the
    question asked last): with `free_dessert` at lifespan 2, after a no both have 1 left and yes places the order."""
    events = converse(food_order(lifespan=2), "no", "yes")
    assert entered(events)[-1] == "Yes place order"


def test_a_dialog_whose_required_context_is_not_active_is_not_shown() -> None:
    """dialog-state README, Required context: "If the required context is not active, this dialog state will not
    be shown, even though the intent linked to it was recognised" (here nothing else fits: not understood)."""
    events = converse(food_order(), "no", "yes please", "yes")
    assert entered(events)[-1] == "not_understood"
    assert of(ev.IntentMatched, events)[-1].intent == "general.yes"


def test_a_dialog_with_several_required_contexts_needs_them_all() -> None:
    """dialog-state README, Required context: "combine multiple required contexts for sub flows in flows": here
    `Yes place order` requires `place_order` and `free_dessert`. With `free_dessert` at lifespan 2 both are still
    active when the order question is answered; at lifespan 1 it ran out with the no, and yes reaches nothing."""

    def order_with_dessert(lifespan: int) -> Flow:
        text = food_order_text(lifespan, requiring=("Your order is placed.", "[place_order, free_dessert]"))
        flow = load_flow_text(text, "food_order.yaml").flow
        assert flow is not None
        return flow

    assert entered(converse(order_with_dessert(2), "no", "yes"))[-1] == "Yes place order"
    assert entered(converse(order_with_dessert(1), "no", "yes"))[-1] == "not_understood"


def test_reusing_an_intent_with_different_contexts_is_valid_and_without_them_an_error() -> None:
    """dialog-state README, Intent: "Multiple bot dialogs can reuse the same intent by using different `Context`
    settings" — the page's flow loads without a problem; the same intent on two dialogs whose required contexts
    are the same (or both none) cannot be told apart, and the validator says where."""
    food_order()
    same = food_order_text(requiring=("Your order is on hold.", "free_dessert"))
    problems = [str(p) for p in load_flow_text(same, "food_order.yaml").errors]
    assert problems == [
        "food_order.yaml:29:13: error: intent 'general.no' already jumps to state 'No to free dessert' with the same"
        " required context (free_dessert); give them different 'required_context' to tell them apart"
    ]
    none = "start: a\nnlu: {intents: {yes: [yes]}}\nstates:\n  a: {intent: yes, say: A}\n  b: {intent: yes, say: B}\n"
    assert [str(p) for p in load_flow_text(none, "f.yaml").errors] == [
        "f.yaml:5:15: error: intent 'yes' already jumps to state 'a'; give them different 'required_context' to"
        " tell them apart"
    ]


def test_a_required_context_that_no_dialog_outputs_is_a_warning() -> None:
    """Required context: "type the name of your context ... If it doesn't exist, a new context will be created" —
    in a flow file a misspelt name would silently never match, so the validator warns."""
    typo = food_order_text(requiring=("Your order is on hold.", "place_ordr"))
    warnings = [str(p) for p in load_flow_text(typo, "food_order.yaml").warnings]
    assert warnings == [
        "food_order.yaml:30:23: warning: no state has output context 'place_ordr'; did you mean 'place_order'?"
    ]
