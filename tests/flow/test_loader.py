"""The loader: YAML to the `Flow` model, the public API and its promise never to raise."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.flow import build
from workbench.flow.loader import FlowError, LoadResult, load_flow, load_flow_or_raise, load_flow_text
from workbench.flow.model import (
    ApiAction,
    Card,
    Choice,
    ClearSession,
    IframeAction,
    Loc,
    Media,
    OffloadAction,
    Route,
    SayItem,
)

from .helpers import SAMPLES, flow_of, messages

MINI = "start: a\nstates:\n  a:\n    say: hi\n"


@pytest.fixture(scope="module")
def train() -> LoadResult:
    return load_flow(SAMPLES / "train_ticket.yaml")


def test_samples_load_cleanly(train: LoadResult) -> None:
    assert train.ok and train.problems == ()
    assert train.flow is not None and train.flow.name == "Train tickets"
    assert train.flow.path == SAMPLES / "train_ticket.yaml"


def test_top_level(train: LoadResult) -> None:
    flow = train.flow
    assert flow is not None
    assert flow.start == "welcome"
    assert flow.variables == {"api_base": "http://127.0.0.1:8765", "first_name": "traveller", "distance": 120}
    assert flow.nlu.threshold == 0.75 and flow.nlu.fallback == "not_understood"
    examples = ("I want a train ticket", "book a train", "tickets please")
    assert flow.nlu.intents["book_ticket"].examples == examples
    city = flow.nlu.entities["city"]
    assert city.values == ("Brussels", "Antwerp", "Ghent")
    assert city.synonyms == {"Brussels": ("Bruxelles", "Brussel")}
    assert city.loc == Loc(str(SAMPLES / "train_ticket.yaml"), 13, 5)


def test_say_with_buttons_and_quick_replies(train: LoadResult) -> None:
    welcome = train.flow.states["welcome"]
    assert welcome.kind == "say" and welcome.intent == "book_ticket" and welcome.waits is False
    first, second = welcome.say
    assert first.text == "Hi {first_name|capitalize}! Where would you like to go?"
    assert (first.loc.line, first.loc.column) == (20, 9)
    assert second.text == "Or pick one"
    brussels, timetable, yes = second.buttons
    assert (brussels.title, brussels.goto) == ("Brussels", "ask_date")
    assert brussels.set == {"destination": "Brussels"}
    assert (timetable.url, timetable.goto) == ("https://example.org/trains", None)
    assert yes.goto == "yes"
    assert [(c.title, c.goto) for c in second.quick_replies] == [("Antwerp", None), ("Ghent", None)]
    assert welcome.next == (Route("ask_destination", None, Loc(welcome.loc.file, 27, 11)),)
    assert (welcome.loc.line, welcome.loc.column, welcome.end_line) == (17, 3, 27)


def test_ask(train: LoadResult) -> None:
    states = train.flow.states
    ask = states["ask_destination"].ask
    assert ask is not None
    assert [i.text for i in ask.prompt] == ["Where would you like to go?"]
    assert (ask.save, ask.expect, ask.give_up_goto, ask.nlp) == ("destination", "city", "handover", True)
    assert [i.text for i in ask.retry] == ["Sorry, we don't go to {input}. Which city?"]
    assert [i.text for i in ask.give_up] == ["Let me get you a colleague."]
    date = states["ask_date"].ask
    assert date is not None and date.nlp is False and date.expect == "date"
    assert [c.title for c in date.prompt[0].quick_replies] == ["Today", "Tomorrow"]
    assert states["ask_email"].ask.expect == "/^[^@\\s]+@[^@\\s]+$/"


def test_code_action(train: LoadResult) -> None:
    code = train.flow.states["compute_price"].code
    assert code is not None
    assert code.source.startswith("const price = Number(args.distance) * 0.2;\n")
    assert (code.line, code.timeout, code.args) == (51, 2.0, {"distance": "{distance}"})


def test_router(train: LoadResult) -> None:
    route = train.flow.states["route"]
    assert route.kind == "router"
    assert [(r.goto, r.condition) for r in route.next] == [("expensive", "price > 100"), ("cheap", None)]
    assert route.next[0].loc.line == 58


def test_media_carousel_html(train: LoadResult) -> None:
    image, video, html, carousel = train.flow.states["cheap"].say
    assert image.media == Media("image", "https://example.org/cheap.png") and image.text == ""
    assert video.media == Media("video", "https://example.org/train.mp4")
    assert html.html == "<b>{price}</b> euro"
    (card,) = carousel.cards
    assert card == Card(
        "Second class",
        "{price} euro",
        "https://example.org/second.png",
        (Choice("Book it", goto="book", loc=card.buttons[0].loc),),
    )


def test_api(train: LoadResult) -> None:
    book = train.flow.states["book"]
    assert book.on_error == "booking_failed"
    assert book.api == ApiAction(
        method="POST",
        url="{api_base}/tickets",
        query={"lang": "{locale}"},
        headers={"X-Client": "workbench"},
        body={"to": {"var": "destination"}, "when": "{date}", "from": {"state": "welcome"}},
        auth={"type": "bearer", "token": "secret"},
        timeout=5.0,
        save={"ticket_id": "id", "seat": "data.seat"},
    )
    assert type(book.api.body) is dict and type(book.api.body["to"]) is dict  # plain values, no YAML wrappers


def test_json_offload_clear_session(train: LoadResult) -> None:
    states = train.flow.states
    assert states["notify_site"].json == {"event": "ticket_booked", "ticket": "{ticket_id}", "on": True}
    assert states["handover"].offload == OffloadAction(
        "webhook", "Connecting you to a colleague…", "https://example.org/hook", "abc"
    )
    assert states["reset"].clear_session == ClearSession("keep", ("first_name",))
    assert states["yes"].say[0].text == "Yes is a state name."


def test_widgets_sample() -> None:
    result = load_flow(SAMPLES / "widgets.yaml")
    assert result.ok
    states = result.flow.states
    assert states["pick_seat"].iframe == IframeAction("seat_picker.html?train={train_id}", 420)
    assert states["simple_frame"].iframe == IframeAction("https://example.org/frame.html")
    assert states["handover"].offload == OffloadAction()
    assert states["wipe"].clear_session == ClearSession("all")
    assert states["offloading_opened"].json == [1, 2.5, None, "x"]
    assert result.flow.name == "widgets"


def test_defaults() -> None:
    flow = flow_of(
        "start: a\nstates:\n  a:\n    api: {url: 'http://x'}\n    next: b\n"
        "  b:\n    ask: Name?\n    save: name\n    expect: text\n    next: c\n"
        "  c:\n    code: ChatlayerResponseBuilder().send()\n    next: d\n"
        "  d:\n    clear_session: [name, other]\n"
    )
    states = flow.states
    assert states["a"].api == ApiAction("GET", "http://x")
    assert states["b"].ask.expect == "any" and states["b"].ask.nlp is True
    assert (states["c"].code.timeout, states["c"].code.args, states["c"].code.line) == (5.0, None, 12)
    assert states["d"].clear_session == ClearSession("names", ("name", "other"))
    assert flow.nlu.threshold == 0.8 and flow.name == "<flow>"


def test_say_string_and_empty_state() -> None:
    flow = flow_of("start: a\nstates:\n  a:\n    say: hi\n    next: b\n  b:\n    next: a\n")
    assert flow.states["a"].say == (SayItem(text="hi", loc=Loc("<flow>", 4, 10)),)
    assert flow.states["b"].kind == "router"


def test_code_line_for_each_scalar_style() -> None:
    text = (
        "start: a\nstates:\n  a:\n    code: send()\n    next: b\n"
        "  b:\n    code: 'send()'\n    next: c\n"
        "  c:\n    code: >\n      send()\n    next: a\n"
    )
    flow = flow_of(text)
    assert [flow.states[n].code.line for n in "abc"] == [4, 7, 11]


def test_end_line_skips_trailing_comments_and_blank_lines() -> None:
    flow = flow_of("start: a\nstates:\n  a:\n    say: hi\n\n    # about b\n  b: {next: a}\n\n")
    assert [(s.loc.line, s.end_line) for s in flow.states.values()] == [(3, 4), (7, 7)]


def test_byte_order_mark_is_ignored() -> None:
    assert load_flow_text("\ufeff" + MINI).ok


def test_load_result_properties() -> None:
    result = load_flow_text(MINI + "  b:\n    say: alone\n    next: nowhere\n")
    assert not result.ok and result.flow is None
    assert [p.severity for p in result.errors] == ["error"]
    assert [p.severity for p in result.warnings] == ["warning"]
    warned = load_flow_text(MINI + "  b:\n    say: alone\n")
    assert warned.ok and warned.flow is not None and len(warned.warnings) == 1


def test_problems_come_sorted_by_line() -> None:
    problems = load_flow_text("start: a\nstates:\n  b: {say: x}\n  a:\n    sya: hi\n    next: c\n").problems
    assert [p.loc.line for p in problems] == sorted(p.loc.line for p in problems)
    assert len(problems) == 3


def test_missing_file_is_a_problem_at_line_one(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    result = load_flow(path)
    expected = f"{path}:1:1: error: cannot read the flow file: No such file or directory"
    assert [str(p) for p in result.problems] == [expected]
    folder = str(load_flow(tmp_path).problems[0])
    assert folder.startswith(f"{tmp_path}:1:1: error: cannot read the flow file: ")


def test_file_name_is_kept_as_given(in_flow_tests: Path) -> None:
    result = load_flow("samples/widgets.yaml")
    assert result.problems[0].loc.file == "samples/widgets.yaml"


def test_load_flow_or_raise(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(MINI, encoding="utf-8")
    assert load_flow_or_raise(good).start == "a"
    bad = tmp_path / "bad.yaml"
    bad.write_text("start: x\nstates:\n  a: {say: hi}\n  b: {say: hi}\n", encoding="utf-8")
    with pytest.raises(FlowError) as caught:
        load_flow_or_raise(bad)
    assert str(caught.value) == f"{bad}:1:8: error: 'start' refers to unknown state 'x'"
    assert caught.value.problems[0].severity == "error"
    with pytest.raises(FlowError):
        load_flow_or_raise(tmp_path / "missing.yaml")


def test_an_internal_bug_becomes_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise KeyError("oops")

    monkeypatch.setattr(build.Builder, "flow", broken)
    result = load_flow_text(MINI)
    assert result.flow is None
    expected = "internal error in the flow loader, please report it: 'oops'"
    assert result.problems[0].message == expected


def test_very_deep_nesting_is_a_problem_not_a_crash() -> None:
    result = load_flow_text("start: a\nstates:\n  a:\n    json: " + "[" * 5000 + "]" * 5000 + "\n")
    assert isinstance(result, LoadResult)


def test_recursive_value_is_an_error() -> None:
    assert messages("start: a\nstates:\n  a:\n    json: &x {a: *x}\n") == [
        "4:18: error: invalid YAML: this value holds itself (alias *x inside &x); YAML that refers to itself cannot"
        " be a flow's or a test's value"
    ]


def test_shared_anchors_are_fine() -> None:
    flow = flow_of("start: a\nstates:\n  a:\n    json: {x: &v [1, 2], y: *v}\n")
    assert flow.states["a"].json == {"x": [1, 2], "y": [1, 2]}


def test_top_level_must_be_a_mapping() -> None:
    expected = "1:1: error: the top level of a flow file must be a mapping, not a string"
    assert messages("just text\n") == [expected]


def test_yaml_error() -> None:
    assert messages("start: a\nstates: [\n") == [
        "3:1: error: invalid YAML: did not find expected node content (while parsing a flow node)"
    ]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_ends(newline: str) -> None:
    text = "start: a\nstates:\n  a:\n    say: Hi {x\n".replace("\n", newline)
    assert messages(text) == ["4:13: error: unclosed template '{x'"]
