"""Instrumenting code actions for statement stepping: where hooks go, which names they see, and that the
instrumented code behaves like the original in real V8."""

import asyncio
import re

import esprima
import pytest

from workbench.engine.instrument import InstrumentedSource, instrument, steppable_lines
from workbench.engine.sandbox import Halt, Sandbox

HOOK = re.compile(r"if\(__wbRun\.s\(__wbF,(\d+),(?:null|\(\)=>\(\{(.*?)\}\))\)\)await __wbRun\.w\(__wbF\);")


def hooks(source: str) -> list[tuple[int, list[str]]]:
    """(line, names in scope) of every hook, in text order."""
    text = instrument(source).text
    return [(int(m[1]), re.findall(r"(\w+):\(\)=>", m[2] or "")) for m in HOOK.finditer(text)]


def names_at(source: str, line: int) -> list[str]:
    found = [names for at, names in hooks(source) if at == line]
    assert found, f"no hook on line {line}"
    return found[0]


class Recorder:
    """A step handler that stops at every statement and remembers each stop."""

    held = 0.0

    def __init__(self) -> None:
        self.halts: list[Halt] = []

    def plan(self):
        return {"max": 10**6, "lines": [], "errors": True}

    async def halt(self, halt: Halt) -> None:
        self.halts.append(halt)

    def watch(self, changed):
        return lambda: None


def run(source: str, args=None, step=None):
    async def go():
        async with Sandbox() as sandbox:
            return await sandbox.run_code(source, args or {}, step=step)

    return asyncio.run(go())


def test_every_statement_gets_a_hook_on_its_own_line_and_no_line_moves():
    source = "const a = 1;\nlet b = a +\n  1;\n\nif (b) b++;\nreturn b;"
    wrapped = instrument(source)
    user_lines = wrapped.text.split("\n")[1:-1]
    assert len(user_lines) == len(source.split("\n"))
    assert [line for line, _ in hooks(source)] == [1, 2, 5, 5, 6]
    for line, _ in hooks(source):
        assert "__wbRun.s(__wbF," + str(line) + "," in user_lines[line - 1]
    assert steppable_lines(source) == {1, 2, 5, 6}


def test_a_hook_sees_params_variables_declared_so_far_loop_heads_catch_params_and_closures():
    source = """var early = 1;
const a = 1;
async function f(p, {q, r: [s]}) {
  let inner = p;
  return inner;
}
for (let i = 0; i < 2; i++) {
  i;
}
try { a(); } catch (err) {
  err;
}
const later = 2;"""
    assert names_at(source, 2) == ["early", "f"]  # `var` and function declarations are hoisted; `a` comes next
    assert names_at(source, 4) == ["early", "f", "a", "p", "q", "s"]
    assert names_at(source, 5) == ["early", "f", "a", "p", "q", "s", "inner"]
    assert names_at(source, 8) == ["early", "f", "a", "i"]
    assert names_at(source, 11) == ["early", "f", "a", "err"]
    assert names_at(source, 13) == ["early", "f", "a"]


def test_synchronous_functions_run_without_hooks():
    source = """const xs = [1, 2].map((x) => {
  const y = x * 2;
  return y;
});
function helper() {
  return 1;
}
const later = async () => {
  return helper();
};"""
    assert steppable_lines(source) == {1, 8, 9}  # a function declaration is not a step either


@pytest.mark.parametrize(
    "source",
    [
        "const o = {a: {b: 1}}; return o?.a?.b ?? 0;",
        "const {a, ...rest} = {a: 1, b: 2}; return rest;",
        "class K { static x = 1; async m() { return 2; } } return await new K().m();",
        "outer: for (const x of [1, 2]) { for (;;) { continue outer; } } return 1;",
        "switch (1) { case 1: let z = 1; return z; default: return 0; }",
        "let n = 0; do n++; while (n < 3); return n;",
        "const f = async function* () { yield 1; }; for await (const v of f()) return v;",
        "if (true) return 1; else if (false) return 2; else return 3;",
    ],
)
def test_newer_syntax_parses_and_instrumented_code_behaves_like_the_original(source):
    wrapped = instrument(source)
    assert isinstance(wrapped, InstrumentedSource)
    esprima.parseScript("(" + wrapped.text + ")")
    code = (
        f"const out = await (async () => {{ {source} }})();\n"
        "ChatlayerResponseBuilder().addSessionVariable('out', out).send();"
    )
    plain = run(code)
    stepped = run(code, step=Recorder())
    assert stepped.error is None and plain.error is None
    assert stepped.variables == plain.variables


def test_code_esprima_cannot_parse_runs_uninstrumented_and_v8_reports_the_error():
    source = "const a = ;"
    assert not isinstance(instrument(source), InstrumentedSource)
    assert steppable_lines(source) == frozenset()
    result = run(source, step=Recorder())
    assert result.error is not None and result.error.kind == "syntax"


def test_errors_keep_their_user_line_and_column_in_debug_mode():
    source = "const a = 1;\nconst q = null;\n  q.x = a;"

    class NoStops(Recorder):
        def plan(self):
            return {"max": -1, "lines": [], "errors": False}

    plain = run(source).error
    stepped = run(source, step=NoStops()).error
    assert (stepped.line, stepped.column) == (plain.line, plain.column) == (3, 7)


def test_a_variable_in_its_temporal_dead_zone_is_left_out_of_the_locals():
    source = """const result = await (async () => {
  return 1;
})();
ChatlayerResponseBuilder().addSessionVariable('result', result).send();"""
    recorder = Recorder()
    result = run(source, step=recorder)
    assert result.variables == {"result": 1}
    inner = next(h for h in recorder.halts if h.line == 2)
    assert "result" in names_at(source, 2) and "result" not in inner.locals
    assert recorder.halts[-1].locals == {"result": 1}


def test_locals_are_json_safe_snapshots():
    source = """const cyclic = {name: 'c'};
cyclic.self = cyclic;
const deep = {a: {b: {c: {d: {e: {f: {g: 1}}}}}}};
const odd = [undefined, NaN, 10n, () => 1, function named() {}, new Map([['k', 1]]), new Set([1]), new Date(0)];
ChatlayerResponseBuilder().send();"""
    recorder = Recorder()
    run(source, step=recorder)
    seen = recorder.halts[-1].locals
    assert seen["cyclic"] == {"name": "c", "self": "[Circular]"}
    assert seen["deep"] == {"a": {"b": {"c": {"d": {"e": {"f": "[Object]"}}}}}}
    assert seen["odd"] == [
        "undefined",
        "NaN",
        "10n",
        "function ()",
        "function named()",
        {"k": 1},
        [1],
        "1970-01-01T00:00:00.000Z",
    ]
