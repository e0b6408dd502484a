"""Chatlayer's pages under tips-and-best-practices/not-understood-bot-dialog/, run verbatim: the counter, going
to the previous bot dialog, specific messages below the NLP threshold, and the Google search lookup.

The pages show their dialogs as screenshots; the flows below build them as the text describes, with the
pages' dialog names, texts, expressions and variable names. Where a page gives no text (the introduction), the
flow says something short of its own.
"""

import json
from pathlib import Path

from workbench.engine import events as ev
from workbench.engine.session import Session
from workbench.testing.runner import ConvoResult

from .convo import passed, replay
from .helpers import converse, entered, of, said

COUNTER_FLOW = """
start: introduction
states:
  introduction:
    say: Hi! How can I help you?
  not_understood:
    next:
      - if: not_understood_counter == 1
        goto: Not understood x 2
      - goto: Not understood x 1
        set: {not_understood_counter: "{not_understood_counter|increment}"}
  Not understood x 1:
    say: Sorry, I didn't get that. Can you please rephrase?
  Not understood x 2:
    say: Sorry, I still don't understand. Perhaps you'd like to talk to my colleague instead?
"""


def test_counter_first_and_second_not_understood_messages(flow_from) -> None:
    """not-understood-counter.md, steps 1-4: 'not understood' as a Go To whose first condition is
    not_understood_counter equals 1 and whose Else goes to 'Not understood x 1' with the variable
    not_understood_counter set to {not_understood_counter|increment}."""
    events = converse(flow_from(COUNTER_FLOW), "blabla", "still blabla")
    assert said(events)[1:] == [
        "Sorry, I didn't get that. Can you please rephrase?",
        "Sorry, I still don't understand. Perhaps you'd like to talk to my colleague instead?",
    ]
    assert entered(events)[1:] == ["not_understood", "Not understood x 1", "not_understood", "Not understood x 2"]


def test_counter_is_created_by_the_increment_and_counts_once(flow_from) -> None:
    """not-understood-counter.md, step 3: the variable is created in the Go To (no default), and the increment
    of a variable that does not exist yet gives 1."""
    flow = flow_from(COUNTER_FLOW)
    events = converse(flow, "blabla", "still blabla", "and again")
    session = Session.from_events(events, flow.variables)
    assert session.get("not_understood_counter") == 1
    written = [e for e in of(ev.VariableChanged, events) if e.name == "not_understood_counter"]
    assert [(e.value, e.origin, e.state) for e in written] == [(1, "set", "not_understood")]


GO_TO_PREVIOUS_FLOW = """
start: introduction
states:
  introduction:
    say: Hi! I'm the Choo Choo bot. Where would you like to go?
  not_understood:
    say: I did not understand
    set: {prevDialog: "{internal.previousDialogstate.name}"}
    next: Go to previous dialog
  Go to previous dialog:
    code: |
      const { prevDialog } = args;

      ChatlayerResponseBuilder()
      .setNextDialogState(args.prevDialog)
      .send()
"""


def test_go_to_previous_bot_dialog_repeats_the_last_message(flow_from) -> None:
    """go-to-previous-bot-dialog.md: the 'not understood' bot message creates a variable (the previous dialog
    state) and goes to the action 'Go to previous dialog', whose code (copied from the page) goes back there:
    after 'test' is not understood, the same message from before is shown again."""
    events = converse(flow_from(GO_TO_PREVIOUS_FLOW), "test")
    intro = "Hi! I'm the Choo Choo bot. Where would you like to go?"
    assert said(events) == [intro, "I did not understand", intro]
    assert entered(events) == ["introduction", "not_understood", "Go to previous dialog", "introduction"]
    assert of(ev.WaitingForInput, events)[-1].state == "introduction"


BELOW_THRESHOLD_FLOW = """
start: introduction
nlu:
  threshold: 0.8
  intents:
    lost_package: [I lost my package, Where is my ordered package?, My package did not arrive]
    general.no: ["no", nope, no thanks]
states:
  introduction:
    say: Hi! How can I help you?
  lost package:
    intent: lost_package
    say: I'm sorry to hear that. What is your order number?
  not_understood:
    next:
      - if: internal.nlp.intent.name == 'lost_package' && internal.nlp.intent.score > 0.6
        goto: Specific not understood
      - goto: General not understood
  Specific not understood:
    say: Do I understand correctly that you have a question about your lost package?
  General not understood:
    say: Sorry, I did not understand. Can you please rephrase?
"""


def test_below_threshold_a_go_to_names_the_intent_it_almost_understood(flow_from) -> None:
    """intent-recognition-below-threshold.md, option 1: with an 80% threshold, "Can you check where my ordered
    parcel is?" is not understood, but internal.nlp.intent.name and internal.nlp.intent.score still say
    'lost package' at over 60%, and the 'not understood' Go To gives the specific message."""
    flow = flow_from(BELOW_THRESHOLD_FLOW)
    events = converse(flow, "Can you check where my ordered parcel is?")
    assert said(events)[-1] == "Do I understand correctly that you have a question about your lost package?"
    assert not of(ev.IntentMatched, events)
    nlp = Session.from_events(events, flow.variables).get("internal.nlp")
    assert nlp["expression"] == "Can you check where my ordered parcel is?"
    assert nlp["intent"]["name"] == "lost_package"
    assert 0.6 < nlp["intent"]["score"] <= 0.8


def test_below_threshold_other_messages_get_the_general_not_understood(flow_from) -> None:
    """intent-recognition-below-threshold.md, step 4: "a general one, for all other intents that were not
    understood correctly"; above the threshold the intent's own bot dialog answers."""
    flow = flow_from(BELOW_THRESHOLD_FLOW)
    events = converse(flow, "What are your opening hours?", "I lost my package")
    assert said(events)[1:] == [
        "Sorry, I did not understand. Can you please rephrase?",
        "I'm sorry to hear that. What is your order number?",
    ]


TOPIC_FLOW = """
start: menu
states:
  menu:
    say:
      - text: What is your question about?
        buttons:
          - {title: My order, set: {topic: order}, goto: order}
          - {title: Invoices, set: {topic: invoices}, goto: invoices}
  order:
    say: What would you like to know about your order?
  invoices:
    say: What would you like to know about your invoice?
  not_understood:
    next:
      - if: topic == 'order'
        goto: Not understood order
      - if: topic == 'invoices'
        goto: Not understood invoices
      - goto: Not understood
  Not understood order:
    say: Sorry, I did not understand your question about your order. Can you please rephrase?
  Not understood invoices:
    say: Sorry, I did not understand your question about invoices. Can you please rephrase?
  Not understood:
    say: Sorry, I did not understand. Can you please rephrase?
"""


def test_option_2_the_route_saved_in_topic_picks_the_not_understood_message(flow_from) -> None:
    """intent-recognition-below-threshold.md, option 2: buttons save the route the user took in the variable
    'topic', and the 'not understood' Go To routes on it."""
    flow = flow_from(TOPIC_FLOW)
    assert said(converse(flow, "blabla"))[-1] == "Sorry, I did not understand. Can you please rephrase?"
    events = converse(flow, lambda c: c.press("Invoices"), "blabla")
    assert said(events)[-1] == "Sorry, I did not understand your question about invoices. Can you please rephrase?"


GOOGLE_FLOW = """
start: introduction
states:
  introduction:
    say: Hi! How can I help you?
  not_understood:
    say: "Let me look up '{internal.nlp.expression}' for you."
    next: Expression Lookup
  Expression Lookup:
    args:
      nlp: "{internal.nlp}"
      googleAPIKey: my-api-key
      googleEngine: my-engine-id
    code: |
      const { nlp, googleEngine, googleAPIKey } = args;

      const { expression } = nlp;

      const url = `https://www.googleapis.com/customsearch/v1?key=${googleAPIKey}&cx=${googleEngine}&q=${expression}`;

      const searchResult = await fetch(url).then(res => res.json());

      const elements = _.get(searchResult, 'items', [])
        .slice(0, 5)
        .map(result => {
          const imageUrl = _.get(
            result,
            'pagemap.cse_thumbnail[0].src',
            'https:// {your image here} .png'
          );
          return {
            title: result.title,
            subTitle: result.snippet,
            ...(imageUrl ? { imageUrl } : {}),
            buttons: [
              {
                title: result.title,
                type: 'web_url',
                url: result.link,
                payload: {},
              },
            ],
          };
        });

      const builder = ChatlayerResponseBuilder();

      if (elements.length) {
        builder.addCarousel(elements);
      } else {
        builder.addMessage('Nothing found!');
      }

      builder.send();
"""

SEARCH = "GET https://www.googleapis.com/customsearch/v1?key=my-api-key&cx=my-engine-id&q={q}"
ITEMS = [
    {
        "title": "Opening hours",
        "snippet": "We are open from 9 to 5.",
        "link": "https://example.com/hours",
        "pagemap": {"cse_thumbnail": [{"src": "https://example.com/clock.png"}]},
    },
    {"title": "Contact", "snippet": "Call us.", "link": "https://example.com/contact"},
]


def search(tmp_path: Path, text: str, query: str, answer: object, *turns: str) -> ConvoResult:
    """The Google flow replayed: the user types `text`, the search for `query` answers `answer` (canned)."""
    lines = "\n".join(f"  - {turn}" for turn in turns)
    convo = f"http:\n  - request: {SEARCH.format(q=query)}\n    json: {json.dumps(answer)}\nturns:\n  - user: {text}\n"
    return replay(tmp_path, GOOGLE_FLOW, convo + lines + "\n")


def test_google_search_shows_the_results_in_a_carousel(tmp_path: Path) -> None:
    """not-understood-google-search.md: the 'not understood' message shows {internal.nlp.expression} and goes
    to the action 'Expression Lookup' (its arguments nlp, googleAPIKey, googleEngine and the page's code), which
    searches for the user's input and shows the first results in a carousel (canned here: no network)."""
    result = search(
        tmp_path,
        "hours",
        "hours",
        {"items": ITEMS},
        "bot: Let me look up 'hours' for you.",
        "bot: {card: {title: Opening hours, subtitle: We are open from 9 to 5., image: https://example.com/clock.png}}",
        "state: Expression Lookup",
    )
    assert passed(result)
    carousel = of(ev.BotMessage, list(result.events))[-1]
    assert [(c.title, c.image) for c in carousel.cards] == [
        ("Opening hours", "https://example.com/clock.png"),
        ("Contact", "https:// {your image here} .png"),  # the page's fallback image, as pasted
    ]
    assert carousel.cards[1].buttons[0].url == "https://example.com/contact"


def test_google_search_without_results_says_nothing_found(tmp_path: Path) -> None:
    """not-understood-google-search.md: `builder.addMessage('Nothing found!')` when the search finds nothing."""
    result = search(tmp_path, "hours", "hours", {}, "bot: Let me look up 'hours' for you.", "bot: Nothing found!")
    assert passed(result)


def test_google_search_for_the_pages_opening_hours(tmp_path: Path) -> None:
    """not-understood-google-search.md: "the user asks about 'opening hours' ... Google will search for
    '{your website} + opening hours' and show the first five results in a carousel". The page's code puts the
    expression into the URL unencoded; fetch sends it as node-fetch does, with the space as %20."""
    result = search(
        tmp_path,
        "opening hours",
        "opening%20hours",
        {"items": ITEMS},
        "bot: Let me look up 'opening hours' for you.",
        "bot: {card: {title: Opening hours}}",
    )
    assert passed(result)
