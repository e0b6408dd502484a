"""`workbench chat`: talk to a flow in the terminal (or from a script, with input piped in).

Buttons and quick replies are numbered; typing the number presses them. Commands: /vars, /state, /restart, /quit,
and for the actions that need them: /iframe JSON (post a message as the iframe page would), /agent TEXT (answer
as the human agent while offloaded), /handback [STATE].
"""

from __future__ import annotations

import asyncio
import io
import json
import sys
from collections.abc import Callable
from typing import TextIO

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.flow.model import Flow
from workbench.flow.problems import shown
from workbench.flow.template import to_text
from workbench.flow.whole_numbers import whole_number

HELP = (
    "Type to talk; a number presses that button. Commands: /vars /state /restart /quit "
    "/iframe JSON /agent TEXT /handback [STATE] /help"
)


class Printer:
    """Writes a conversation's events to a terminal, numbering the choices as `Conversation.press` counts them."""

    def __init__(self, conversation: Conversation, out: TextIO, *, verbose: bool = False) -> None:
        self.conversation = conversation
        self.out = out
        self.verbose = verbose
        self.closed = False

    def __call__(self, event: ev.Event) -> None:
        handler: Callable[[ev.Event], None] | None = getattr(self, f"_on_{event.kind}", None)
        if handler is not None:
            handler(event)

    def _line(self, text: str) -> None:
        if self.closed:
            return
        try:
            print(shown(text), file=self.out, flush=True)
        except BrokenPipeError:  # the reader went away (`workbench chat … | head`)
            self.closed = True

    def _on_BotMessage(self, e: ev.BotMessage) -> None:
        if e.text:
            self._line(f"bot> {e.text}")
        if e.media:
            self._line(f"bot> [{e.media.get('type', 'media')}] {e.media.get('url', '')}")
        if e.html is not None:
            self._line(f"bot> [html] {e.html}")
        offset = len(self.conversation.session.choices) - len(e.choices)
        number = offset
        for card in e.cards:
            self._line(f"     ┌ {card.title}" + (f" — {card.subtitle}" if card.subtitle else ""))
            if card.image:
                self._line(f"     │ [image] {card.image}")
            for button in card.buttons:
                number += 1
                self._line(f"     │ [{number}] {button.title}")
        for choice in e.buttons + e.quick_replies:
            number += 1
            link = f" → {choice.url}" if choice.url else ""
            self._line(f"     [{number}] {choice.title}{link}")

    def _on_JsonMessage(self, e: ev.JsonMessage) -> None:
        self._line(f"json> {json.dumps(e.payload, ensure_ascii=False)}")

    def _on_IframeOpened(self, e: ev.IframeOpened) -> None:
        self._line(f"iframe> {e.url}  (answer as the page with /iframe JSON)")

    def _on_IframeMessageRejected(self, e: ev.IframeMessageRejected) -> None:
        self._line(f"! iframe message rejected: {e.reason}")

    def _on_Offloaded(self, e: ev.Offloaded) -> None:
        self._line(f"-- offloaded to {e.provider}: /agent TEXT answers as the agent, /handback returns to the bot")

    def _on_AgentMessage(self, e: ev.AgentMessage) -> None:
        self._line(f"agent> {e.text}")

    def _on_HandedBack(self, e: ev.HandedBack) -> None:
        self._line("-- handed back to the bot")

    def _on_EngineError(self, e: ev.EngineError) -> None:
        where = f" ({e.where})" if e.where else ""
        self._line(f"! error: {e.message}{where}")

    def _on_EngineWarning(self, e: ev.EngineWarning) -> None:
        self._line(f"! warning: {e.message}")

    def _on_TemplateWarning(self, e: ev.TemplateWarning) -> None:
        if self.verbose:
            self._line(f"! warning: no value for {{{e.variable}}}")

    def _on_StateEntered(self, e: ev.StateEntered) -> None:
        if self.verbose:
            self._line(f"   · {e.state} ({e.reason})")

    def _on_CodeLog(self, e: ev.CodeLog) -> None:
        if self.verbose:
            self._line(f"   console.{e.level}: {e.message}")


async def _handle(conversation: Conversation, line: str, out: TextIO) -> bool:
    """Carry out one line of input; false when the user wants to quit."""
    command, _, rest = line.partition(" ")
    if command in ("/quit", "/exit"):
        return False
    if command == "/help":
        print(HELP, file=out)
    elif command == "/vars":
        print(
            json.dumps(conversation.session.snapshot(), indent=2, ensure_ascii=False, default=to_text),
            file=out,
        )
    elif command == "/state":
        session = conversation.session
        print(shown(f"state: {session.current_state}  (waiting: {session.waiting or '-'})"), file=out)
    elif command == "/restart":
        await conversation.restart()
    elif command == "/iframe":
        await conversation.post_message(rest, origin="terminal")
    elif command == "/agent":
        await conversation.agent_reply(rest)
    elif command == "/handback":
        await conversation.hand_back(rest.strip() or None)
    elif (number := whole_number(line.strip())) is not None and conversation.find_choice(number) is not None:
        await conversation.press(number)
    elif line.strip():
        await conversation.send_text(line.strip())
    return True


MAX_LINE = 65_536
"""The most characters of one line of input a conversation is given; the rest of a longer line is read and left
out (never held), with a warning."""


def _read_line(stdin: TextIO) -> tuple[str, bool]:
    """The next line of input ("" at its end) as text a conversation can hold, and whether it was cut at `MAX_LINE`
    characters. Bytes that are not UTF-8 (which Python hands over as lone surrogates, or refuses) become U+FFFD, as
    a terminal shows them."""
    if isinstance(stdin, io.TextIOWrapper) and stdin.errors == "strict":
        stdin.reconfigure(errors="surrogateescape")
    line = stdin.readline(MAX_LINE + 1)
    cut = len(line) > MAX_LINE
    if cut:
        rest = line[MAX_LINE:]
        while rest and not rest.endswith("\n"):
            rest = stdin.readline(MAX_LINE)
        line = line[:MAX_LINE] + "\n"
    if line.isascii():
        return line, cut
    try:
        raw = line.encode("utf-8", "surrogateescape")  # each byte Python could not decode, as it was
    except UnicodeEncodeError:
        raw = line.encode("utf-8", "surrogatepass")  # a surrogate that came as text
    return raw.decode("utf-8", "replace"), cut


async def chat(
    flow: Flow,
    *,
    variables: dict | None = None,
    verbose: bool = False,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
) -> None:
    """Run an interactive conversation with `flow` on the terminal until /quit or end of input."""
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    interactive = stdin.isatty()
    loop = asyncio.get_running_loop()
    async with Conversation(flow, variables=variables) as conversation:
        printer = Printer(conversation, out, verbose=verbose)
        conversation.subscribe(printer)
        if interactive:
            print(shown(f"{flow.name} — {HELP}"), file=out)
        await conversation.start()
        while True:
            if interactive:
                print("you> ", end="", file=out, flush=True)
            line, cut = await loop.run_in_executor(None, _read_line, stdin)
            if not line:
                break
            if cut:
                print(f"! warning: the line was cut after {MAX_LINE} characters", file=out)
            if not interactive and line.strip():
                print(shown(f"you> {line.rstrip()}"), file=out)
            if not await _handle(conversation, line.rstrip("\n"), out) or printer.closed:
                break
