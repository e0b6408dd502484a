"""The JavaScript installed once per sandbox context: the runner, the builder, fetch, console, timers, conditions.

Everything lives on one frozen, non-configurable global `__wb`. Python talks to it only through evals
and calls of its functions that can be stopped (a code function compiled once is run again by calling
`__wb.call`, not by evaluating a script), and it talks back only through a one-way `ping` that carries no
data (reading a value from V8 while V8 runs user code would block the asyncio loop).

In debug mode (a run started with a plan) the instrumented code calls the run's step methods (`f`, `s`,
`w`, `e`, `o`, `x`; see `instrument.py`). The run decides in V8 whether a statement stops (the plan:
a frame depth up to which every statement stops, and breakpoint lines); a stop becomes a halt that Python
reads with `take` and answers with `go`.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

PRELUDE_URL = "wb-prelude.js"
CODE_URL = "code.js"
MAX_CONSOLE_BYTES = 64 * 2**10
"""Console text (UTF-8) one code action may log. The prelude stops keeping it just past this many bytes, so
that the rest never leaves the worker; the engine cuts it here and says so (`output_caps.cap_console`)."""
MAX_VALUE_BYTES = 2**20
"""The largest value (as JSON text, UTF-8) one `addSessionVariable` may hand over, and the largest message."""
MAX_RESULT_BYTES = 5 * 2**20
"""The most one `send()` may hand over: its variables' names and values and its messages, as JSON text."""
TOO_LARGE_MARGIN = 2
"""How far past those limits, counted in UTF-16 units of JSON text, the prelude refuses to hand a result over at
all. The engine counts UTF-8 bytes (names in characters), exactly; JavaScript's count of the same text is at most
twice that (a lone surrogate is 6 units escaped, 3 bytes; a name's astral character 2 units), so nothing within
the limits is refused there."""
TAINTED = '{"st":"tainted"}'
"""What the prelude's entry points answer, running nothing, in a realm that an earlier run tainted."""

PRELUDE_JS = r"""
(function () {
'use strict';
const G = globalThis;
const stringify = JSON.stringify;
const parse = JSON.parse;
const getNames = Object.getOwnPropertyNames;
const isArray = Array.isArray;
const ownKeys = Reflect.ownKeys;
const getProto = Object.getPrototypeOf;
const promiseThen = Promise.prototype.then;
const waitAsync = Atomics.waitAsync;
const hasOwn = Object.hasOwn;
const is = Object.is;
const MAX_LOGS = 1000;
const MAX_CONSOLE_BYTES = @MAX_CONSOLE_BYTES@;
const MAX_VALUE_CHARS = @MAX_VALUE_CHARS@;
const MAX_RESULT_CHARS = @MAX_RESULT_CHARS@;
const SNAP_DEPTH = 6;
const SNAP_ITEMS = 100;
const FROZEN = ['JSON', 'Math', 'Reflect', 'Atomics', 'Intl', 'console', 'WebAssembly', '_'];

let ping = () => {};
let current = null;
let baseline = null;
let lodash = undefined;
let timerSeq = 0;
let condIndex = -1;  // the condition being evaluated: still readable after a timeout stopped it
let openWaits = 0;  // Atomics.waitAsync calls of user code not settled yet
let needsCheck = false;  // a run or a decision ended and its clean-up and taint check are still to come
let dirty = false;  // the check found the realm tainted: nothing runs here any more
// Intrinsics whose own keys are counted at init: a run that adds to them (prototype pollution) or leaves a
// global or a wait behind taints the realm, and the engine replaces it. Overwriting an existing builtin
// method is not noticed (it lasts for the conversation).
const WATCHED = [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype,
  Boolean.prototype, Symbol.prototype, BigInt.prototype, Promise.prototype, RegExp.prototype, Date.prototype,
  Error.prototype, Map.prototype, Set.prototype, getProto(async function () {}), getProto(function* () {}),
  getProto([][Symbol.iterator]()), getProto(getProto([][Symbol.iterator]()))];
let watchedKeys = null;
let globalKeys = 0;
const codeFns = new Map();
const condFns = new Map();
const fetchErrors = new WeakSet();

function describe(e) {
  try {
    if (e !== null && typeof e === 'object' && 'message' in e) {
      return {name: String(e.name || 'Error'), message: String(e.message), stack: String(e.stack || ''),
        fetch: fetchErrors.has(e)};
    }
  } catch (ignored) { /* a hostile getter: fall through */ }
  return {name: '', message: fmt(e), stack: ''};
}

// Lone surrogates count 2 bytes here and 3 in the engine: the prelude never stops before the engine would cut.
function utf8Length(s) {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) n += c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 1 : 2;
  }
  return n;
}

function fmt(x) {
  try {
    if (typeof x === 'string') return x;
    if (x === undefined) return 'undefined';
    if (typeof x === 'function') return '[Function: ' + (x.name || '(anonymous)') + ']';
    if (typeof x !== 'object' || x === null) return String(x);
    if (x instanceof Error) return x.name + ': ' + x.message;
    const s = stringify(x);
    return s === undefined ? String(x) : s;
  } catch (e) {
    try { return String(x); } catch (e2) { return '[object]'; }
  }
}

// A JSON-safe picture of a value for the debugger: depth-limited, cycles cut, functions named.
function view(x, depth, seen) {
  switch (typeof x) {
    case 'undefined': return 'undefined';
    case 'number': return Number.isFinite(x) ? x : String(x);
    case 'bigint': return String(x) + 'n';
    case 'symbol': return String(x);
    case 'function': return 'function ' + (x.name || '') + '()';
    case 'string': case 'boolean': return x;
  }
  if (x === null) return null;
  if (seen.includes(x)) return '[Circular]';
  try {
    if (builderProto.isPrototypeOf(x)) return 'ChatlayerResponseBuilder';
    if (x instanceof Error) return x.name + ': ' + x.message;
    if (x instanceof Date) return isNaN(x) ? 'Invalid Date' : x.toISOString();
    if (x instanceof RegExp) return String(x);
    if (x instanceof Promise) return 'Promise';
    const list = Array.isArray(x) ? x : (x instanceof Set ? [...x] : null);
    if (depth >= SNAP_DEPTH) return list ? '[Array(' + list.length + ')]' : '[Object]';
    seen.push(x);
    try {
      if (list) {
        const out = list.slice(0, SNAP_ITEMS).map((v) => view(v, depth + 1, seen));
        if (list.length > SNAP_ITEMS) out.push('… ' + (list.length - SNAP_ITEMS) + ' more');
        return out;
      }
      const keys = x instanceof Map ? [...x.keys()] : Object.keys(x);
      const out = {};
      for (const k of keys.slice(0, SNAP_ITEMS)) {
        try { out[fmt(k)] = view(x instanceof Map ? x.get(k) : x[k], depth + 1, seen); }
        catch (e) { out[fmt(k)] = '[unreadable]'; }
      }
      if (keys.length > SNAP_ITEMS) out['…'] = (keys.length - SNAP_ITEMS) + ' more';
      return out;
    } finally { seen.pop(); }
  } catch (e) { return '[unreadable]'; }
}

function viewLocals(get) {
  const out = {};
  let thunks = null;
  try { thunks = get ? get() : null; } catch (e) { return out; }
  if (!thunks) return out;
  for (const name of Object.keys(thunks)) {
    let value;
    try { value = thunks[name](); } catch (e) { continue; }  // not initialised yet (temporal dead zone)
    out[name] = view(value, 0, []);
  }
  return out;
}

function tainted(globalsClean) {
  if (openWaits > 0 || !globalsClean) return true;
  for (let i = 0; i < WATCHED.length; i++) if (ownKeys(WATCHED[i]).length !== watchedKeys[i]) return true;
  return false;
}

// Baseline globals are locked at init (they cannot go), so more own keys than at init means a run added
// globals, and only those need to go. Whether the global object is back to its baseline.
function cleanupGlobals() {
  if (ownKeys(G).length === globalKeys) return true;
  for (const name of getNames(G)) {
    if (!baseline.has(name)) {
      try { if (!delete G[name]) G[name] = undefined; } catch (e) { /* non-writable: leave it */ }
    }
  }
  return ownKeys(G).length === globalKeys;
}

// The clean-up and taint check of what ended, once its microtasks have drained: the worker posts __wb.check()
// behind every answer (V8 runs it before anything posted later), and an entry point runs it first if that has
// not happened. Not while a run is under way: its globals are its own until it ends. Whether the realm is dirty.
function settled() {
  if (needsCheck && current === null) {
    needsCheck = false;
    if (tainted(cleanupGlobals())) dirty = true;
  }
  return dirty;
}

const TAINTED = '@TAINTED@';

class Run {
  constructor(id, args) {
    this.id = id;
    this.args = args;
    this.active = true;
    this.settled = false;
    this.sent = false;
    this.payload = null;
    this.error = null;
    this.logs = [];
    this.logBytes = 0;
    this.reqSeq = 0;
    this.reqs = new Map();
    this.newReqs = [];
    this.timers = new Set();
    this.debug = false;
    this.max = -1;
    this.bps = new Set();
    this.onError = false;
    this.frame = null;
    this.halts = [];
    this.builders = [];
    this.thrown = null;
  }
  fail(e) { if (!this.error) this.error = describe(e); }
  settle() { this.settled = true; }
  // Text past MAX_CONSOLE_BYTES is dropped here; what is kept goes just past it, for the engine to cut and say so.
  log(level, items) {
    if (this.logBytes > MAX_CONSOLE_BYTES) return;
    if (this.logs.length < MAX_LOGS) {
      let text = items.map(fmt).join(' ');
      const room = MAX_CONSOLE_BYTES - this.logBytes;
      // a UTF-16 unit is at least one byte in UTF-8: cut before measuring
      if (text.length > room) text = text.slice(0, room + 1);
      this.logBytes += utf8Length(text);
      this.logs.push([level, text]);
    } else if (this.logs.length === MAX_LOGS) this.logs.push(['warn', 'too many console messages; dropped the rest']);
  }
  send(payload) {
    if (!this.active) return;
    if (this.sent) { this.log('warn', ['send() was called more than once; only the first call counts']); return; }
    this.sent = true;
    this.payload = payload;
  }
  idle() { return this.reqs.size === 0 && this.timers.size === 0 && this.halts.length === 0; }
  done() {
    if (this.error) return true;
    if (this.settled) return this.sent || this.idle();
    if (this.idle()) {
      if (!this.sent) this.error = {name: 'Error', stack: '',
        message: 'the code is awaiting a promise that can never settle'};
      return true;
    }
    return false;
  }
  drain() { const r = this.newReqs; this.newReqs = []; return r; }
  // --- debug mode ---
  setPlan(plan) { this.max = plan.max; this.bps = new Set(plan.lines); this.onError = plan.errors; }
  f(name) { return {name, depth: this.frame ? this.frame.depth + 1 : 1, parent: this.frame, line: 0, get: null}; }
  s(frame, line, get) {
    frame.line = line;
    frame.get = get;
    this.frame = frame;
    return frame.depth <= this.max || this.bps.has(line);
  }
  w(frame) { return this.hold('statement', frame, null); }
  e(frame, error) { if (!this.thrown || this.thrown.error !== error) this.thrown = {error, frame}; }
  o(frame) { if (this.frame === frame) this.frame = frame.parent; }
  x(frame, error) {
    if (!this.onError) return undefined;
    const thrown = this.thrown;
    return this.hold('exception', thrown && thrown.error === error ? thrown.frame : frame, error);
  }
  hold(where, frame, error) {
    const halt = stringify({where, line: frame.line, function: frame.name, depth: frame.depth,
      locals: viewLocals(frame.get), builder: this.queued(), console: this.logs,
      error: error === null ? null : describe(error)});
    return new Promise((resolve) => { this.halts.push({json: halt, go: resolve}); ping(); });
  }
  queued() {
    const variables = {};
    const messages = [];
    let next = null;
    for (const s of this.builders) {
      for (const [namespace, data] of s.vars) variables[namespace] = view(data, 1, []);
      for (const message of s.msgs) messages.push(view(message, 1, []));
      if (s.next !== null) next = s.next;
    }
    return {variables, messages, next_state: next};
  }
}

const str = (x) => (x == null ? '' : String(x));

const builderProto = {
  addSessionVariable(namespace, data) {
    const frame = this.__s.run.frame;
    this.__s.vars.push(frame ? [String(namespace), data, frame.line] : [String(namespace), data]);
    return this;
  },
  // the older code-action page's name for addSessionVariable
  setSessionVariable(namespace, data) { return this.addSessionVariable(namespace, data); },
  addMessage(text) { this.__s.msgs.push(['text', str(text)]); return this; },
  setNextDialogState(id) { this.__s.next = id == null ? null : String(id); return this; },
  addQuickReplies(options) { this.__s.msgs.push(['quick_replies', options]); return this; },
  addButtonGroup(options) { this.__s.msgs.push(['buttons', options]); return this; },
  addCarousel(cards) { this.__s.msgs.push(['carousel', cards]); return this; },
  addHtml(html, options) { this.__s.msgs.push(['html', str(html), options || {}]); return this; },
  addIframe(url, options) { this.__s.msgs.push(['iframe', str(url), options || {}]); return this; },
  addMediaMessage(media) { this.__s.msgs.push(['media', media]); return this; },
  send() {
    const s = this.__s;
    s.run.send(payloadText(s));
    return this;
  },
};

// JSON text of an item of a list, as stringify writes it there (null for what JSON cannot hold).
function itemText(x) { const t = stringify(x); return t === undefined ? 'null' : t; }

// What send() hands over: stringify({vars, msgs, next}), each value and message written once. A value, a message
// or the whole (its names, values and messages, as the engine counts it) far past the engine's limits is not
// handed over, only its size: reading it back would cost the engine far more than making it cost here.
function payloadText(s) {
  let vars = '';
  let total = 0;
  for (let i = 0; i < s.vars.length; i++) {
    const entry = s.vars[i];
    const value = itemText(entry[1]);
    if (value.length > MAX_VALUE_CHARS) return stringify({tooLarge: value.length, name: entry[0]});
    total += entry[0].length + value.length;
    vars += (i ? ',[' : '[') + stringify(entry[0]) + ',' + value + (entry.length > 2 ? ',' + entry[2] : '') + ']';
  }
  let msgs = '';
  for (let i = 0; i < s.msgs.length; i++) {
    const message = itemText(s.msgs[i]);
    if (message.length > MAX_VALUE_CHARS) return stringify({tooLarge: message.length, message: i + 1});
    total += message.length;
    msgs += (i ? ',' : '') + message;
  }
  if (total > MAX_RESULT_CHARS) return stringify({tooLarge: total});
  return '{"vars":[' + vars + '],"msgs":[' + msgs + '],"next":' + itemText(s.next) + '}';
}
Object.freeze(builderProto);

function makeBuilderFactory(run) {
  return function ChatlayerResponseBuilder() {
    const b = Object.create(builderProto);
    const s = {run, vars: [], msgs: [], next: null};
    Object.defineProperty(b, '__s', {value: s});
    if (run.debug) run.builders.push(s);
    return b;
  };
}

function makeConsole(run) {
  const c = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) c[level] = (...items) => run.log(level, items);
  c.trace = (...items) => run.log('debug', items);
  return Object.freeze(c);
}

function makeHeaders(raw) {
  const h = {};
  if (raw && typeof raw === 'object') for (const k of Object.keys(raw)) h[k.toLowerCase()] = String(raw[k]);
  const methods = {
    get(name) { const k = String(name).toLowerCase(); return hasOwn(h, k) ? h[k] : null; },
    has(name) { return hasOwn(h, String(name).toLowerCase()); },
    forEach(fn) { for (const k of Object.keys(h)) fn(h[k], k, h); },
    keys() { return Object.keys(h)[Symbol.iterator](); },
    values() { return Object.values(h)[Symbol.iterator](); },
    entries() { return Object.entries(h)[Symbol.iterator](); },
    raw() { const r = {}; for (const k of Object.keys(h)) r[k] = [h[k]]; return r; },
  };
  for (const k of Object.keys(methods)) Object.defineProperty(h, k, {value: methods[k]});
  Object.defineProperty(h, Symbol.iterator, {value: methods.entries});
  return h;
}

function makeResponse(url, d) {
  const status = Number.isInteger(d.status) ? d.status : 200;
  const body = d.body == null ? '' : String(d.body);
  let used = false;
  const consume = () => {
    if (used) return Promise.reject(new TypeError('body used already for: ' + url));
    used = true;
    return Promise.resolve(body);
  };
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: d.statusText == null ? '' : String(d.statusText),
    headers: makeHeaders(d.headers),
    url,
    redirected: false,
    get bodyUsed() { return used; },
    text: consume,
    json() {
      return consume().then((text) => {
        try { return parse(text); } catch (e) {
          const err = new Error('invalid json response body at ' + url + ' reason: ' + e.message);
          err.name = 'FetchError';
          throw err;
        }
      });
    },
  };
}

function normaliseOptions(o) {
  o = o || {};
  const headers = {};
  const h = o.headers;
  if (Array.isArray(h)) { for (const pair of h) headers[String(pair[0])] = String(pair[1]); }
  else if (h && typeof h.forEach === 'function' && typeof h.get === 'function') {
    h.forEach((v, k) => { headers[k] = String(v); });
  }
  else if (h && typeof h === 'object') for (const k of Object.keys(h)) headers[k] = String(h[k]);
  return {method: String(o.method || 'GET').toUpperCase(), headers, body: o.body == null ? null : String(o.body)};
}

function makeFetch(run) {
  return function fetch(url, options) {
    return new Promise((resolve, reject) => {
      if (!run.active) { reject(new TypeError('fetch after the code action ended')); return; }
      const req = {id: ++run.reqSeq, url: String(url), options: normaliseOptions(options)};
      // The rejection is created later by the prelude: keep the caller's frames for its line number.
      const site = new Error().stack.split('\n').slice(1).join('\n');
      run.reqs.set(req.id, {resolve, reject, url: req.url, site});
      run.newReqs.push(req);
    });
  };
}

function sleep(ms) {
  return waitAsync(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(1, Number(ms) || 0)).value;
}

// Atomics.waitAsync as user code sees it: counted while pending, so that a wait outliving its run taints.
function countedWaitAsync(typedArray, index, value, timeout) {
  const result = waitAsync(typedArray, index, value, timeout);
  if (result.async) {
    openWaits++;
    const settled = () => { openWaits--; };
    promiseThen.call(result.value, settled, settled);
  }
  return result;
}

function addTimer(fn, delay, rest, repeat) {
  const id = ++timerSeq;
  const run = current;
  if (!run) return id;
  run.timers.add(id);
  const tick = () => sleep(delay).then(() => {
    if (!run.active || !run.timers.has(id)) return;
    if (!repeat) run.timers.delete(id);
    try { if (typeof fn === 'function') fn(...rest); } catch (e) { run.fail(e); }
    ping();
    if (repeat) tick();
  });
  tick();
  return id;
}

function clearTimer(id) { if (current) current.timers.delete(id); }

function finish(run) {
  run.active = false;
  current = null;
  needsCheck = true;
  return '{"st":"done","sent":' + run.sent + ',"payload":' + (run.payload || 'null') +
    ',"logs":' + ownJson(run.logs) + ',"error":' + (run.error ? ownJson(run.error) : 'null') + '}';
}

// The prelude's own lists and objects of strings as JSON, written part by part: a toJSON that user code put on
// Object.prototype would run on them inside stringify, and could throw there (for strings it is never looked up).
function ownJson(x) {
  if (x === null || typeof x !== 'object') return itemText(x);
  let text = '';
  if (isArray(x)) {
    for (let i = 0; i < x.length; i++) text += (i ? ',' : '') + ownJson(x[i]);
    return '[' + text + ']';
  }
  const names = getNames(x);
  for (let i = 0; i < names.length; i++) text += (i ? ',' : '') + stringify(names[i]) + ':' + ownJson(x[names[i]]);
  return '{' + text + '}';
}

function pending(run) {
  const halt = run.halts.length ? run.halts[0].json : 'null';
  return '{"st":"pending","reqs":' + stringify(run.drain()) + ',"halt":' + halt + '}';
}

const internalDefault = Object.freeze({});
const scopeHandler = {
  has(target, key) { return typeof key === 'string'; },
  get(target, key) {
    if (typeof key !== 'string') return undefined;
    if (hasOwn(target, key)) return target[key];
    if (key === 'internal') return internalDefault;
    return baseline.get(key);
  },
  set(target, key, value) { target[key] = value; return true; },
};

function errorText(d) { return d.name ? d.name + ': ' + d.message : d.message; }

function firstTrue(ids, defs, varsJson) {
  condIndex = -1;
  for (const k of Object.keys(defs)) {
    let f;
    try { f = new Function('__wbScope', 'with (__wbScope) { return (' + defs[k] + '\n); }'); }
    catch (e) { f = describe(e); }
    condFns.set(Number(k), f);
  }
  const scope = new Proxy(parse(varsJson), scopeHandler);
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] < 0) return i;
    condIndex = i;
    const f = condFns.get(ids[i]);
    if (f === undefined) return [i, 'the condition was not compiled'];
    if (typeof f !== 'function') return [i, errorText(f)];
    let value;
    try { value = f.call(scope, scope); } catch (e) { return [i, errorText(describe(e))]; }
    if (value) return i;
  }
  return -1;
}

function start(runId, fnId, args, plan) {
  const fn = codeFns.get(fnId);
  const run = new Run(runId, args);
  if (plan) { run.debug = true; run.setPlan(plan); }
  current = run;
  try {
    fn(run.args, makeBuilderFactory(run), makeFetch(run), makeConsole(run), lodash, run);
  } catch (e) { run.fail(e); run.settle(); }
  if (run.settled && (run.sent || run.error)) return finish(run);
  return pending(run);
}

const W = {
  init(pingFn) {
    ping = pingFn;
    lodash = G._;
    G.setTimeout = (fn, delay, ...rest) => addTimer(fn, delay, rest, false);
    G.setInterval = (fn, delay, ...rest) => addTimer(fn, delay, rest, true);
    G.clearTimeout = clearTimer;
    G.clearInterval = clearTimer;
    Atomics.waitAsync = countedWaitAsync;
    baseline = new Map(getNames(G).map((n) => [n, G[n]]));
    // Lock the global bindings and freeze namespaces and constructors; prototypes stay unfrozen
    // (freezing them breaks ordinary assignments such as `obj.toString = ...`).
    for (const [name, value] of baseline) {
      const desc = Object.getOwnPropertyDescriptor(G, name);
      if (desc.configurable) Object.defineProperty(G, name, {value, writable: false, configurable: false});
      if ((typeof value === 'function' && /^[A-Z]/.test(name)) || FROZEN.includes(name)) Object.freeze(value);
    }
    watchedKeys = WATCHED.map((p) => ownKeys(p).length);
    globalKeys = ownKeys(G).length;
    return true;
  },
  reset() { codeFns.clear(); condFns.clear(); },
  condIndex() { return condIndex; },
  check() { settled(); return 0; },
  // Whether the realm is tainted (a watch expression must not run in it).
  dirty() { return settled(); },
  // A run's state as JSON text; '{"st":"tainted"}' when an earlier run tainted the realm (nothing ran).
  run(runId, fnId, argsJson, fn, plan) {
    if (settled()) return TAINTED;
    if (fn) codeFns.set(fnId, fn);
    return start(runId, fnId, parse(argsJson), plan);
  },
  // `run` of a function compiled by an earlier run, called (not evaluated: no script to compile) with its
  // parameters as `this`, the JSON text of [runId, fnId, plan, args].
  call() {
    if (settled()) return TAINTED;
    const p = parse(this);
    return start(p[0], p[1], p[3], p[2]);
  },
  take(runId) {
    const run = current;
    if (!run || run.id !== runId) return '{"st":"gone"}';
    return run.done() ? finish(run) : pending(run);
  },
  go(runId, plan) {
    const run = current;
    if (!run || run.id !== runId) return 0;
    run.setPlan(plan);
    const halt = run.halts.shift();
    if (halt) halt.go();
    return 1;
  },
  plan(runId, plan) {
    const run = current;
    if (run && run.id === runId) run.setPlan(plan);
    return 1;
  },
  abort(runId) {
    const run = current;
    return run && run.id === runId ? finish(run) : '{"st":"gone"}';
  },
  resume(runId, reqId, ok, data) {
    const run = current;
    if (!run || run.id !== runId) return 0;
    const req = run.reqs.get(reqId);
    if (!req) return 0;
    run.reqs.delete(reqId);
    if (ok) req.resolve(makeResponse(req.url, parse(data)));
    else {
      const err = new TypeError(data);
      err.stack = 'TypeError: ' + data + '\n' + req.site;
      fetchErrors.add(err);
      req.reject(err);
    }
    return 1;
  },
  // The index of the first true condition (-1: none) as a number; as a JSON string [index, error] when a
  // condition failed; '{"st":"tainted"}' when an earlier run tainted the realm (nothing ran).
  first(ids, defs, varsJson) {
    if (settled()) return TAINTED;
    const out = firstTrue(ids, defs, varsJson);
    needsCheck = true;
    return typeof out === 'number' ? out : stringify(out);
  },
  // `first` for bounded conditions (condition_safety.py), which cannot leave a global or change a builtin:
  // the same answer without the clean-up and the taint check.
  decide(ids, defs, varsJson) {
    const out = firstTrue(ids, defs, varsJson);
    return typeof out === 'number' ? out : stringify(out);
  },
};

Object.defineProperty(G, '__wb', {value: Object.freeze(W), writable: false, enumerable: false, configurable: false});
})();
"""
PRELUDE_JS = (
    PRELUDE_JS.replace("@MAX_CONSOLE_BYTES@", str(MAX_CONSOLE_BYTES))
    .replace("@MAX_VALUE_CHARS@", str(int(MAX_VALUE_BYTES * TOO_LARGE_MARGIN)))
    .replace("@MAX_RESULT_CHARS@", str(int(MAX_RESULT_BYTES * TOO_LARGE_MARGIN)))
    .replace("@TAINTED@", TAINTED)
)


@functools.cache
def lodash_source() -> str:
    """The text of lodash.min.js shipped by the `js.lodash` package (read once per process).

    The package is located, not imported: importing it pulls in fanstatic and WebOb.
    """
    spec = importlib.util.find_spec("js.lodash")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the js.lodash package is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return (folder / "resources" / "js" / "lodash.min.js").read_text(encoding="utf-8")
