"""The JavaScript sandbox against real V8: conditions, code actions, fetch, limits and isolation."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import httpx
import pytest
from sandbox_runs import with_sandbox

from workbench.engine.sandbox import (
    CodeResult,
    ConditionError,
    FetchError,
    FetchHandler,
    Sandbox,
    WrappedSource,
    wrap_source,
)

T = TypeVar("T")


def run(coro: Awaitable[T]) -> T:
    """Run one async test body on a fresh loop (pytest-asyncio is not installed)."""

    async def main() -> T:
        return await coro

    return asyncio.run(main())


def code(source: str, args: Any = None, **kwargs: Any) -> CodeResult:
    """Run one code action in a fresh sandbox."""
    return with_sandbox(lambda sb: sb.run_code(source, args if args is not None else {}, **kwargs))


# --- an HTTP server and a FetchHandler for fetch() -------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/json"):
            self._send(200, "OK", {"Content-Type": "application/json", "X-Trace": "abc"}, b'{"city": "Ghent"}')
        elif self.path.startswith("/missing"):
            self._send(404, "Not Found", {"Content-Type": "text/plain"}, b"no such thing")
        else:
            self._send(200, "OK", {"Content-Type": "text/plain"}, b"hello")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        echo = {"method": "POST", "body": body.decode(), "type": self.headers.get("Content-Type")}
        self._send(201, "Created", {"Content-Type": "application/json"}, json.dumps(echo).encode())

    def _send(self, status: int, reason: str, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status, reason)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def make_fetch(client: httpx.AsyncClient) -> FetchHandler:
    """A FetchHandler over httpx, as the engine will have one."""

    async def fetch(url: str, options: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await client.request(options["method"], url, headers=options["headers"], content=options["body"])
        except httpx.HTTPError as exc:
            raise FetchError(f"request to {url} failed, reason: {exc}") from exc
        return {
            "status": response.status_code,
            "statusText": response.reason_phrase,
            "headers": dict(response.headers),
            "body": response.text,
        }

    return fetch


def code_with_fetch(source: str, args: Any = None, timeout: float = 5.0) -> CodeResult:
    async def main() -> CodeResult:
        async with httpx.AsyncClient() as client, Sandbox() as sb:
            return await sb.run_code(source, args or {}, fetch=make_fetch(client), timeout=timeout)

    return asyncio.run(main())


def closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- conditions -----------------------------------------------------------------------------------


def test_condition_true_false_and_default() -> None:
    async def body(sb: Sandbox) -> list[int | None]:
        routes = ["price > 100", None]
        return [
            await sb.first_true(routes, {"price": 150}),
            await sb.first_true(routes, {"price": 50}),
            await sb.first_true(["price > 100"], {"price": 50}),
            await sb.first_true([], {}),
        ]

    assert with_sandbox(body) == [0, 1, None, None]


def test_condition_missing_variable_is_undefined() -> None:
    async def body(sb: Sandbox) -> list[int | None]:
        return [
            await sb.first_true(["nothing_here > 1", "typeof nothing_here === 'undefined'"], {}),
            await sb.first_true(["!nothing_here"], {}),
        ]

    assert with_sandbox(body) == [1, 0]


def test_condition_nested_path_internal_and_builtins() -> None:
    async def body(sb: Sandbox) -> list[int | None]:
        user = {"user": {"address": {"city": "Ghent"}}, "items": [1, 2, 3]}
        return [
            await sb.first_true(["user.address.city === 'Ghent'"], user),
            await sb.first_true(["items.length === 3 && Math.max(...items) === 3"], user),
            await sb.first_true(["internal.user.locale === 'nl'"], {"internal": {"user": {"locale": "nl"}}}),
            await sb.first_true(["internal.flag", "true"], {}),
        ]

    assert with_sandbox(body) == [0, 0, 0, 1]


def test_condition_that_throws_names_its_index() -> None:
    async def body(sb: Sandbox) -> None:
        with pytest.raises(ConditionError) as info:
            await sb.first_true(["false", "a.b.c"], {})
        assert info.value.index == 1
        assert "TypeError" in info.value.message
        with pytest.raises(ConditionError) as info:
            await sb.first_true(["a b c"], {})
        assert info.value.index == 0
        assert "SyntaxError" in info.value.message
        assert await sb.first_true(["true", "a b c"], {}) == 0

    with_sandbox(body)


def test_condition_timeout_then_sandbox_recovers() -> None:
    async def body(sb: Sandbox) -> None:
        with pytest.raises(ConditionError) as info:
            await sb.first_true(["(() => { while (true) {} })()"], {}, timeout=0.2)
        assert info.value.index == 0
        assert "timed out" in info.value.message
        assert await sb.first_true(["x === 1"], {"x": 1}) == 0
        with pytest.raises(ConditionError) as info:
            await sb.first_true(["x === 2", "(() => { while (true) {} })()", None], {"x": 1}, timeout=0.2)
        assert info.value.index == 1
        assert await sb.first_true(["x === 2", "x === 1"], {"x": 1}) == 1

    with_sandbox(body)


def test_condition_cannot_pollute_later_calls() -> None:
    async def body(sb: Sandbox) -> list[int | None]:
        await sb.first_true(["(x = 5, y = 7, globalThis.z = 1, false)"], {"x": 1})
        return [
            await sb.first_true(["x === 1"], {"x": 1}),
            await sb.first_true(["typeof y === 'undefined' && typeof z === 'undefined'"], {}),
        ]

    assert with_sandbox(body) == [0, 0]


def count_evals(ctx: Any) -> list[str]:
    """Record every piece of JavaScript `ctx` evaluates from now on."""
    calls: list[str] = []
    original = ctx.eval

    async def counting(js: str) -> Any:
        calls.append(js)
        return await original(js)

    ctx.eval = counting
    return calls


def test_condition_in_the_worker_compiled_once_and_one_round_trip() -> None:
    routes = ["[price].some((p) => p > 100)", "[price].some((p) => p > 10)"]  # arrows: not bounded

    async def body(sb: Sandbox) -> None:
        await sb.first_true(routes, {"price": 1})
        ctx = sb._realms[""]
        assert set(ctx.cond_ids) == set(routes)
        calls = count_evals(ctx)
        assert await sb.first_true([*routes, None], {"price": 50}) == 1
        assert len(calls) == 1
        assert "p > 10" not in calls[0]  # cached: only ids and variables travel

    with_sandbox(body)


def test_bounded_condition_compiled_once_in_the_engine_and_reads_only_its_variables() -> None:
    async def body(sb: Sandbox) -> None:
        await sb.first_true(["price > 100", "price > 10"], {"price": 1})
        assert sb.worker_pid is None  # no round trip to the worker
        assert set(sb._local.cond_ids) == {"price > 100", "price > 10"}
        calls = count_evals(await sb._local._context())
        variables = {"price": 50, "notes": "x" * 1000}
        assert await sb.first_true(["price > 100", "price > 10", None], variables) == 1
        assert len(calls) == 1
        assert "price > 10" not in calls[0]  # cached: only ids and variables travel
        assert "notes" not in calls[0]  # a variable no condition reads stays behind

    with_sandbox(body)


# --- the builder ----------------------------------------------------------------------------------


def test_builder_all_methods_with_and_without_new() -> None:
    source = """
    const b = new ChatlayerResponseBuilder();
    b.addSessionVariable('price', args.distance * 0.2)
     .addSessionVariable('trip', {from: 'Ghent', to: 'Brussels'})
     .addMessage('Hello')
     .addQuickReplies({title: 'Pick', quickReplies: [
        {type: 'postback', title: 'Yes',
         value: JSON.stringify({nextDialogstateId: 'yes', params: [{key: 'a', value: 1}]})},
        {title: 'No', payload: {nextDialogstateId: 'no', params: {b: 2}}},
     ]})
     .addButtonGroup({title: 'Links', buttons: [{type: 'web_url', title: 'Site', url: 'https://example.org'}]})
     .addCarousel([{title: 'Card', subtitle: 'Sub', imageUrl: 'https://img',
                    buttons: [{title: 'Go', payload: {nextDialogstateId: 'go'}}]}])
     .addHtml('<b>hi</b>', {withBalloon: true})
     .addIframe('https://frame', {height: 420})
     .addMediaMessage({type: 'image', url: 'https://img/x.png'})
     .setNextDialogState('route');
    const same = b.addMessage('Bye');
    if (same !== b) throw new Error('not fluent');
    ChatlayerResponseBuilder().addMessage('never sent');
    b.send();
    """
    result = code(source, {"distance": 100})
    assert result.error is None
    assert result.sent
    assert result.variables == {"price": 20, "trip": {"from": "Ghent", "to": "Brussels"}}
    assert result.next_state == "route"
    assert result.messages == [
        {"type": "text", "text": "Hello"},
        {
            "type": "quick_replies",
            "text": "Pick",
            "quick_replies": [
                {"title": "Yes", "goto": "yes", "params": {"a": 1}},
                {"title": "No", "goto": "no", "params": {"b": 2}},
            ],
        },
        {
            "type": "buttons",
            "text": "Links",
            "buttons": [{"title": "Site", "url": "https://example.org"}],
        },
        {
            "type": "carousel",
            "cards": [
                {
                    "title": "Card",
                    "subtitle": "Sub",
                    "image": "https://img",
                    "url": None,
                    "buttons": [{"title": "Go", "goto": "go"}],
                }
            ],
        },
        {"type": "html", "html": "<b>hi</b>", "with_balloon": True},
        {"type": "iframe", "url": "https://frame", "height": 420, "with_balloon": False},
        {"type": "media", "media": {"type": "image", "url": "https://img/x.png"}},
        {"type": "text", "text": "Bye"},
    ]


def test_later_session_variable_overwrites() -> None:
    result = code("ChatlayerResponseBuilder().addSessionVariable('a', 1).addSessionVariable('a', 2).send()")
    assert result.variables == {"a": 2}


def test_without_send_nothing_counts() -> None:
    result = code("ChatlayerResponseBuilder().addMessage('hi').addSessionVariable('a', 1)")
    assert result.sent is False
    assert result.error is None
    assert (result.variables, result.messages, result.next_state) == ({}, [], None)


def test_error_after_send_keeps_what_was_sent() -> None:
    result = code("ChatlayerResponseBuilder().addMessage('hi').send();\nthrow new Error('late');")
    assert result.sent
    assert result.messages == [{"type": "text", "text": "hi"}]
    assert result.error is not None
    assert result.error.message == "Error: late"
    assert result.error.line == 2


def test_args_are_a_copy_and_top_level_await_works() -> None:
    source = """
    const total = await Promise.resolve(args.items.reduce((a, b) => a + b, 0));
    await new Promise((resolve) => setTimeout(resolve, 5));
    args.items.push(99);
    ChatlayerResponseBuilder().addSessionVariable('total', total).send();
    """
    items = [1, 2, 3]
    result = code(source, {"items": items})
    assert result.error is None
    assert result.variables == {"total": 6}
    assert items == [1, 2, 3]


def test_send_in_a_then_callback_without_await() -> None:
    result = code("Promise.resolve(5).then((n) => ChatlayerResponseBuilder().addSessionVariable('n', n).send());")
    assert result.sent
    assert result.variables == {"n": 5}


def test_console_capture() -> None:
    source = """
    console.log('a', 1, {b: [2]});
    console.info('info');
    console.warn('warn');
    console.error(new TypeError('bad'));
    console.debug(undefined, null, true);
    """
    assert code(source).logs == [
        ("log", 'a 1 {"b":[2]}'),
        ("info", "info"),
        ("warn", "warn"),
        ("error", "TypeError: bad"),
        ("debug", "undefined null true"),
    ]


def test_lodash() -> None:
    source = """
    const o = {a: {b: [1, 2, 3]}};
    const copy = _.cloneDeep(o);
    copy.a.b.push(4);
    _.set(o, 'x.y', 5);
    const users = [{name: 'ann', age: 30}, {name: 'bob', age: 20}];
    const b = ChatlayerResponseBuilder().addSessionVariable('r', {
      get: _.get(o, 'a.b[1]'),
      has: _.has(o, 'x.y'),
      map: _.map([1, 2], (n) => n * 2),
      filter: _.filter(users, (u) => u.age > 25).length,
      find: _.find(users, {name: 'bob'}).age,
      empty: [_.isEmpty({}), _.isEmpty([1])],
      pick: _.pick(users[0], ['name']),
      omit: _.omit(users[0], ['name']),
      merge: _.merge({a: {b: 1}}, {a: {c: 2}}),
      original: o.a.b.length,
    });
    _.delay(() => b.addSessionVariable('delayed', true).send(), 5);
    """
    result = code(source)
    assert result.error is None
    assert result.variables["delayed"] is True
    assert result.variables["r"] == {
        "get": 2,
        "has": True,
        "map": [2, 4],
        "filter": 1,
        "find": 20,
        "empty": [True, False],
        "pick": {"name": "ann"},
        "omit": {"age": 30},
        "merge": {"a": {"b": 1, "c": 2}},
        "original": 3,
    }


# --- fetch ----------------------------------------------------------------------------------------


def test_fetch_json_status_and_headers(server: str) -> None:
    source = """
    const res = await fetch(args.base + '/json');
    const data = await res.json();
    ChatlayerResponseBuilder().addSessionVariable('r', {
      ok: res.ok, status: res.status, statusText: res.statusText, city: data.city,
      type: res.headers.get('Content-Type'), trace: res.headers['x-trace'], missing: res.headers.get('nope'),
    }).send();
    """
    result = code_with_fetch(source, {"base": server})
    assert result.error is None
    assert result.variables["r"] == {
        "ok": True,
        "status": 200,
        "statusText": "OK",
        "city": "Ghent",
        "type": "application/json",
        "trace": "abc",
        "missing": None,
    }


def test_fetch_text_post_and_404(server: str) -> None:
    source = """
    const [hello, missing, posted] = await Promise.all([
      fetch(args.base + '/text').then((r) => r.text()),
      fetch(args.base + '/missing'),
      fetch(args.base + '/echo', {method: 'post', headers: {'Content-Type': 'application/json'},
                                  body: JSON.stringify({a: 1})}).then((r) => r.json()),
    ]);
    ChatlayerResponseBuilder().addSessionVariable('r', {hello, ok: missing.ok, status: missing.status, posted}).send();
    """
    result = code_with_fetch(source, {"base": server})
    assert result.error is None
    assert result.variables["r"] == {
        "hello": "hello",
        "ok": False,
        "status": 404,
        "posted": {"method": "POST", "body": '{"a":1}', "type": "application/json"},
    }


def test_fetch_then_chain_without_await(server: str) -> None:
    source = """
    fetch(args.base + '/json')
      .then((res) => res.json())
      .then((data) => ChatlayerResponseBuilder().addMessage('to ' + data.city).send());
    """
    result = code_with_fetch(source, {"base": server})
    assert result.messages == [{"type": "text", "text": "to Ghent"}]


def test_fetch_to_closed_port_rejects() -> None:
    url = f"http://127.0.0.1:{closed_port()}/"
    source = """
    try { await fetch(args.url); }
    catch (e) { console.log(e instanceof TypeError, e.message.startsWith('request to')); }
    await fetch(args.url);
    """
    result = code_with_fetch(source, {"url": url})
    assert result.logs == [("log", "true true")]
    assert result.error is not None
    assert result.error.kind == "fetch"
    assert result.error.line == 4
    assert result.error.message.startswith("TypeError: request to")


def test_fetch_without_handler_rejects() -> None:
    result = code("await fetch('http://example.org')")
    assert result.error is not None
    assert result.error.kind == "fetch"


def test_timeout_includes_fetch_time() -> None:
    async def slow(url: str, options: dict[str, Any]) -> dict[str, Any]:
        await asyncio.sleep(5)
        return {"status": 200, "body": ""}

    async def body(sb: Sandbox) -> CodeResult:
        await sb.run_code("", {})  # the worker started: the duration below is the run's alone
        return await sb.run_code("await fetch('http://slow')", {}, fetch=slow, timeout=0.2)

    result = with_sandbox(body)
    assert result.error is not None
    assert result.error.kind == "timeout"
    assert result.duration < 1


# --- limits ---------------------------------------------------------------------------------------


def test_infinite_loop_times_out_and_next_action_works() -> None:
    async def body(sb: Sandbox) -> tuple[CodeResult, CodeResult, CodeResult]:
        first = await sb.run_code("while (true) {}", {}, timeout=0.2)
        after_await = await sb.run_code("await null;\nwhile (true) {}", {}, timeout=0.2)
        nxt = await sb.run_code("ChatlayerResponseBuilder().addMessage(_.upperCase('ok')).send()", {})
        return first, after_await, nxt

    first, after_await, nxt = with_sandbox(body)
    assert first.error is not None and first.error.kind == "timeout"
    assert after_await.error is not None and after_await.error.kind == "timeout"
    assert nxt.error is None
    assert nxt.messages == [{"type": "text", "text": "OK"}]


def test_timeout_keeps_logs_and_what_was_sent() -> None:
    source = "console.log('before');\nChatlayerResponseBuilder().addMessage('hi').send();\nwhile (true) {}"
    result = code(source, timeout=0.2)
    assert result.error is not None and result.error.kind == "timeout"
    assert result.logs == [("log", "before")]
    assert result.sent and result.messages == [{"type": "text", "text": "hi"}]
    waiting = code("ChatlayerResponseBuilder().send();\nawait new Promise((r) => setTimeout(r, 10000));", timeout=0.2)
    assert waiting.sent and waiting.error is not None and waiting.error.kind == "timeout"


def test_send_twice_only_first_counts() -> None:
    result = code(
        "ChatlayerResponseBuilder().addMessage('a').send();\nChatlayerResponseBuilder().addMessage('b').send();"
    )
    assert result.messages == [{"type": "text", "text": "a"}]
    assert result.logs[0][0] == "warn"


def test_runaway_allocation_hits_memory_limit_and_next_action_works() -> None:
    async def body(sb: Sandbox) -> tuple[CodeResult, CodeResult]:
        first = await sb.run_code("const a = []; while (true) a.push(new Array(1e6).fill(1));", {}, timeout=10)
        nxt = await sb.run_code("ChatlayerResponseBuilder().addSessionVariable('n', _.sum([1, 2])).send()", {})
        return first, nxt

    first, nxt = with_sandbox(body)
    assert first.error is not None and first.error.kind == "memory"
    assert nxt.variables == {"n": 3}


def test_never_settling_promise_is_reported() -> None:
    result = code("await new Promise(() => {});", timeout=2)
    assert result.error is not None
    assert result.error.kind == "runtime"
    assert "never settle" in result.error.message


# --- errors ---------------------------------------------------------------------------------------


def test_thrown_error_line_and_column() -> None:
    source = "const a = 1;\nconst b = 2;\n  null.foo;\n"
    result = code(source)
    assert result.error is not None
    assert result.error.kind == "runtime"
    assert result.error.message == "TypeError: Cannot read properties of null (reading 'foo')"
    assert (result.error.line, result.error.column) == (3, 8)


def test_thrown_in_nested_function_and_after_await() -> None:
    source = "function f() {\n  throw new RangeError('deep');\n}\nawait null;\nf();"
    result = code(source)
    assert result.error is not None
    assert result.error.message == "RangeError: deep"
    assert (result.error.line, result.error.column) == (2, 9)


def test_thrown_non_error_value() -> None:
    result = code("throw 'plain';")
    assert result.error is not None
    assert result.error.message == "plain"


def test_syntax_error_line_and_column() -> None:
    result = code("const a = 1;\nlet x = ;\n")
    assert result.error is not None
    assert result.error.kind == "syntax"
    assert "SyntaxError" in result.error.message
    assert (result.error.line, result.error.column) == (2, 9)


def test_syntax_error_on_first_line_and_unclosed_block() -> None:
    first = code("a ===== b")
    assert first.error is not None and (first.error.line, first.error.column) == (1, 6)
    unclosed = code("if (x) {\n  y();\n")
    assert unclosed.error is not None and unclosed.error.kind == "syntax"
    assert unclosed.error.line is not None and unclosed.error.line >= 2


# --- isolation ------------------------------------------------------------------------------------


def test_no_globals_leak_between_actions() -> None:
    async def body(sb: Sandbox) -> CodeResult:
        await sb.run_code("leaked = 1; globalThis.x = 2; JSON.stringify = null; var local = 3;", {})
        return await sb.run_code(
            "console.log(typeof leaked, typeof x, typeof local, typeof JSON.stringify, typeof _.get)", {}
        )

    assert with_sandbox(body).logs == [("log", "undefined undefined undefined function function")]


def test_no_require_process_or_module() -> None:
    result = code("console.log(typeof require, typeof process, typeof module, typeof exports, typeof import.meta)")
    # import.meta is a syntax error outside modules: check it separately
    assert result.error is not None and result.error.kind == "syntax"
    result = code("console.log([typeof require, typeof process, typeof module, typeof exports].join())")
    assert result.logs == [("log", "undefined,undefined,undefined,undefined")]
    result = code("await import('fs')")
    assert result.error is not None


def test_sandbox_follows_the_running_loop() -> None:
    sb = Sandbox()

    async def once() -> int | None:
        return await sb.first_true(["a"], {"a": 1})

    assert asyncio.run(once()) == 0
    assert asyncio.run(once()) == 0
    asyncio.run(sb.close())


def test_custom_wrapper_is_used() -> None:
    seen: list[str] = []

    def wrap(source: str) -> WrappedSource:
        seen.append(source)
        return wrap_source(source)

    async def main() -> CodeResult:
        async with Sandbox(wrap=wrap) as sb:
            await sb.run_code("ChatlayerResponseBuilder().send()", {})
            return await sb.run_code("ChatlayerResponseBuilder().send()", {})

    assert run(main()).sent
    assert seen == ["ChatlayerResponseBuilder().send()"]  # compiled once, then cached
