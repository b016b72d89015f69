/**
 * Source of the code that prepares each isolate's realm before any user code runs in it.
 *
 * Why one long-lived, frozen realm instead of a fresh V8 context per evaluation: creating a
 * context costs ~0.8 ms here (isolated-vm cannot snapshot contexts under --no-node-snapshot),
 * which alone would exceed the whole budget of an expression (p50 < 0.3 ms) and eat a core at a
 * few hundred runs per second. Instead every evaluation gets a fresh *function scope* in a realm
 * where nothing is writable: the global object and every intrinsic reachable from it are frozen
 * (as SES `lockdown` does), legacy mutable statics (RegExp.$1…) are removed, and user code runs
 * in strict mode, where `this` is undefined and assigning an undeclared name throws. Data comes
 * in as a JSON string parsed inside the call, so each evaluation sees only its own objects, and
 * results leave as a JSON string. The isolate itself is the wall against the host: no host
 * object, function or module is ever placed in it.
 */
export const REALM_BOOTSTRAP = String.raw`
'use strict';
(function bootstrap(global) {
  // Capabilities an evaluation has no use for and that could block the isolate's thread or share memory.
  for (const name of ['Atomics', 'SharedArrayBuffer', 'WebAssembly', 'FinalizationRegistry', 'WeakRef']) {
    delete global[name];
  }
  // Legacy RegExp statics would carry the last match of one evaluation into the next.
  for (const name of ['$1','$2','$3','$4','$5','$6','$7','$8','$9','input','$_','lastMatch','$&','lastParen','$+','leftContext','$\x60','rightContext',"$'"]) {
    try { delete RegExp[name]; } catch {}
  }

  const freeze = Object.freeze;
  const getOwnPropertyDescriptors = Object.getOwnPropertyDescriptors;
  const getPrototypeOf = Object.getPrototypeOf;
  const ownKeys = Reflect.ownKeys;
  const seen = new WeakSet();
  function harden(root) {
    const stack = [root];
    while (stack.length > 0) {
      const value = stack.pop();
      if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) continue;
      seen.add(value);
      freeze(value);
      stack.push(getPrototypeOf(value));
      const descriptors = getOwnPropertyDescriptors(value);
      for (const key of ownKeys(descriptors)) {
        const descriptor = descriptors[key];
        if ('value' in descriptor) stack.push(descriptor.value);
        else { stack.push(descriptor.get); stack.push(descriptor.set); }
      }
    }
  }

  const JSONparse = JSON.parse;
  const JSONstringify = JSON.stringify;
  const FunctionCtor = Function;
  // Scripts may use await, so their bodies become async functions.
  const AsyncFunctionCtor = getPrototypeOf(async function () {}).constructor;
  const MapCtor = Map;
  const ErrorCtor = Error;
  const compiled = new MapCtor();

  function compile(Ctor, parameters, body) {
    const key = (Ctor === FunctionCtor ? 's' : 'a') + parameters + '\u0000' + body;
    let fn = compiled.get(key);
    if (fn === undefined) {
      if (compiled.size > 5000) compiled.clear();
      fn = new Ctor(...parameters.split(','), '"use strict";\n' + body);
      compiled.set(key, fn);
    }
    return fn;
  }

  function describe(error) {
    if (error instanceof ErrorCtor) return error.name + ': ' + error.message;
    try { return 'threw ' + JSONstringify(error); } catch { return 'threw a value that is not an Error'; }
  }

  // Evaluates expressions with input, trigger and steps in scope. Answers a JSON string:
  // { ok: [[1, value] | [0]] } (0 = undefined) or { error: { index, message } }.
  function evaluateExpressions(sourcesJson, scopeJson) {
    const sources = JSONparse(sourcesJson);
    const results = [];
    for (let index = 0; index < sources.length; index++) {
      const scope = JSONparse(scopeJson); // a fresh copy per expression: one cannot change another's view
      let value;
      try {
        value = compile(FunctionCtor, 'input,trigger,steps', 'return (\n' + sources[index] + '\n);')(scope.input, scope.trigger, scope.steps);
      } catch (error) {
        return JSONstringify({ error: { index, message: describe(error) } });
      }
      results.push(value === undefined ? [0] : [1, value]);
    }
    return JSONstringify({ ok: results });
  }

  // Runs a script node's function body; it may be async. Answers { ok: value } or { error: message }.
  async function runScript(code, scopeJson) {
    const scope = JSONparse(scopeJson);
    try {
      const value = await compile(AsyncFunctionCtor, 'input,trigger,steps', code)(scope.input, scope.trigger, scope.steps);
      return JSONstringify({ ok: value === undefined ? null : value });
    } catch (error) {
      return JSONstringify({ error: describe(error) });
    }
  }

  harden(global);
  for (const hidden of [
    async function () {}, function* () {}, async function* () {},
    [][Symbol.iterator](), new Map()[Symbol.iterator](), new Set()[Symbol.iterator](), ''[Symbol.iterator](),
    /x/[Symbol.matchAll](''), (function* () {})(), (async function* () {})(), Promise.resolve(),
    new Int8Array(0), new ArrayBuffer(0), new DataView(new ArrayBuffer(0)),
  ]) harden(hidden);
  harden(function () { 'use strict'; return arguments; }());

  return { evaluateExpressions, runScript };
})
`;
