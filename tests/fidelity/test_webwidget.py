"""Chatlayer's page channels/webwidget/README.md ("Web widget"), its `lang` option: the language the widget gives
is the conversation's `locale`, and the bot opens in that language when the flow speaks it."""

from __future__ import annotations

import pytest

from workbench.engine import events as ev
from workbench.flow.loader import load_flow_text
from workbench.flow.model import Flow

from .helpers import converse, of, said

FLOW = """\
start: open
languages: {primary: nl, secondary: [en, fr]}
states:
  open: {say: Hallo!}
"""


def widget_bot() -> Flow:
    translations = {
        "en": "language: en\ntexts:\n  open.say[0]: Hello!\n",
        "fr": "language: fr\ntexts:\n  open.say[0]: Salut !\n",
    }
    flow = load_flow_text(FLOW, "widget.yaml", translations=translations).flow
    assert flow is not None
    return flow


def test_the_sdk_lang_option_opens_the_bot_in_that_language() -> None:
    """SDK: `onload='chatlayer({"lang":"en","animation":"grow"})'` — "In this case, your bot will be opened in
    English" (a primary-Dutch bot here, so the language is the widget's, not the default)."""
    events = converse(widget_bot(), variables={"locale": "en"})
    assert said(events) == ["Hello!"]
    assert [(e.language, e.reason) for e in of(ev.LanguageChanged, events)] == [("en", "locale")]


@pytest.mark.parametrize(("lang", "text"), [("en", "Hello!"), ("fr", "Salut !"), ("nl", "Hallo!")])
def test_the_iframe_lang_parameter_may_be_any_language_the_bot_supports(lang: str, text: str) -> None:
    """iframe: `<iframe src="https://chatbox.staging.chatlayer.ai/INSERT-TOKEN-HERE?lang=en"/>` — "You can change
    `?lang=en` to any language the bot supports." """
    assert said(converse(widget_bot(), variables={"locale": lang})) == [text]


def test_without_lang_the_bot_opens_in_its_primary_language() -> None:
    events = converse(widget_bot())
    assert said(events) == ["Hallo!"]
    assert of(ev.LanguageChanged, events) == []
