"""The chat pane shows a real conversation as it happens and drives it through the bridge."""

import json
import time

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QDesktopServices, QImage
from PySide6.QtWidgets import QLabel

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.debugger import Debugger
from workbench.gui.chat import ChatPanel
from workbench.gui.chat.bubbles import BotBubble, TextBubble
from workbench.gui.chat.cards import CarouselItem, IframeCard, JsonCard
from workbench.gui.chat.choices import ChoiceButton
from workbench.gui.chat.input_box import HistoryLineEdit
from workbench.gui.chat.items import ChatItem
from workbench.gui.chat.media import ImageView
from workbench.gui.chat.notes import NoteItem

ANN = {"first_name": "Ann"}
WELCOME = ["Welcome to Belgian Rail tickets!", "", "Hi Ann! What would you like to do?"]


@pytest.fixture
def panel_on(show_widget):
    """A shown chat pane on a bridge."""
    return lambda bridge: show_widget(ChatPanel(bridge), 480, 640)


def settle(qtbot, bridge) -> None:
    qtbot.waitUntil(lambda: not bridge.busy, timeout=10_000)


def say(qtbot, panel: ChatPanel, text: str) -> None:
    """Type `text` in the chat and press Enter."""
    qtbot.keyClicks(panel.input_box, text)
    qtbot.keyClick(panel.input_box, Qt.Key.Key_Return)


def bot_texts(panel: ChatPanel) -> list[str]:
    return [b.engine_event.text for b in panel.bubbles() if isinstance(b.engine_event, ev.BotMessage)]


def button(panel: ChatPanel, title: str) -> ChoiceButton:
    return next(b for b in panel.findChildren(ChoiceButton) if b.choice.title == title and b.isVisible())


def test_enter_sends_the_typed_text_and_the_user_bubble_comes_before_the_bots_answer(
    make_bridge, sample_flow, panel_on, qtbot
):
    bridge = make_bridge(sample_flow, variables=ANN)
    panel = panel_on(bridge)
    assert bot_texts(panel) == WELCOME
    menu = panel.bubbles()[-1]
    assert isinstance(menu, BotBubble) and menu.quick_replies is not None and menu.quick_replies.isVisible()

    say(qtbot, panel, "book a train")
    settle(qtbot, bridge)

    user, bot = panel.bubbles()[-2:]
    assert isinstance(user, TextBubble) and user.objectName() == "userBubble" and user.text == "book a train"
    assert isinstance(bot, BotBubble) and bot.engine_event.text == "Where would you like to go?"
    assert panel.input_box.text() == ""
    assert menu.quick_replies.isHidden(), "quick replies close once the user has answered"


def test_empty_input_is_ignored(make_bridge, sample_flow, panel_on, qtbot):
    bridge = make_bridge(sample_flow, variables=ANN)
    panel = panel_on(bridge)
    before = len(panel.bubbles())
    say(qtbot, panel, "   ")
    assert not bridge.busy and len(panel.bubbles()) == before


def test_a_quick_reply_goes_on_and_a_carousels_cards_press_their_buttons(make_bridge, sample_flow, panel_on, qtbot):
    bridge = make_bridge(sample_flow, variables=ANN)
    panel = panel_on(bridge)

    qtbot.mouseClick(button(panel, "Our destinations"), Qt.MouseButton.LeftButton)
    settle(qtbot, bridge)

    pressed = next(b for b in panel.bubbles() if b.objectName() == "userBubble")
    assert pressed.text == "Our destinations" and pressed.caption == "pressed"
    carousel = panel.bubbles()[-1]
    assert isinstance(carousel, CarouselItem)
    assert [c.findChildren(ChoiceButton)[0].choice.title for c in carousel.cards] == [
        "Go to Brussels",
        "Go to Antwerp",
        "Go to Ghent",
    ]
    qtbot.mouseClick(button(panel, "Go to Ghent"), Qt.MouseButton.LeftButton)
    settle(qtbot, bridge)
    assert bot_texts(panel)[-1] == "When do you want to travel to Ghent?"


def test_up_and_down_walk_through_what_was_typed_and_come_back_to_the_draft(qtbot):
    box = HistoryLineEdit()
    qtbot.addWidget(box)
    sent: list[str] = []
    box.submitted.connect(sent.append)
    for text in ("first", "second", "second", ""):
        box.setText(text)
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert sent == ["first", "second", "second"]
    assert box.history == ["first", "second"]

    qtbot.keyClicks(box, "draft")
    for key, shown in [("Up", "second"), ("Up", "first"), ("Up", "first"), ("Down", "second"), ("Down", "draft")]:
        qtbot.keyClick(box, getattr(Qt.Key, f"Key_{key}"))
        assert box.text() == shown


def test_a_json_builder_message_is_a_folded_card_that_unfolds(make_bridge, flow_from, panel_on, qtbot):
    flow = flow_from(
        """
        start: notify
        states:
          notify:
            json: {event: ticket_booked, ticket: T-1}
            next: done
          done: {say: Done}
        """
    )
    panel = panel_on(make_bridge(flow))
    card = next(b for b in panel.bubbles() if isinstance(b, JsonCard))
    assert card.objectName() == "jsonCard" and not card.expanded and card.body.isHidden()
    assert card.summary.text() == '{"event": "ticket_booked", "ticket": "T-1"}'

    folded = card.height()
    qtbot.mouseClick(card.toggle, Qt.MouseButton.LeftButton)
    assert card.expanded and card.body.isVisible()
    qtbot.waitUntil(lambda: card.height() > folded, timeout=2_000)
    assert json.loads(card.body.text()) == {"event": "ticket_booked", "ticket": "T-1"}
    assert bot_texts(panel) == ["Done"], "the JSON card sits before the next bot message"


OFFLOAD = """
    start: hello
    states:
      hello:
        say: Hi
        next: handover
      handover:
        offload: {provider: console, message: Connecting you to a colleague}
"""


def test_offloaded_the_tester_answers_as_the_agent_and_hands_back(make_bridge, flow_from, panel_on, qtbot):
    bridge = make_bridge(flow_from(OFFLOAD))
    panel = panel_on(bridge)
    bar = panel.offload_bar
    assert bar.isVisible() and bar.notice.text() == "Offloaded to console — you are the agent"
    assert panel.bubbles()[-1].title == "Offloaded to console — you are the agent"

    qtbot.keyClicks(bar.agent_box, "Hello, this is Bob")
    qtbot.keyClick(bar.agent_box, Qt.Key.Key_Return)
    settle(qtbot, bridge)
    agent = panel.bubbles()[-1]
    assert agent.objectName() == "agentBubble" and isinstance(agent.engine_event, ev.AgentMessage)
    assert agent.text == "Hello, this is Bob"

    say(qtbot, panel, "is anybody there?")
    settle(qtbot, bridge)
    assert panel.bubbles()[-1].caption == "to agent", "the agent has taken over: the bot is on hold"

    qtbot.mouseClick(bar.hand_back_button, Qt.MouseButton.LeftButton)
    settle(qtbot, bridge)
    assert bar.isHidden()
    assert panel.bubbles()[-1].objectName() == "notice"


def test_errors_and_warnings_show_inline_where_they_happened(make_bridge, flow_from, panel_on, qtbot):
    flow = flow_from(
        """
        start: compute
        states:
          compute:
            code: |
              const x = null;
              x.boom();
            on_error: failed
            next: done
          done: {say: done}
          failed: {say: "failed {reason}"}
        """,
        "broken.yaml",
    )
    panel = panel_on(make_bridge(flow))
    names = [b.objectName() for b in panel.bubbles()]
    assert names == ["errorNote", "warningNote", "botBubble"]
    error = panel.bubbles()[0]
    assert isinstance(error, NoteItem) and error.title == "Error (code)"
    assert error.where.startswith("at broken.yaml:") and "in state compute" in error.where
    assert "{reason}" in panel.bubbles()[1].message


def test_restart_clears_the_chat_and_starts_again(make_bridge, sample_flow, panel_on, qtbot):
    bridge = make_bridge(sample_flow, variables=ANN)
    panel = panel_on(bridge)
    say(qtbot, panel, "book a train")
    settle(qtbot, bridge)

    qtbot.mouseClick(panel.restart_button, Qt.MouseButton.LeftButton)
    settle(qtbot, bridge)
    assert bot_texts(panel) == WELCOME
    assert not any(b.objectName() == "userBubble" for b in panel.bubbles())


def test_another_conversation_replaces_the_chat(make_bridge, sample_flow, flow_from, panel_on, qtbot, qt_loop):
    bridge = make_bridge(sample_flow, variables=ANN)
    panel = panel_on(bridge)
    bridge.detach()
    assert panel.bubbles() == [] and not panel.input_box.isEnabled()

    bridge.attach(Conversation(flow_from("start: a\nstates:\n  a: {say: Fresh}\n")))
    bridge.start()
    settle(qtbot, bridge)
    assert bot_texts(panel) == ["Fresh"] and panel.input_box.isEnabled()
    closing = qt_loop.create_task(bridge.conversation.aclose())
    qtbot.waitUntil(closing.done, timeout=5_000)


def test_an_iframe_card_asks_the_window_for_the_iframe_panel(make_bridge, flow_from, panel_on, qtbot):
    flow = flow_from(
        """
        start: page
        states:
          page:
            iframe: {url: "http://127.0.0.1:9/seat.html", height: 200}
        """
    )
    panel = panel_on(make_bridge(flow))
    card = panel.bubbles()[-1]
    assert isinstance(card, IframeCard) and card.url == "http://127.0.0.1:9/seat.html"
    with qtbot.waitSignal(panel.iframe_requested) as opened:
        qtbot.mouseClick(card.open_button, Qt.MouseButton.LeftButton)
    assert opened.args == ["http://127.0.0.1:9/seat.html", 200]


def test_html_images_and_link_buttons(make_bridge, flow_from, panel_on, qtbot, tmp_path, monkeypatch):
    picture = tmp_path / "train.png"
    image = QImage(40, 20, QImage.Format.Format_RGB32)
    image.fill(QColor("darkgreen"))
    assert image.save(str(picture))
    flow = flow_from(
        f"""
        start: hello
        states:
          hello:
            say:
              - html: "<b>Bold</b> and <a href='http://127.0.0.1:9/x'>a link</a>"
              - image: {picture.as_uri()}
              - image: https://images.example.com/train.png
              - text: Read more
                buttons:
                  - {{title: Docs, url: "http://127.0.0.1:9/docs"}}
                  - {{title: Go on, goto: next}}
          next: {{say: Went on}}
        """
    )
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    bridge = make_bridge(flow)
    panel = panel_on(bridge)

    html = panel.findChild(QLabel, "htmlMessage")
    assert html.textFormat() == Qt.TextFormat.RichText and html.openExternalLinks()
    local, remote = panel.findChildren(ImageView)
    assert local.loaded and not remote.loaded and "images.example.com" in remote.text()

    qtbot.mouseClick(button(panel, "Docs"), Qt.MouseButton.LeftButton)
    assert opened == ["http://127.0.0.1:9/docs"] and not bridge.busy, "a link opens; the bot is not told"
    qtbot.mouseClick(button(panel, "Go on"), Qt.MouseButton.LeftButton)
    settle(qtbot, bridge)
    assert bot_texts(panel)[-1] == "Went on"


def test_long_messages_wrap_inside_the_pane(make_bridge, flow_from, panel_on, qtbot):
    long = " ".join(["a rather long sentence"] * 20)
    panel = panel_on(make_bridge(flow_from(f"start: a\nstates:\n  a: {{say: {long}}}\n")))
    qtbot.waitUntil(lambda: panel.bubbles()[-1].height() > 3 * panel.fontMetrics().height())
    bubble = panel.bubbles()[-1]
    assert 0.5 * panel.stream.viewport().width() < bubble.content.width() <= 0.8 * panel.stream.viewport().width() + 1

    wide = bubble.height()
    panel.resize(320, 640)
    qtbot.waitUntil(lambda: bubble.height() > wide, timeout=2_000)
    assert bubble.content.width() <= 0.8 * panel.stream.viewport().width() + 1


SLOW_CODE = """
start: quote
states:
  quote:
    code: |
      const r = await fetch('BASE/slow?seconds=2');
      ChatlayerResponseBuilder().addSessionVariable('status', r.status).send();
    next: done
  done: {say: Done}
"""


def test_paused_in_the_debugger_the_chat_says_so_and_says_typing_again_once_it_goes_on(
    make_bridge, flow_from, sample_backend, panel_on, qtbot
):
    bridge = make_bridge(flow_from(SLOW_CODE.replace("BASE", sample_backend)), start=False)
    debugger = Debugger()
    debugger.add_breakpoint("quote")
    bridge.conversation.debugger = debugger
    panel = panel_on(bridge)

    bridge.start()
    qtbot.waitUntil(lambda: debugger.is_paused, timeout=10_000)
    assert panel.typing.isVisible() and panel.typing.text() == "Paused in the debugger"

    debugger.continue_()
    qtbot.waitUntil(lambda: panel.typing.isVisible() and panel.typing.text() == "Bot is typing…", timeout=10_000)
    assert bridge.busy, "the slow fetch still runs"
    settle(qtbot, bridge)
    assert panel.typing.isHidden()
    assert bot_texts(panel) == ["Done"]


def test_a_template_warning_shows_a_json_body_as_json(make_bridge, flow_from, panel_on):
    flow = flow_from(
        """
        start: notify
        states:
          notify:
            json: {event: booked, seat: {var: seat}}
        """
    )
    panel = panel_on(make_bridge(flow))
    note = next(b for b in panel.bubbles() if isinstance(b.engine_event, ev.TemplateWarning))
    assert note.message == 'seat has no value in “{"event":"booked","seat":{"var":"seat"}}”: it was left empty'


class Clock(QObject):
    """Notes when the typing line appears and when each bot message is placed in the chat."""

    def __init__(self, panel: ChatPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.typing_shown: list[tuple[float, list[str]]] = []
        self.bot_placed: list[tuple[float, str]] = []
        panel.typing.installEventFilter(self)
        panel.stream.widget().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note the time of the typing line's Show and of a bot message's item joining the chat's column."""
        if watched is self.panel.typing and event.type() == QEvent.Type.Show:
            self.typing_shown.append((time.monotonic(), bot_texts(self.panel)))
        elif event.type() == QEvent.Type.ChildAdded:
            child = event.child()
            if isinstance(child, ChatItem) and isinstance(child.engine_event, ev.BotMessage):
                self.bot_placed.append((time.monotonic(), child.engine_event.text))
        return False


TYPING_FLOW = """
settings: {typing_delay: 80}
start: ask_name
states:
  ask_name:
    ask: What is your name?
    save: name
    next: greet
  greet:
    say: ["Hello {name}!", Nice to meet you.]
"""


def test_the_window_shows_the_bot_typing_for_the_flows_typing_delay_before_each_message(
    make_bridge, flow_from, show_widget, qtbot
):
    bridge = make_bridge(flow_from(TYPING_FLOW))
    panel = show_widget(ChatPanel(bridge, typing_delay=True), 480, 640)
    assert bot_texts(panel) == ["What is your name?"], "what is already in the log shows at once"
    clock = Clock(panel)

    say(qtbot, panel, "Ann")
    qtbot.waitUntil(lambda: len(clock.bot_placed) == 2 and panel.typing.isHidden(), timeout=10_000)

    [(typing_at, shown_then)] = clock.typing_shown
    assert shown_then == ["What is your name?"], "the typing line comes before the message"
    (hello_at, hello), (nice_at, nice) = clock.bot_placed
    assert (hello, nice) == ("Hello Ann!", "Nice to meet you.")
    assert hello_at - typing_at >= 0.079 and nice_at - hello_at >= 0.079  # Qt counts whole milliseconds
    assert isinstance(panel.bubbles()[-3].engine_event, ev.UserMessage), "the user's message did not wait"


def test_the_typing_delay_is_the_windows_alone(make_bridge, flow_from, panel_on, qtbot):
    bridge = make_bridge(flow_from(TYPING_FLOW))
    panel = panel_on(bridge)
    say(qtbot, panel, "Ann")
    settle(qtbot, bridge)
    assert bot_texts(panel)[-2:] == ["Hello Ann!", "Nice to meet you."], "a panel without typing_delay waits not"


def test_a_call_button_says_call_and_a_quick_replys_icon_shows_only_from_this_machine(
    make_bridge, flow_from, sample_backend, panel_on, tmp_path
):
    icon = tmp_path / "tea.png"
    image = QImage(16, 16, QImage.Format.Format_RGB32)
    image.fill(QColor("darkgreen"))
    assert image.save(str(icon))
    messages = [
        {
            "type": "button",
            "config": {
                "title": "Questions?",
                "buttons": [{"type": "phone_number", "title": "Call us", "payload": "+32 9 123 45 67"}],
            },
        },
        {
            "type": "quickReply",
            "config": {
                "title": "Pick one",
                "quickReplies": [
                    {"title": "Tea", "payload": {"nextDialogstateId": "tea"}, "image_url": icon.as_uri()},
                    {"title": "Juice", "payload": {"nextDialogstateId": "tea"}, "image_url": "https://i.example/j.png"},
                ],
            },
        },
    ]
    flow = flow_from(
        f"""
        start: ask
        states:
          ask:
            api: {{method: POST, url: "{sample_backend}/mirror", body: {json.dumps({"messages": messages})}}}
          tea: {{say: Tea it is}}
        """
    )
    panel = panel_on(make_bridge(flow))
    call = next(b for b in panel.findChildren(ChoiceButton) if b.choice.title == "Call us")
    assert call.text() == "📞 Call us" and call.toolTip() == "Call +3291234567"
    assert button(panel, "Tea").has_icon and not button(panel, "Juice").has_icon
