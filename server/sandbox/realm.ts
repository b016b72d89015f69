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

  // What user code gets as parameters: the scope's names, then luxon's classes (see luxon below).
  const PARAMETERS = ['input', 'trigger', 'steps', 'execution', 'item', 'index', 'vars', 'DateTime', 'Duration', 'Interval'];
  const usesLuxon = /\b(?:DateTime|Duration|Interval)\b/;

  // A compiled function with whether its code names luxon, worked out once per source.
  function compile(Ctor, body) {
    const key = (Ctor === FunctionCtor ? 's' : 'a') + body;
    let entry = compiled.get(key);
    if (entry === undefined) {
      if (compiled.size > 5000) compiled.clear();
      entry = { fn: new Ctor(...PARAMETERS, '"use strict";\n' + body), luxon: usesLuxon.test(body) };
      compiled.set(key, entry);
    }
    return entry;
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

  // luxon (DateTime, Duration, Interval), from its self-contained build, set on the global by the
  // host before this runs. Its source is compiled once per realm, at the first call that names it;
  // each such call then gets a fresh instance of the library (~0.25 ms), because luxon keeps
  // mutable state (zone and locale caches, reachable as dt.zone and dt.loc) that one call could
  // otherwise change for every later call of every workflow. Calls that do not name it pay nothing.
  const luxonSource = global.__luxonSource;
  delete global.__luxonSource;
  let luxonFactory;
  // The Intl formatters luxon builds are what costs (~0.5 ms each): shared across calls, frozen
  // (an Intl object's behaviour lives in internal slots, so a frozen one cannot be tampered with).
  const IntlReal = Intl;
  const intlMade = new MapCtor();
  function sharedIntl(Ctor, kind) {
    const Shared = function (locales, options) {
      let key;
      try { key = kind + JSONstringify([locales, options]); } catch { return new Ctor(locales, options); }
      let made = intlMade.get(key);
      if (made === undefined) {
        if (intlMade.size > 500) intlMade.clear();
        made = freeze(new Ctor(locales, options));
        intlMade.set(key, made);
      }
      return made;
    };
    Shared.prototype = Ctor.prototype;
    Shared.supportedLocalesOf = Ctor.supportedLocalesOf;
    return Shared;
  }
  const luxonIntl = Object.create(IntlReal);
  for (const name of ['DateTimeFormat', 'NumberFormat', 'RelativeTimeFormat', 'ListFormat', 'Locale', 'PluralRules']) {
    if (IntlReal[name]) luxonIntl[name] = sharedIntl(IntlReal[name], name);
  }
  function luxon() {
    if (typeof luxonSource !== 'string') throw new ErrorCtor('DateTime, Duration and Interval are not available here');
    luxonFactory ??= new FunctionCtor('Intl', luxonSource + '\n;return luxon;');
    const lib = luxonFactory(luxonIntl);
    return { DateTime: lib.DateTime, Duration: lib.Duration, Interval: lib.Interval };
  }
  const noLuxon = { DateTime: undefined, Duration: undefined, Interval: undefined };

  // Evaluates expressions with input, trigger, steps, execution (its id, resume URLs) and vars (the
  // run's workspace variables) in scope (and, inside a loop's body, item and index: the
  // iteration's element and its position), and luxon's DateTime, Duration and Interval.
  // Answers a JSON string:
  // { ok: [[1, value] | [0]] } (0 = undefined) or { error: { index, message } }.
  function evaluateExpressions(sourcesJson, scopeJson) {
    const sources = JSONparse(sourcesJson);
    const results = [];
    let lib; // one luxon per call (one step's expressions), made when the first of them names it
    for (let index = 0; index < sources.length; index++) {
      const scope = JSONparse(scopeJson); // a fresh copy per expression: one cannot change another's view
      let value;
      try {
        const { fn, luxon: namesLuxon } = compile(FunctionCtor, 'return (\n' + sources[index] + '\n);');
        if (namesLuxon) {
          lib ??= luxon();
          value = fn(scope.input, scope.trigger, scope.steps, scope.execution, scope.item, scope.index, scope.vars, lib.DateTime, lib.Duration, lib.Interval);
        } else {
          value = fn(scope.input, scope.trigger, scope.steps, scope.execution, scope.item, scope.index, scope.vars);
        }
      } catch (error) {
        return JSONstringify({ error: { index, message: describe(error) } });
      }
      results.push(value === undefined ? [0] : [1, value]);
    }
    return answer({ ok: results });
  }

  // Runs a script node's function body; it may be async. Answers { ok: value } or { error: message }.
  // The body runs in an arrow function inside the one that takes the parameters, so a script may
  // declare a name of its own that is also a parameter (const vars = …), as scripts written
  // before vars and DateTime existed do.
  async function runScript(code, scopeJson) {
    const scope = JSONparse(scopeJson);
    let value;
    try {
      const { fn, luxon: namesLuxon } = compile(AsyncFunctionCtor, 'return (async () => {\n' + code + '\n})();');
      const lib = namesLuxon ? luxon() : noLuxon;
      value = await fn(scope.input, scope.trigger, scope.steps, scope.execution, scope.item, scope.index, scope.vars, lib.DateTime, lib.Duration, lib.Interval);
    } catch (error) {
      return JSONstringify({ error: describe(error) });
    }
    return answer({ ok: value === undefined ? null : value });
  }

  // A script started by one synchronous call and its answer taken by the next (the host's
  // runScript tries that first, pool.ts says why). Its promise settles during the first call's
  // microtask checkpoint unless it waits on something that never comes; an answer that settles
  // after it was taken belongs to no one and is dropped.
  let startedScript = 0;
  let startedAnswer;
  function startScript(id, code, scopeJson) {
    startedScript = id;
    startedAnswer = undefined;
    runScript(code, scopeJson).then((text) => {
      if (startedScript === id) startedAnswer = text;
    });
  }
  function takeScriptAnswer() {
    const text = startedAnswer;
    startedScript = 0;
    startedAnswer = undefined;
    return text === undefined ? '' : text;
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
  harden(luxonIntl);
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

  return { evaluateExpressions, runScript, startScript, takeScriptAnswer };
})
`;
