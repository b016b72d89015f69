import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SandboxError, SandboxPool } from './pool.ts';

/**
 * An attack corpus: each entry is user code that tries to reach the host, to break out of its
 * limits, or to change what later evaluations see. It must either fail with a clear SandboxError
 * or return a value proving it got nowhere; the host realm must be unaffected, and evaluations
 * after it must see a clean realm. Add a row to extend it.
 */
interface Attack {
  readonly name: string;
  /** Run as a script body (runScript). */
  readonly script?: string;
  /** Run as an expression (evaluateExpressions); an undefined result counts as null. */
  readonly expression?: string;
  /** The step fails with a SandboxError whose message matches… */
  readonly fails?: RegExp;
  /** …or returns exactly this (plain JSON) value. */
  readonly returns?: unknown;
  /** Expressions a later evaluation runs (as an expression and as a script), with what a clean realm answers. */
  readonly later?: ReadonlyArray<readonly [source: string, expected: unknown]>;
}

const TIMEOUT_MS = 250;
const MAX_OUTPUT_BYTES = 100_000;
/** Where this checkout lives, wherever that is: a host path in a stack trace or message starts with it. */
const CHECKOUT = resolve(import.meta.dirname, '../..');
const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Written into scripts as a literal: a RegExp's text escapes its `/` by itself.
const HOST_PATH = new RegExp(`${literally(CHECKOUT)}|node:|file://|node_modules`);

const attacks: Attack[] = [
  // Host objects and modules
  { name: 'process', script: 'return process.pid;', fails: /ReferenceError: process is not defined/ },
  { name: 'typeof process', expression: 'typeof process', script: 'return typeof process;', returns: 'undefined' },
  {
    name: 'require',
    script: 'return require("fs").readFileSync("/etc/passwd", "utf8");',
    fails: /ReferenceError: require is not defined/,
  },
  {
    name: 'module, exports, Buffer, global',
    expression: '[typeof module, typeof exports, typeof Buffer, typeof global]',
    returns: ['undefined', 'undefined', 'undefined', 'undefined'],
  },
  {
    name: 'dynamic import (script)',
    script: 'const fs = await import("fs"); return fs.readFileSync("/etc/passwd", "utf8");',
    fails: /not supported/i,
  },
  { name: 'dynamic import (expression)', expression: 'import("fs")', fails: /not supported/i },
  {
    name: 'fetch, structuredClone, XMLHttpRequest',
    expression: '[typeof fetch, typeof structuredClone, typeof XMLHttpRequest]',
    returns: ['undefined', 'undefined', 'undefined'],
  },

  // Climbing to a Function constructor
  {
    name: 'globalThis.constructor.constructor',
    script: 'return globalThis.constructor.constructor("return process")();',
    fails: /ReferenceError: process is not defined/,
  },
  {
    name: 'globalThis.constructor.constructor (expression)',
    expression: 'globalThis.constructor.constructor("return process")()',
    fails: /ReferenceError: process is not defined/,
  },
  {
    name: 'this.constructor.constructor',
    expression: 'this.constructor.constructor("return process")()',
    fails: /TypeError: Cannot read properties of undefined/,
  },
  { name: 'this in a script', script: 'return typeof this;', returns: 'undefined' },
  {
    name: 'Function("return this")().process',
    script: 'const g = Function("return this")(); return [typeof g.process, typeof g.require, Object.isFrozen(g)];',
    returns: ['undefined', 'undefined', true],
  },
  {
    name: 'constructor of an arrow function',
    expression: '(() => 0).constructor("return typeof process")()',
    returns: 'undefined',
  },
  {
    name: 'AsyncFunction constructor',
    script: 'return await Object.getPrototypeOf(async function () {}).constructor("return typeof process")();',
    returns: 'undefined',
  },
  {
    name: 'GeneratorFunction constructor',
    script: 'return Object.getPrototypeOf(function* () {}).constructor("yield typeof process")().next().value;',
    returns: 'undefined',
  },
  {
    name: 'eval is allowed, without host access',
    script: 'return [eval("1 + 1"), eval("typeof process"), eval("typeof require")];',
    returns: [2, 'undefined', 'undefined'],
  },
  {
    name: 'new Function is allowed, without host access',
    expression: 'new Function("a", "b", "return [a + b, typeof process]")(1, 2)',
    returns: [3, 'undefined'],
  },
  {
    name: 'strict eval declares nothing global',
    script: 'eval("var leaked = 1"); return typeof leaked;',
    returns: 'undefined',
    later: [['typeof leaked', 'undefined']],
  },
  {
    name: 'indirect (sloppy) eval var',
    script: '(0, eval)("var leaked = 1"); return typeof leaked;',
    fails: /TypeError: Cannot add property leaked/,
    later: [['typeof leaked', 'undefined']],
  },
  {
    name: 'sloppy Function assignment',
    script: 'Function("leaked = 1")(); return typeof leaked;',
    returns: 'undefined',
    later: [['typeof leaked', 'undefined']],
  },

  // Prototype pollution
  {
    name: '__proto__ pollution',
    script: '({}).__proto__.polluted = "yes";',
    fails: /TypeError: Cannot add property polluted, object is not extensible/,
    later: [['({}).polluted', null]],
  },
  {
    name: 'Object.prototype pollution',
    expression: '(Object.prototype.polluted = "yes")',
    fails: /TypeError: Cannot add property polluted/,
    later: [['({}).polluted', null]],
  },
  {
    name: 'defineProperty on Object.prototype',
    script: 'Object.defineProperty(Object.prototype, "polluted", { value: "yes", enumerable: true });',
    fails: /TypeError: Cannot define property polluted/,
    later: [['Object.keys(Object.prototype).length', 0]],
  },
  {
    name: 'setPrototypeOf(Object.prototype)',
    script: 'Object.setPrototypeOf(Object.prototype, { polluted: "yes" });',
    fails: /TypeError/,
    later: [['({}).polluted', null]],
  },
  {
    name: 'setPrototypeOf(globalThis)',
    script: 'Object.setPrototypeOf(globalThis, { polluted: "yes" });',
    fails: /TypeError/,
    later: [['typeof polluted', 'undefined']],
  },
  {
    name: '__proto__ key in input data',
    script: 'return [input.polluted === undefined, ({}).polluted === undefined, Object.keys(input)];',
    returns: [true, true, ['__proto__', 'n']],
  },
  {
    name: '__proto__ key in the result',
    script: 'return JSON.parse(\'{"__proto__": {"polluted": "yes"}}\');',
    returns: JSON.parse('{"__proto__": {"polluted": "yes"}}'),
  },
  {
    name: 'Array.prototype.map override',
    script: 'Array.prototype.map = () => "hijacked";',
    fails: /TypeError: Cannot assign to read only property 'map'/,
    later: [['[1, 2].map((x) => x * 2)', [2, 4]]],
  },
  {
    name: 'Array.prototype.map override (expression)',
    expression: '(Array.prototype.map = () => "hijacked")',
    fails: /TypeError/,
    later: [['[1, 2].map((x) => x * 2)', [2, 4]]],
  },
  {
    name: 'String.prototype.trim override',
    script: 'String.prototype.trim = () => "hijacked";',
    fails: /TypeError/,
    later: [['" a ".trim()', 'a']],
  },
  {
    name: 'JSON.stringify override',
    script: 'JSON.stringify = () => "{\\"ok\\":\\"hijacked\\"}";',
    fails: /TypeError/,
    later: [['JSON.stringify({ a: 1 })', '{"a":1}']],
  },
  {
    name: 'Promise.prototype.then override',
    script: 'Promise.prototype.then = function () {};',
    fails: /TypeError/,
    later: [['Promise.resolve(1).then === Promise.prototype.then', true]],
  },
  {
    name: 'Date.prototype.toJSON override',
    script: 'Date.prototype.toJSON = () => "hijacked";',
    fails: /TypeError/,
    later: [['new Date(0).toJSON()', '1970-01-01T00:00:00.000Z']],
  },
  {
    name: 'RegExp.prototype.exec override',
    script: 'RegExp.prototype.exec = () => null;',
    fails: /TypeError/,
    later: [['"a-b".split(/-/)', ['a', 'b']]],
  },
  {
    name: 'generator prototype next override',
    script: 'Object.getPrototypeOf(function* () {}).prototype.next = () => ({ done: true });',
    fails: /TypeError/,
    later: [['[...(function* () { yield 1; })()]', [1]]],
  },
  {
    name: 'array iterator next override',
    script: 'Object.getPrototypeOf([][Symbol.iterator]()).next = () => ({ done: true });',
    fails: /TypeError/,
    later: [['[...[1, 2]]', [1, 2]]],
  },
  {
    name: 'async function prototype pollution',
    script: 'Object.getPrototypeOf(async function () {}).polluted = "yes";',
    fails: /TypeError/,
    later: [['typeof Object.getPrototypeOf(async function () {}).polluted', 'undefined']],
  },
  {
    name: 'Object.freeze override',
    script: 'Object.freeze = (o) => o;',
    fails: /TypeError/,
    later: [['Object.isFrozen(Object.freeze({}))', true]],
  },

  // Globals carried to the next evaluation
  {
    name: 'globalThis.x = 1',
    script: 'globalThis.x = 1;',
    fails: /TypeError: Cannot add property x, object is not extensible/,
    later: [['typeof x', 'undefined']],
  },
  {
    name: 'globalThis.x = 1 (expression)',
    expression: '(globalThis.x = 1)',
    fails: /TypeError/,
    later: [['typeof x', 'undefined']],
  },
  {
    name: 'sloppy assignment x = 1',
    script: 'x = 1;',
    fails: /ReferenceError: x is not defined/,
    later: [['typeof x', 'undefined']],
  },
  {
    name: 'sloppy assignment x = 1 (expression)',
    expression: '(x = 1)',
    fails: /ReferenceError: x is not defined/,
    later: [['typeof x', 'undefined']],
  },
  {
    name: 'defineProperty(globalThis)',
    script: 'Object.defineProperty(globalThis, "x", { value: 1 });',
    fails: /TypeError/,
    later: [['typeof x', 'undefined']],
  },
  {
    name: 'Reflect.defineProperty(globalThis)',
    script: 'return Reflect.defineProperty(globalThis, "x", { value: 1 });',
    returns: false,
    later: [['typeof x', 'undefined']],
  },
  {
    name: 'delete a global',
    script: 'delete globalThis.JSON;',
    fails: /TypeError: Cannot delete property 'JSON'/,
    later: [['typeof JSON', 'object']],
  },
  {
    name: 'RegExp.$1 from a previous match',
    expression: '/(secret-\\d+)/.exec("token secret-42")[1]',
    returns: 'secret-42',
    later: [
      [
        '[typeof RegExp.$1, typeof RegExp.lastMatch, typeof RegExp.input, typeof RegExp.leftContext]',
        ['undefined', 'undefined', 'undefined', 'undefined'],
      ],
    ],
  },
  {
    name: 'RegExp.$1 from a previous match (script)',
    script: '"token secret-42".replace(/(secret-\\d+)/, "x"); return RegExp["$&"];',
    returns: null,
    later: [['typeof RegExp.$1', 'undefined']],
  },
  {
    name: 'RegExp.$1 assignment',
    script: 'RegExp.$1 = "planted";',
    fails: /TypeError/,
    later: [['typeof RegExp.$1', 'undefined']],
  },

  // Stack traces
  {
    name: 'Error.prepareStackTrace to read call sites',
    script: 'Error.prepareStackTrace = (error, frames) => frames.map((f) => f.getThis()); return new Error("x").stack;',
    fails: /TypeError: Cannot add property prepareStackTrace/,
    later: [['typeof Error.prepareStackTrace', 'undefined']],
  },
  {
    name: 'Error.stackTraceLimit',
    script: 'Error.stackTraceLimit = Infinity;',
    fails: /TypeError: Cannot assign to read only property 'stackTraceLimit'/,
  },
  {
    name: 'Error.captureStackTrace on an intrinsic',
    script: 'Error.captureStackTrace(Object.prototype);',
    fails: /TypeError: Cannot define property stack/,
    later: [['typeof ({}).stack', 'undefined']],
  },
  {
    name: 'Error.captureStackTrace on globalThis',
    script: 'Error.captureStackTrace(globalThis);',
    fails: /TypeError/,
    later: [['typeof stack', 'undefined']],
  },
  {
    name: 'Error.captureStackTrace shows no host paths',
    script: `const o = {}; Error.captureStackTrace(o); return ${HOST_PATH}.test(o.stack + new Error("x").stack);`,
    returns: false,
  },

  // Shared memory, blocking and weak references
  {
    name: 'Atomics.wait',
    script: 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);',
    fails: /ReferenceError: (Atomics|SharedArrayBuffer) is not defined/,
  },
  {
    name: 'SharedArrayBuffer',
    script: 'return new SharedArrayBuffer(8).byteLength;',
    fails: /ReferenceError: SharedArrayBuffer is not defined/,
  },
  { name: 'WebAssembly', script: 'return WebAssembly.Module;', fails: /ReferenceError: WebAssembly is not defined/ },
  {
    name: 'WeakRef and FinalizationRegistry',
    expression:
      '[typeof Atomics, typeof SharedArrayBuffer, typeof WebAssembly, typeof WeakRef, typeof FinalizationRegistry]',
    returns: ['undefined', 'undefined', 'undefined', 'undefined', 'undefined'],
  },
  {
    name: 'FinalizationRegistry callback',
    script: 'new FinalizationRegistry(() => {}).register({}, 1);',
    fails: /ReferenceError: FinalizationRegistry is not defined/,
  },

  // Timers and endless work
  {
    name: 'setTimeout loop',
    script: 'setTimeout(function tick() { setTimeout(tick, 0); }, 0); return 1;',
    fails: /ReferenceError: setTimeout is not defined/,
  },
  {
    name: 'setInterval loop',
    script: 'setInterval(() => {}, 0); return 1;',
    fails: /ReferenceError: setInterval is not defined/,
  },
  {
    name: 'queueMicrotask loop',
    script: 'queueMicrotask(function tick() { queueMicrotask(tick); }); return 1;',
    fails: /ReferenceError: queueMicrotask is not defined/,
  },
  {
    name: 'promise microtask loop left running',
    script: '(function loop() { Promise.resolve().then(loop); })(); return 1;',
    fails: /ran longer than/,
  },
  {
    name: 'promise microtask loop (expression)',
    expression: '((function loop() { Promise.resolve().then(loop); })(), 1)',
    fails: /ran longer than/,
  },
  { name: 'a thenable that never settles', script: 'return { then() {} };', fails: /ran longer than/ },
  {
    name: 'recursion that catches its own stack overflow',
    script: 'function f() { try { f(); } catch { f(); } } f();',
    fails: /ran longer than/,
  },
  {
    name: 'a getter on the result that loops',
    script: 'return { get a() { for (;;) {} } };',
    fails: /ran longer than/,
  },

  // Symbols
  {
    name: 'Symbol.iterator on Array.prototype',
    script: 'Object.defineProperty(Array.prototype, Symbol.iterator, { value: function* () { yield "hijacked"; } });',
    fails: /TypeError: Cannot redefine property/,
    later: [['[...[1, 2]]', [1, 2]]],
  },
  {
    name: 'Symbol.toStringTag on Object.prototype',
    script: 'Object.prototype[Symbol.toStringTag] = "Evil";',
    fails: /TypeError/,
    later: [['String({})', '[object Object]']],
  },
  {
    name: 'Symbol.toPrimitive on Symbol.prototype',
    script: 'Symbol.prototype[Symbol.toPrimitive] = () => "x";',
    fails: /TypeError/,
  },
  {
    name: 'Symbol.hasInstance on Function.prototype',
    script: 'Object.defineProperty(Function.prototype, Symbol.hasInstance, { value: () => true });',
    fails: /TypeError/,
    later: [['({}) instanceof Array', false]],
  },
  {
    name: 'symbols in the result are dropped',
    script: 'return { visible: 1, [Symbol("hidden")]: 2, s: Symbol.for("x") };',
    returns: { visible: 1 },
  },

  // Results that are not plain data
  {
    name: 'a getter on the returned object',
    script: 'return { n: 1, get secret() { return typeof process; } };',
    returns: { n: 1, secret: 'undefined' },
  },
  {
    name: 'a toJSON on the returned object',
    script: 'return { toJSON() { return { plain: true }; } };',
    returns: { plain: true },
  },
  {
    name: 'a getter that throws',
    script: 'return { get a() { throw new Error("from getter"); } };',
    fails: /Error: from getter/,
  },
  {
    name: 'functions, undefined and class instances in the result',
    script:
      'class Secret { constructor() { this.v = 1; } leak() {} } return { f() {}, u: undefined, s: new Secret(), d: new Date(0) };',
    returns: { s: { v: 1 }, d: '1970-01-01T00:00:00.000Z' },
  },
  {
    name: 'a Proxy as result',
    script: 'return new Proxy({ a: 1 }, { get: (target, key) => (key === "a" ? typeof process : target[key]) });',
    returns: { a: 'undefined' },
  },
  { name: 'a Proxy as result (expression)', expression: 'new Proxy([1, 2], {})', returns: [1, 2] },
  {
    name: 'a Proxy whose traps throw',
    script: 'return new Proxy({}, { ownKeys() { throw new Error("trap"); } });',
    fails: /Error: trap/,
  },
  {
    name: 'a revoked Proxy',
    script: 'const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy;',
    fails: /TypeError: Cannot perform 'get' on a proxy that has been revoked/,
  },
  { name: 'a BigInt result', script: 'return 10n;', fails: /TypeError: Do not know how to serialize a BigInt/ },
  {
    name: 'a huge string result',
    script: 'return "x".repeat(1_000_000);',
    fails: new RegExp(`result is larger than ${MAX_OUTPUT_BYTES} bytes`),
  },
  {
    name: 'a huge string result (expression)',
    expression: '"x".repeat(1_000_000)',
    fails: new RegExp(`result is larger than ${MAX_OUTPUT_BYTES} bytes`),
  },
  {
    name: 'a string longer than V8 allows',
    script: 'let s = "x"; for (let i = 0; i < 40; i++) s += s; return s;',
    fails: /RangeError: Invalid string length/,
  },

  // Stack overflow
  {
    name: 'deep recursion',
    script: 'const f = (n) => f(n + 1); return f(0);',
    fails: /RangeError: Maximum call stack size exceeded/,
  },
  {
    name: 'deep recursion (expression)',
    expression: '(function f(n) { return f(n + 1); })(0)',
    fails: /RangeError: Maximum call stack size exceeded/,
  },
  {
    name: 'deep recursion through a getter',
    script: 'const o = { get a() { return this.a; } }; return o.a;',
    fails: /RangeError: Maximum call stack size exceeded/,
  },

  // Strict mode
  {
    name: 'arguments.callee',
    script: 'return (function () { return arguments.callee; })();',
    fails: /TypeError: 'caller', 'callee', and 'arguments' properties may not be accessed/,
  },
  {
    name: 'Function.caller',
    script: 'return (function f() { return f.caller; })();',
    fails: /TypeError: 'caller', 'callee', and 'arguments' properties may not be accessed/,
  },
  {
    name: 'caller of a sloppy function called from the script',
    script: 'return Function("return arguments.callee.caller")() === null;',
    returns: true,
  },

  // Shared intrinsics no global property leads to: a writable one would carry data between runs
  {
    name: 'iterator helper prototype spy',
    script:
      'const p = Object.getPrototypeOf([].values().map((x) => x)); p.stash = []; const next = p.next; p.next = function () { return next.call(this); }; return "installed";',
    fails: /TypeError: Cannot (add|assign to read only) property/,
    later: [['Object.isFrozen(Object.getPrototypeOf([].values().map((x) => x)))', true]],
  },
  {
    name: 'Iterator.from wrapper prototype',
    script: 'Object.getPrototypeOf(Iterator.from({ next() { return { done: true }; } })).mailbox = 1; return 1;',
    fails: /TypeError: Cannot add property mailbox/,
  },
  {
    name: 'Intl.Segmenter segments prototype',
    script: "Object.getPrototypeOf(new Intl.Segmenter().segment('')).mailbox = 'secret'; return 1;",
    fails: /TypeError: Cannot add property mailbox/,
    later: [["Object.getPrototypeOf(new Intl.Segmenter().segment('')).mailbox === undefined", true]],
  },
  {
    name: 'Intl.Segmenter iterator prototype',
    script: "Object.getPrototypeOf(new Intl.Segmenter().segment('')[Symbol.iterator]()).mailbox = 1; return 1;",
    fails: /TypeError: Cannot add property mailbox/,
  },
  {
    name: 'error stack accessor as a mailbox',
    script: "Object.getOwnPropertyDescriptor(new Error(''), 'stack').get.mailbox = 'secret'; return 1;",
    fails: /TypeError: Cannot add property mailbox/,
  },

  // Errors that would let user code choose how its failure is reported
  {
    name: 'toJSON throwing a "disposed" message',
    expression: "({ toJSON() { throw new Error('Isolate was disposed') } })",
    fails: /result is not JSON: Error: Isolate was disposed/,
  },
  {
    name: 'an error whose name getter throws "timed out"',
    script:
      "throw Object.create(Error.prototype, { name: { get() { throw new Error('Script execution timed out.'); } } });",
    fails: /script failed: threw a value that cannot be described/,
  },
  {
    name: 'circular result',
    script: 'const o = {}; o.self = o; return o;',
    fails: /result is not JSON: TypeError: Converting circular/,
  },
  { name: 'BigInt result', script: 'return 10n;', fails: /result is not JSON: TypeError/ },
  {
    name: 'multi-byte result over the byte cap',
    script: `return '\u4e2d'.repeat(${Math.ceil(MAX_OUTPUT_BYTES / 3) + 10});`,
    fails: /result is larger than/,
  },

  // Ordinary code the frozen realm must still allow (the "override mistake")
  {
    name: 'Error subclass setting its name',
    script:
      "class E extends Error { constructor(m) { super(m); this.name = 'E'; } } const e = new E('x'); return [e.name, e.message, e instanceof Error];",
    returns: ['E', 'x', true],
    later: [['new Error("y").name', 'Error']],
  },
  {
    name: 'own toString and constructor on plain objects',
    script:
      "const o = {}; o.toString = () => 'mine'; const copy = Object.assign({}, { constructor: 1 }); return [String(o), copy.constructor];",
    returns: ['mine', 1],
    later: [['String({})', '[object Object]']],
  },
  {
    name: 'assigning to a prototype itself still fails',
    script: 'Object.prototype.toString = () => "x"; return 1;',
    fails: /TypeError/,
  },
];

let pool: SandboxPool;
const hostObjectPrototypeKeys = Reflect.ownKeys(Object.prototype);
const hostArrayPrototypeKeys = Reflect.ownKeys(Array.prototype);
const hostMap = Array.prototype.map;
const hostGlobals = Reflect.ownKeys(globalThis);

beforeAll(() => {
  // One script isolate, so an attack and the evaluations after it share that isolate.
  pool = new SandboxPool({ scriptIsolates: 1, expressionTimeoutMs: TIMEOUT_MS, maxOutputBytes: MAX_OUTPUT_BYTES });
});

afterAll(() => pool.dispose());

afterEach(() => {
  // The host realm is untouched.
  const host = globalThis as Record<string, unknown>;
  expect(host.polluted).toBeUndefined();
  expect(host.x).toBeUndefined();
  expect(host.leaked).toBeUndefined();
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Reflect.ownKeys(Object.prototype)).toEqual(hostObjectPrototypeKeys);
  expect(Reflect.ownKeys(Array.prototype)).toEqual(hostArrayPrototypeKeys);
  expect(Array.prototype.map).toBe(hostMap);
  expect([1, 2].map((n) => n * 2)).toEqual([2, 4]);
  expect(Reflect.ownKeys(globalThis)).toEqual(hostGlobals);
  expect(process.kill(process.pid, 0)).toBe(true); // still alive
});

const input = JSON.parse('{"__proto__": {"polluted": "yes"}, "n": 1}');
const scope = { input, trigger: {}, steps: {} };

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

async function runAsScript(code: string): Promise<Outcome> {
  return pool.runScript(code, scope, TIMEOUT_MS).then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

async function runAsExpression(source: string): Promise<Outcome> {
  try {
    const [result] = await pool.evaluateExpressions([source], scope);
    return { ok: true, value: result?.defined ? result.value : null };
  } catch (error) {
    return { ok: false, error };
  }
}

/** A value that came out of the sandbox is plain JSON data: host prototypes, data properties only. */
function expectPlainJson(value: unknown): void {
  if (value === null || typeof value !== 'object') {
    expect(['string', 'number', 'boolean', 'object']).toContain(typeof value);
    return;
  }
  expect([Object.prototype, Array.prototype]).toContain(Object.getPrototypeOf(value));
  for (const descriptor of Object.values(Object.getOwnPropertyDescriptors(value))) {
    expect(descriptor.get).toBeUndefined();
    expect(descriptor.set).toBeUndefined();
    expectPlainJson(descriptor.value);
  }
}

function expectOutcome(attack: Attack, outcome: Outcome): void {
  if (attack.fails) {
    if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
    expect(outcome.error).toBeInstanceOf(SandboxError);
    expect((outcome.error as Error).message).toMatch(attack.fails);
    expect((outcome.error as Error).message).not.toMatch(HOST_PATH);
  } else {
    if (!outcome.ok) throw outcome.error;
    expect(outcome.value).toEqual(attack.returns);
    expectPlainJson(outcome.value);
  }
}

/** Evaluations after an attack see a clean realm, in both the expression and the script isolates. */
async function expectCleanRealm(attack: Attack): Promise<void> {
  for (const [source, expected] of [...(attack.later ?? []), ['[1, 2, 3].map((n) => n * 2)', [2, 4, 6]] as const]) {
    expect(await runAsExpression(source), `expression ${source}`).toEqual({ ok: true, value: expected });
    expect(await runAsScript(`return (${source});`), `script ${source}`).toEqual({ ok: true, value: expected });
  }
}

describe('sandbox attack corpus', () => {
  it('has a script or an expression and exactly one expected outcome in each entry', () => {
    for (const attack of attacks) {
      expect(attack.script !== undefined || attack.expression !== undefined, attack.name).toBe(true);
      expect(attack.fails !== undefined, attack.name).not.toBe('returns' in attack);
    }
    expect(new Set(attacks.map((attack) => attack.name)).size).toBe(attacks.length);
  });

  it('recognises a host path as one of this checkout, wherever it lives', () => {
    expect(HOST_PATH.test(import.meta.filename)).toBe(true);
    expect(HOST_PATH.test(new Error('here').stack ?? '')).toBe(true);
    expect(HOST_PATH.test('/nowhere/else.ts')).toBe(false);
  });

  it.each(attacks)('$name', async (attack) => {
    if (attack.script !== undefined) expectOutcome(attack, await runAsScript(attack.script));
    if (attack.expression !== undefined) expectOutcome(attack, await runAsExpression(attack.expression));
    await expectCleanRealm(attack);
  });
});
