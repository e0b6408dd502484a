"""Chatlayer's page understanding-users/natural-language-processing-nlp/settings.md ("NLP threshold"), run
verbatim: "If the confidence score is above the threshold, the corresponding bot dialog will be triggered. If
it's below or equal to the threshold, the 'not understood' bot dialog will be triggered."
"""

from workbench.engine import events as ev
from workbench.engine.nlu import NluMatcher
from workbench.engine.session import Session
from workbench.flow.model import Nlu

from .helpers import converse, entered, of

FLOW = """
start: introduction
nlu:
  threshold: {threshold}
  intents:
    book_train_ticket: [I want to book a train ticket, Book a train ticket, I need a train ticket]
states:
  introduction:
    say: Hi! How can I help you?
  Book train ticket:
    intent: book_train_ticket
    say: Where do you need to be?
"""

TEXT = "I need to be in Brussels tomorrow"


def score_of(flow_from, text: str) -> float:
    """The confidence score the workbench's NLU gives `text` for 'Book train ticket'."""
    return dict(NluMatcher(flow_from(FLOW.format(threshold=0.5)).nlu).scores(text))["book_train_ticket"]


def test_the_default_threshold_is_80_percent(flow_from) -> None:
    """Threshold recommendations: "we recommend an NLP threshold of around 80% as a good starting point"; the
    troubleshooting pages say "the default threshold is 80%"."""
    flow = flow_from(FLOW.replace("  threshold: {threshold}\n", ""))
    assert flow.nlu.threshold == Nlu().threshold == 0.8


def test_a_score_above_the_threshold_triggers_the_intents_bot_dialog(flow_from) -> None:
    """ "If the confidence score is above the threshold, the corresponding bot dialog will be triggered"."""
    score = score_of(flow_from, TEXT)
    events = converse(flow_from(FLOW.format(threshold=round(score - 0.001, 6))), TEXT)
    assert entered(events)[-1] == "Book train ticket"
    assert [(e.intent, e.score) for e in of(ev.IntentMatched, events)] == [("book_train_ticket", score)]


def test_a_score_equal_to_the_threshold_is_not_understood(flow_from) -> None:
    """ "If it's below or equal to the threshold, the 'not understood' bot dialog will be triggered": exactly at
    the threshold."""
    score = score_of(flow_from, TEXT)
    events = converse(flow_from(FLOW.format(threshold=score)), TEXT)
    assert entered(events)[-1] == "not_understood"
    assert not of(ev.IntentMatched, events)


def test_a_perfect_match_at_a_threshold_of_100_percent_is_not_understood(flow_from) -> None:
    """ "below or equal": a threshold of 1 leaves nothing above it, not even an expression of the intent itself."""
    events = converse(flow_from(FLOW.format(threshold=1)), "Book a train ticket")
    assert entered(events)[-1] == "not_understood"


def test_a_score_below_the_threshold_is_not_understood_but_kept_in_internal_nlp(flow_from) -> None:
    """Intent threshold: "A threshold of 80% (or higher) wouldn't allow the bot to recognise the expression 'I need
    to be in Brussels tomorrow' ... The user would receive a 'not understood' message". The score it got stays
    readable in internal.nlp.intent.score (how-to pages route on it)."""
    score = score_of(flow_from, TEXT)
    assert score < 0.8
    flow = flow_from(FLOW.format(threshold=0.8))
    events = converse(flow, TEXT)
    assert entered(events)[-1] == "not_understood"
    nlp = Session.from_events(events, flow.variables).get("internal.nlp")
    assert nlp == {"expression": TEXT, "intent": {"name": "book_train_ticket", "score": score}}


def test_exactly_80_percent_at_the_default_threshold_is_not_understood(flow_from) -> None:
    """ "below or equal" at the default: 'helper' scores exactly 0.8 against the expression 'help' (a ratio of
    8 letters in common out of 10), so with the default threshold it is not understood; 'help' itself is."""
    flow = flow_from(
        """
        start: introduction
        nlu:
          intents:
            help: [help]
        states:
          introduction:
            say: Hi! How can I help you?
          Help:
            intent: help
            say: Here is what I can do.
        """
    )
    assert dict(NluMatcher(flow.nlu).scores("helper")) == {"help": 0.8}
    assert entered(converse(flow, "helper"))[-1] == "not_understood"
    assert entered(converse(flow, "help"))[-1] == "Help"
