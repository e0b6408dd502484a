"""The chat's scrolling column: a long chat can be scrolled, and it follows the newest message."""

from workbench.engine import events as ev
from workbench.gui.chat.bubbles import BOT, TextBubble
from workbench.gui.chat.stream import ChatStream


def bubble(text: str, tone: object, side: str) -> TextBubble:
    return TextBubble(ev.EngineWarning(message=text), text, tone, side)  # type: ignore[arg-type]


def newest_is_in_view(stream: ChatStream) -> bool:
    newest = stream.items()[-1]
    top = newest.mapTo(stream.viewport(), newest.rect().topLeft()).y()
    return top >= 0 and top + newest.height() <= stream.viewport().height()


def test_a_chat_longer_than_the_view_scrolls_and_keeps_the_newest_message_in_view(qtbot, show_widget):
    stream = show_widget(ChatStream(), 400, 300)
    for number in range(30):
        stream.add(bubble(f"message number {number} " * 3, BOT, "left"))
    bar = stream.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    assert bar.maximum() >= stream.widget().height() - stream.viewport().height()
    qtbot.waitUntil(lambda: newest_is_in_view(stream))


def test_scrolling_up_stops_following_and_a_new_message_does_not_pull_the_view_down(qtbot, show_widget):
    stream = show_widget(ChatStream(), 400, 300)
    for number in range(30):
        stream.add(bubble(f"message {number}", BOT, "left"))
    bar = stream.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(0)
    stream.add(bubble("one more", BOT, "left"))
    qtbot.waitUntil(lambda: newest_is_in_view(stream) is False and bar.value() == 0)
