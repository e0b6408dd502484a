"""Turns per second of the sample's conversation suite replayed in each of its languages (English and Dutch).

A conversation in a secondary language should cost what one in the primary costs: its flow is built once at load
time (`translations.in_language`) and its NLU matchers once per flow and language, shared by every conversation.

Until the test runner replays a suite per language, this drives `Conversation` directly: the inputs of every
conversation of flows/train_ticket/*.convo.yaml (typed text, clicks, iframe messages; the expectations are not
checked), with the channel's `locale` set to the language. A click names a button in English; in another language
the button whose title is that title's translation is pressed. Code actions and API calls reach the sample's
backend on 127.0.0.1. Run: `python tests/benchmarks/bench_languages.py [--rounds N] [--profile]`.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import time
from collections.abc import Mapping
from typing import Any

import httpx

from workbench.engine.conversation import Conversation
from workbench.engine.sandbox import Sandbox
from workbench.flow.loader import load_flow_or_raise
from workbench.flow.model import Flow
from workbench.flow.translation_keys import translatable_texts
from workbench.sample import SAMPLE_FLOW, SAMPLE_FOLDER, start_sample_backend, stop_sample_backend
from workbench.testing.convo_format import ConvoTest, find_convo_files, load_convo_file

CHOICE_KINDS = ("button", "quick_reply", "card_button")


def titles_in(flow: Flow, language: str) -> dict[str, str]:
    """Each primary-language button title with its title in `language` (the title itself when untranslated)."""
    translation = flow.translations.get(language)
    texts = translation.texts if translation is not None else {}
    return {t.text: texts.get(t.key, t.text) for t in translatable_texts(flow) if t.kind in CHOICE_KINDS}


async def replay(
    test: ConvoTest, flow: Flow, language: str, titles: Mapping[str, str], base: str, ports: dict[str, Any]
) -> int:
    """Send one conversation's inputs in `language`; the number of turns it took."""
    variables = {**test.variables, "locale": language, "api_base": base}
    turns = 0
    async with Conversation(flow, variables=variables, **ports) as conversation:
        await conversation.start(test.start)
        for turn in test.turns:
            if turn.kind == "user":
                await conversation.send_text(turn.value)
            elif turn.kind == "click":
                await conversation.press(titles.get(turn.value, turn.value))
            elif turn.kind == "iframe":
                await conversation.post_message(turn.value)
            else:
                continue
            turns += 1
    return turns


async def run(rounds: int, profile: bool) -> None:
    flow = load_flow_or_raise(SAMPLE_FLOW)
    tests = [test for path in find_convo_files([SAMPLE_FOLDER]) for test in load_convo_file(path).tests]
    server, base = start_sample_backend()
    try:
        async with Sandbox() as sandbox, httpx.AsyncClient() as http:
            ports = {"sandbox": sandbox, "http": http}
            titles = {language: titles_in(flow, language) for language in flow.languages.all}
            for language in flow.languages.all:  # warm up: V8 realms, matchers, date parser
                for test in tests:
                    await replay(test, flow, language, titles[language], base, ports)
            rates: dict[str, list[float]] = {language: [] for language in flow.languages.all}
            profiler = cProfile.Profile() if profile else None
            for _ in range(rounds):
                for language in flow.languages.all:  # interleaved, so load on the machine hits both alike
                    if profiler is not None:
                        profiler.enable()
                    began = time.perf_counter()
                    turns = 0
                    for test in tests:
                        turns += await replay(test, flow, language, titles[language], base, ports)
                    rates[language].append(turns / (time.perf_counter() - began))
                    if profiler is not None:
                        profiler.disable()
    finally:
        stop_sample_backend(server)
    print(f"{len(tests)} conversations of the sample, {rounds} rounds per language")
    for language, found in rates.items():
        print(f"  {language}: {statistics.median(found):,.0f} turns/s (median; min {min(found):,.0f})")
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the measured rounds")
    options = parser.parse_args()
    asyncio.run(run(options.rounds, options.profile))
