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

  // Never throws, whatever user code threw (a getter on "name" may throw too).
  function describe(error) {
    try {
      if (error instanceof ErrorCtor) return String(error.name) + ': ' + String(error.message);
      return 'threw ' + JSONstringify(error);
    } catch {
      return 'threw a value that cannot be described';
    }
  }

  // Results leave as JSON; a result that has no JSON form (circular, BigInt, a throwing toJSON)
  // becomes a "notJson" answer instead of an exception the host might misread.
  function answer(value) {
    try {
      return JSONstringify(value);
    } catch (error) {
      return JSONstringify({ notJson: describe(error) });
    }
  }

  // Evaluates expressions with input, trigger, steps and execution (its id, resume URLs) in scope
  // (and, inside a loop's body, item and index: the iteration's element and its position).
  // Answers a JSON string:
  // { ok: [[1, value] | [0]] } (0 = undefined) or { error: { index, message } }.
  function evaluateExpressions(sourcesJson, scopeJson) {
    const sources = JSONparse(sourcesJson);
    const results = [];
    for (let index = 0; index < sources.length; index++) {
      const scope = JSONparse(scopeJson); // a fresh copy per expression: one cannot change another's view
      let value;
      try {
        value = compile(FunctionCtor, 'input,trigger,steps,execution,item,index', 'return (\n' + sources[index] + '\n);')(scope.input, scope.trigger, scope.steps, scope.execution, scope.item, scope.index);
      } catch (error) {
        return JSONstringify({ error: { index, message: describe(error) } });
      }
      results.push(value === undefined ? [0] : [1, value]);
    }
    return answer({ ok: results });
  }

  // Runs a script node's function body; it may be async. Answers { ok: value } or { error: message }.
  async function runScript(code, scopeJson) {
    const scope = JSONparse(scopeJson);
    let value;
    try {
      value = await compile(AsyncFunctionCtor, 'input,trigger,steps,execution,item,index', code)(scope.input, scope.trigger, scope.steps, scope.execution, scope.item, scope.index);
    } catch (error) {
      return JSONstringify({ error: describe(error) });
    }
    return answer({ ok: value === undefined ? null : value });
  }

  // The "override mistake": once a prototype is frozen, plain code such as this.name = 'E' in an
  // Error subclass, or o.toString = f, throws in strict mode, because an inherited read-only data
  // property blocks assignment. As SES does, the properties people commonly set become accessors
  // whose setter defines an own property on the object assigned to (never on the prototype).
  function tameOverride(object, name) {
    const descriptor = Object.getOwnPropertyDescriptor(object, name);
    if (!descriptor || !('value' in descriptor) || !descriptor.configurable) return;
    const value = descriptor.value;
    Object.defineProperty(object, name, {
      get: function getter() { return value; },
      set: function setter(next) {
        if (this === object) throw new TypeError('Cannot assign to read only property ' + String(name));
        Object.defineProperty(this, name, { value: next, writable: true, enumerable: true, configurable: true });
      },
      enumerable: descriptor.enumerable,
      configurable: false,
    });
  }
  const overridable = [
    [Object.prototype, ['constructor', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', 'toString', 'valueOf']],
    [Function.prototype, ['constructor', 'apply', 'bind', 'call', 'toString']],
    [Array.prototype, ['constructor', 'toString', 'toLocaleString', 'push', 'join']],
    [Promise.prototype, ['constructor', 'then']],
  ];
  for (const ErrorType of [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError, AggregateError]) {
    overridable.push([ErrorType.prototype, ['constructor', 'message', 'name', 'toString']]);
  }
  for (const [object, names] of overridable) for (const name of names) tameOverride(object, name);


  harden(global);
  // Intrinsics no global property leads to, reached through objects that have them as prototypes.
  // A V8 upgrade can add more: the sandbox tests probe for writable shared objects.
  const segments = new Intl.Segmenter().segment('');
  for (const hidden of [
    async function () {}, function* () {}, async function* () {},
    [][Symbol.iterator](), new Map()[Symbol.iterator](), new Set()[Symbol.iterator](), ''[Symbol.iterator](),
    /x/[Symbol.matchAll](''), (function* () {})(), (async function* () {})(), Promise.resolve(),
    new Int8Array(0), new ArrayBuffer(0), new DataView(new ArrayBuffer(0)),
    [].values().map((x) => x), Iterator.from({ next() { return { done: true }; } }),
    segments, segments[Symbol.iterator](), new Error(''),
  ]) harden(hidden);
  harden(function () { 'use strict'; return arguments; }());

  return { evaluateExpressions, runScript };
})
`;
