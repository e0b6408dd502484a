"""integrations/code-action/README.md (Code Editor): every example of the page run as printed in a code action
in real V8; only URLs point at 127.0.0.1, and what stops an example from parsing (a placeholder, a typo) is
marked where the test changes it."""

from __future__ import annotations

import pytest

from workbench.engine import events as ev

from .helpers import Backend, code_flow, converse, entered, of, press, said

# The page writes `{ address: { ... } }`: `{ ... }` stands for "your data" and is not JavaScript; the tests put
# an address there.
ADDRESS = '{ street: "Main street 1", city: "Ghent" }'

CHAINED = """
ChatlayerResponseBuilder()
    .addSessionVariable("user", { address: { ... } })
    .addMessage("Thank you for sharing your address!")
    .send();
"""

ONE_BY_ONE = """
const builder = ChatlayerResponseBuilder();
builder.addSessionVariable("user", { address: { ... } });
builder.addMessage("Thank you for sharing your address!");
builder.send();
"""


@pytest.mark.parametrize("source", [CHAINED, ONE_BY_ONE], ids=["chained", "one call per line"])
def test_the_builder_sets_the_variable_and_says_thanks(flow_from, source: str) -> None:
    """'ChatlayerResponseBuilder function': the chained example and 'another way to accomplish the same
    result'."""
    events = converse(flow_from(code_flow(source.replace("{ ... }", ADDRESS))))
    (change,) = of(ev.VariableChanged, events)
    assert (change.name, change.value) == ("user", {"address": {"street": "Main street 1", "city": "Ghent"}})
    assert said(events) == ["Thank you for sharing your address!", "after"]


def test_a_text_variable_and_a_message(flow_from) -> None:
    """'Set variables or send messages': `addSessionVariable("user", 'Joachim')`."""
    source = """
ChatlayerResponseBuilder()
    .addSessionVariable("user", 'Joachim')
    .addMessage("addSessionVariable done.")
    .send();
"""
    events = converse(flow_from(code_flow(source)))
    assert [(c.name, c.value) for c in of(ev.VariableChanged, events)] == [("user", "Joachim")]
    assert said(events) == ["addSessionVariable done.", "after"]


def test_an_object_variable_is_used_in_a_bot_message(flow_from) -> None:
    """'Set variables or send messages': the user object, then `{user.lastName}` in a bot message."""
    source = """
ChatlayerResponseBuilder()
    .addSessionVariable("user", { firstName: "Joachim", lastName: "Chatbot" })
    .send();
"""
    flow = code_flow(source).replace("after: {say: after}", "after: {say: 'Hello {user.lastName}'}")
    assert said(converse(flow_from(flow))) == ["Hello Chatbot"]


INTRODUCTION = "  introduction: {say: Welcome to the introduction}"


def test_set_next_dialog_state_goes_to_the_state_given_in_args(flow_from) -> None:
    """'setNextDialogState(dialogstateId: string)': the id comes from a dialog-state argument."""
    source = """
const { introductionDialogstate } = args;

const chatlayer = ChatlayerResponseBuilder();
chatlayer.setNextDialogState(introductionDialogstate);
chatlayer.send();
"""
    flow = code_flow(source, {"introductionDialogstate": {"state": "introduction"}}, INTRODUCTION)
    events = converse(flow_from(flow))
    assert entered(events) == ["act", "introduction"]


def test_lodash_get_reads_the_argument(flow_from) -> None:
    """'lodash (_)': `_.get(args, 'introductionDialogstate')`."""
    source = """
const introductionDialogstate = _.get(args, 'introductionDialogstate');

const chatlayer = ChatlayerResponseBuilder();
chatlayer.setNextDialogState(introductionDialogstate);
chatlayer.send();
"""
    flow = code_flow(source, {"introductionDialogstate": {"state": "introduction"}}, INTRODUCTION)
    assert said(converse(flow_from(flow))) == ["Welcome to the introduction"]


CAROUSEL = """
ChatlayerResponseBuilder().addCarousel([
    {
        title: 'Item 1',
        imageUrl: 'https://st.depositphotos.com/1708346/1858/i/600/depositphotos_18582903-stock-photo-carousel-at-night.jpg',
        buttons: [
            { type: 'web_url', url: 'https://docs.chatlayer.ai', title: 'Docs' }
        ]
    },
    {
        title: 'Item 2',
        // This is optional
        subTitle: 'Item 2 Subtitle',
        // This is also optional, it will redirect a user to a certain website when they click the carousel image
        webUrl: 'https://docs.chatlayer.ai',
        imageUrl: 'https://st.depositphotos.com/1708346/1858/i/600/depositphotos_18582903-stock-photo-carousel-at-night.jpg',
        buttons: [
            { type: 'web_url', url: 'https://docs.chatlayer.ai', title: 'Docs' }
        ]
    }
]).send();
"""


def test_add_carousel_keeps_the_subtitle_and_the_image_link(flow_from) -> None:
    """'addCarousel': `subTitle` and `webUrl` are optional; both items have a URL button."""
    image = "https://st.depositphotos.com/1708346/1858/i/600/depositphotos_18582903-stock-photo-carousel-at-night.jpg"
    docs = ev.ChoiceOut(title="Docs", url="https://docs.chatlayer.ai")
    (carousel,) = [m for m in of(ev.BotMessage, converse(flow_from(code_flow(CAROUSEL)))) if m.type == "carousel"]
    assert carousel.cards == (
        ev.CardOut(title="Item 1", image=image, buttons=(docs,)),
        ev.CardOut(
            title="Item 2", subtitle="Item 2 Subtitle", image=image, url="https://docs.chatlayer.ai", buttons=(docs,)
        ),
    )


# The page opens the array twice (`[` then `[`) and closes it once, which does not parse; the test drops the
# second `[`. Both options set `choice` to "option1", as printed.
QUICK_REPLIES = """
const quickReplies = [
[
  {
    title: "Option 1",
    payload: {
      nextDialogstateId: args.setNextDialogstateDs,
      params: [
        // This will be set on the session.0
        { key: "choice", value: "option1" },
      ],
    },
  },
  {
    title: "Option 2",
    payload: {
      nextDialogstateId: args.addHtmlDs,
      params: [
        // This will be set on the session.
        { key: "choice", value: "option1" },
      ],
    },
  },
];

ChatlayerResponseBuilder()
    .addQuickReplies({
        title: 'How can we help you?', // this is the title of the Quick Replies
        quickReplies,
    })
    .send();
""".replace("[\n[\n", "[\n", 1)

QUICK_STATES = "  set_next: {say: You chose option 1}\n  html: {say: You chose option 2}"


def test_add_quick_replies_and_pressing_one(flow_from) -> None:
    """'addQuickReplies': the title and two replies; pressing one sets its params and goes to its state."""
    args = {"setNextDialogstateDs": {"state": "set_next"}, "addHtmlDs": {"state": "html"}}
    flow = flow_from(code_flow(QUICK_REPLIES, args, QUICK_STATES).replace("    next: after\n", ""))
    events = converse(flow, press("Option 2"))
    (message, answer) = of(ev.BotMessage, events)
    assert (message.type, message.text) == ("quick_replies", "How can we help you?")
    assert message.quick_replies == (
        ev.ChoiceOut(title="Option 1", goto="set_next", params={"choice": "option1"}),
        ev.ChoiceOut(title="Option 2", goto="html", params={"choice": "option1"}),
    )
    assert answer.text == "You chose option 2"
    assert [(c.name, c.value) for c in of(ev.VariableChanged, events)] == [("choice", "option1")]


BUTTON_GROUPS = """
const invoices = [
 "123",
 "456",
 "789"
]

const buttons = invoices.map((invoiceNumber, index) => ({
    type: 'postback',
    title: 'Choose ' + invoiceNumber,
    payload: {
        nextDialogstateId: args.nextDialogstate,
        params: [
            { key: 'chosenNumber', value: invoiceNumber },
        ],
    },
}));

ChatlayerResponseBuilder()
    .addButtonGroup({
        title: "These 'postback' buttons can be used to navigate to a certain bot dialog and set a variable when a users clicks on them.",
        buttons,
    })
    .addButtonGroup({
        title: 'You can also add URL buttons.',
        buttons: [
            { type: 'web_url', title: 'docs', url: 'https://docs.chatlayer.ai' },
            { type: 'phone_number', title: 'Call 1207', payload: '1207'}
        ]
    })
    .send();
"""  # noqa: E501 (as printed)


def button_groups(flow_from, *steps) -> list[ev.Event]:
    flow = code_flow(
        BUTTON_GROUPS, {"nextDialogstate": {"state": "invoice"}}, "  invoice: {say: 'Invoice {chosenNumber}'}"
    )
    return converse(flow_from(flow.replace("    next: after\n", "")), *steps)


def test_add_button_group_postback_url_and_call_buttons(flow_from) -> None:
    """'addButtonGroup': three postback buttons, then a URL button and a Call button (a `tel:` link)."""
    postbacks, links = of(ev.BotMessage, button_groups(flow_from))
    assert [(b.title, b.goto, b.params) for b in postbacks.buttons] == [
        (f"Choose {n}", "invoice", {"chosenNumber": n}) for n in ("123", "456", "789")
    ]
    assert links.text == "You can also add URL buttons."
    assert links.buttons == (
        ev.ChoiceOut(title="docs", url="https://docs.chatlayer.ai"),
        ev.ChoiceOut(title="Call 1207", url="tel:1207"),
    )


def test_pressing_a_postback_button_sets_the_number_and_goes_on(flow_from) -> None:
    """'addButtonGroup': 'Choose 456' sets `chosenNumber` and goes to the argument's dialog state."""
    events = button_groups(flow_from, press("Choose 456"))
    assert said(events)[-1] == "Invoice 456"


def test_pressing_the_call_button_says_nothing_to_the_bot(flow_from) -> None:
    """'addButtonGroup': the Call button starts a call; its title is not sent to the bot as if typed (no
    intent matching, no fallback, no state change)."""
    events = button_groups(flow_from, press("Call 1207"))
    assert [e.kind for e in events].count("TurnStarted") == 1  # only the start: pressing Call begins no turn
    assert not [e for e in of(ev.UserMessage, events) if e.text == "Call 1207"]


def test_add_html_with_a_balloon(flow_from) -> None:
    """'Add HTML or Iframe': `addHtml(..., { withBalloon: true })`."""
    source = """
ChatlayerResponseBuilder()
    .addHtml(`
        <h1>This is a header</h1>
        <p>Unfortunately, html messages will only work on the web widget.</p>
    `, { withBalloon: true })
    .send();
"""
    html = of(ev.BotMessage, converse(flow_from(code_flow(source))))[0]
    assert html.type == "html" and html.with_balloon
    assert "<h1>This is a header</h1>" in (html.html or "")


def test_add_iframe_with_a_height_in_pixels(flow_from) -> None:
    """'Add HTML or Iframe': `addIframe(url, { withBalloon: false, height: "200px" })`."""
    source = """
ChatlayerResponseBuilder()
    .addIframe("https://www.youtube.com/watch?v=yaYzSQn9rL4", {
        withBalloon: false,
        height: "200px"
    })
    .send();
"""
    frame = of(ev.BotMessage, converse(flow_from(code_flow(source))))[0]
    assert frame.type == "iframe" and not frame.with_balloon
    assert frame.media == {"type": "iframe", "url": "https://www.youtube.com/watch?v=yaYzSQn9rL4", "height": "200"}


MEDIA = """
// Send an image
ChatlayerResponseBuilder()
    .addMediaMessage({
        type: "image",
        url: "<IMAGE_URL>"
    })
    .send();

// Send an audio file
ChatlayerResponseBuilder()
    .addMediaMessage({
        type: "audio",
        url: "<AUDIO_URL>"
    })
    .send();

// Send a video
ChatlayerResponseBuilder()
    .addMediaMessage({
        type: "video",
        url: "<VIDEO_URL>"
    })
    .send();
"""


# The page prints the three sends in one block; they are three examples (in one code action only the first
# send() counts), so each runs in a code action of its own.
@pytest.mark.parametrize("snippet", MEDIA.strip().split("\n\n"), ids=["image", "audio", "video"])
def test_add_media_message(flow_from, snippet: str) -> None:
    """'Add media': `addMediaMessage({type, url})` for an image, an audio file and a video."""
    kind = snippet.split('type: "')[1].split('"')[0]
    (media,) = [m for m in of(ev.BotMessage, converse(flow_from(code_flow(snippet)))) if m.type == "media"]
    assert media.media == {"type": kind, "url": f"<{kind.upper()}_URL>"}


FETCH = """
const url = 'https://gorest.co.in/public/v1/users';
const response = await fetch(url).then((res) => {
    // res.status >= 200 && res.status < 300
    if (res.ok) {
        return res;
    } else {
        throw new Error(res.statusText);
    }
});

const json = await response.json();

const person = _.get(json, 'results[0]');

const chatlayer = ChatlayerResponseBuilder();
chatlayer.addSessionVariable('profile', userProfile);
chatlayer.send();
"""


def fetch_example(backend: Backend, flow_from, status: int) -> list[ev.Event]:
    backend.answer("/public/v1/users", lambda body: (status, {"results": [{"name": "Ann"}]}))
    source = FETCH.replace("https://gorest.co.in", backend.url)
    return converse(
        flow_from(
            code_flow(source).replace("    next: after\n", "    next: after\n    on_error: failed\n")
            + "  failed: {say: failed}\n"
        )
    )


def test_the_fetch_example_as_printed_fails_on_user_profile(backend: Backend, flow_from) -> None:
    """'fetch': the example stores `userProfile`, which it never defines (it read `person`): V8 throws a
    ReferenceError, in Chatlayer as here, and nothing is stored."""
    events = fetch_example(backend, flow_from, 200)
    (error,) = of(ev.EngineError, events)
    assert "ReferenceError: userProfile is not defined" in error.message
    assert not of(ev.VariableChanged, events) and said(events) == ["failed"]


def test_the_fetch_example_throws_node_fetchs_status_text(backend: Backend, flow_from) -> None:
    """'fetch': on a 500 the example throws `new Error(res.statusText)`; node-fetch's statusText for 500 is
    'Internal Server Error'."""
    (error,) = of(ev.EngineError, fetch_example(backend, flow_from, 500))
    assert "Error: Internal Server Error" in error.message


def test_a_delay_between_bot_messages(flow_from) -> None:
    """'Creating a slight delay between bot messages': `_.delay(resolve, 2000)` then `send()`."""
    source = """
const builder = ChatlayerResponseBuilder();

await new Promise((resolve)=>{_.delay(resolve,2000)});
builder.send();
"""
    events = converse(flow_from(code_flow(source)))
    (finished,) = [e for e in of(ev.ActionFinished, events) if e.action == "code"]
    assert finished.ok and finished.result["sent"] and finished.duration >= 2.0
    assert said(events) == ["after"]
