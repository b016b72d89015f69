import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ivm from 'isolated-vm';
import { readPaths } from './path-reads.ts';
import { REALM_BOOTSTRAP } from './realm.ts';

/**
 * luxon's self-contained build (one file, no `require`: it defines a `luxon` variable), which the
 * realm compiles when user code first names DateTime, Duration or Interval. Read once per process.
 */
let luxonSource: string | undefined;
function luxonBuild(): string {
  if (luxonSource === undefined) {
    // The package's exports name only its module entries; the file sits beside package.json.
    const packageJson = createRequire(import.meta.url).resolve('luxon/package.json');
    luxonSource = readFileSync(join(dirname(packageJson), 'build', 'global', 'luxon.min.js'), 'utf8');
  }
  return luxonSource;
}

/**
 * Where user code runs: V8 isolates (isolated-vm) with memory and time limits, never the host
 * realm. One pool per worker process. Expressions run on a dedicated isolate, scripts on their
 * own isolates; every call is asynchronous (isolated-vm's `apply` runs the code on the isolate's
 * thread), so slow user code never blocks the worker's event loop, which keeps its heartbeat: a
 * synchronous call (~20 µs against ~110 µs for the thread hop) let 70 slow fields freeze a worker
 * for 14 s, long enough for another worker to take its steps over (issue 13). Expression calls
 * take turns on their isolate, and a looping script never holds up expressions.
 */
export interface SandboxLimits {
  /** Memory of each isolate, in MiB. */
  readonly memoryMb: number;
  /**
   * Wall-clock budget of all the expressions of one step (`EXPRESSION_BUDGET_MS`), spent across
   * its calls (templates.ts `ExpressionBudget`); also the limit of a call made without a budget.
   */
  readonly expressionTimeoutMs: number;
  /** Largest JSON answer a call may return, in bytes. */
  readonly maxOutputBytes: number;
  /** Isolates serving scripts. */
  readonly scriptIsolates: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  memoryMb: 128,
  expressionTimeoutMs: 1000,
  maxOutputBytes: 4 * 1024 * 1024,
  scriptIsolates: 2,
};

/** A failure of user code (thrown, timed out, too much memory, too large a result): the step's error. */
export class SandboxError extends Error {
  override name = 'SandboxError';
}

/** User code ran past its time limit (still a `SandboxError`: another attempt would do the same). */
export class SandboxTimeoutError extends SandboxError {}

export interface ExpressionCallOptions {
  /** Wall-clock limit of this call; default `limits.expressionTimeoutMs`. */
  readonly timeoutMs?: number;
  /** Told how long the call ran on the isolate (its wait for its turn excluded), even when it failed. */
  readonly ran?: (ms: number) => void;
}

/** An isolate with its hardened realm; replaced when it dies (memory limit) or grows old. */
class Realm {
  readonly isolate: ivm.Isolate;
  readonly evaluateExpressions: ivm.Reference<(sources: string, scope: string) => string>;
  readonly runScript: ivm.Reference<(code: string, scope: string) => Promise<string>>;
  readonly startScript: ivm.Reference<(id: number, code: string, scope: string) => void>;
  readonly takeScriptAnswer: ivm.Reference<() => string>;
  calls = 0;

  readonly memoryMb: number;

  constructor(memoryMb: number) {
    this.memoryMb = memoryMb;
    this.isolate = new ivm.Isolate({ memoryLimit: memoryMb });
    const context = this.isolate.createContextSync();
    // A copy of the text only: the bootstrap takes it off the global before any user code runs.
    context.global.setSync('__luxonSource', luxonBuild());
    const api = context.evalSync(`${REALM_BOOTSTRAP}(globalThis)`, { reference: true }) as ivm.Reference<{
      evaluateExpressions: (sources: string, scope: string) => string;
      runScript: (code: string, scope: string) => Promise<string>;
      startScript: (id: number, code: string, scope: string) => void;
      takeScriptAnswer: () => string;
    }>;
    this.evaluateExpressions = api.getSync('evaluateExpressions', { reference: true }) as ivm.Reference<
      (sources: string, scope: string) => string
    >;
    this.runScript = api.getSync('runScript', { reference: true }) as ivm.Reference<
      (code: string, scope: string) => Promise<string>
    >;
    this.startScript = api.getSync('startScript', { reference: true }) as ivm.Reference<
      (id: number, code: string, scope: string) => void
    >;
    this.takeScriptAnswer = api.getSync('takeScriptAnswer', { reference: true }) as ivm.Reference<() => string>;
  }

  get usable(): boolean {
    return !this.isolate.isDisposed && this.calls < RECYCLE_AFTER_CALLS;
  }

  dispose(): void {
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }
}

/** Longest an expression call runs on the worker's event loop before it moves off it (see `evaluateOn`). */
const SYNC_SLICE_MS = 10;

const isTimeout = (error: unknown) => (error as Error | undefined)?.message === 'Script execution timed out.';

/** Old isolates are replaced now and then, so garbage one evaluation leaves cannot pile up. */
const RECYCLE_AFTER_CALLS = 100_000;

export type ExpressionResult = { defined: true; value: unknown } | { defined: false };

export class SandboxPool {
  readonly limits: SandboxLimits;
  private expressionRealm: Realm | undefined;
  private readonly scriptRealms: Array<Realm | undefined>;
  private readonly busy: boolean[];
  private readonly waiting: Array<() => void> = [];
  /** Settles when the expression call before the next one has finished. */
  private expressionTurn: Promise<void> = Promise.resolve();
  private disposed = false;
  /** Numbers the scripts started on the loop, so a late answer is never taken for another's. */
  private scriptsStarted = 0;

  constructor(limits: Partial<SandboxLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.scriptRealms = Array.from({ length: this.limits.scriptIsolates }, () => undefined);
    this.busy = this.scriptRealms.map(() => false);
  }

  /**
   * Makes the expression isolate and the first script isolate now rather than at the first step
   * that needs each (some 15 ms apiece): a worker does it while it waits for its queue, so the
   * first run after a start does not wait for it.
   */
  warm(): void {
    if (this.disposed) return;
    this.expressionRealm ??= new Realm(this.limits.memoryMb);
    this.scriptRealms[0] ??= new Realm(this.limits.memoryMb);
  }

  /**
   * Evaluates expression sources with `scope` ({ input, trigger, steps }) in scope; one call, one
   * answer per source. Calls take turns on the expression isolate (it runs one at a time), so
   * each call's time limit and measured time count its own run only, not its wait.
   */
  async evaluateExpressions(
    sources: readonly string[],
    scope: unknown,
    options: ExpressionCallOptions = {},
  ): Promise<ExpressionResult[]> {
    if (this.disposed) throw new Error('sandbox is shut down');
    if (sources.length === 0) return [];
    // Plain paths (`input.total`, `steps.X.output.id`) are read without entering the isolate.
    const started = performance.now();
    const read = readPaths(sources, scope);
    if (read) {
      options.ran?.(performance.now() - started);
      return read;
    }
    const sourcesJson = JSON.stringify(sources);
    const scopeText = scopeJson(scope);
    const before = this.expressionTurn;
    let done!: () => void;
    this.expressionTurn = new Promise<void>((resolve) => {
      done = resolve;
    });
    await before;
    const timeoutMs = Math.max(1, Math.ceil(options.timeoutMs ?? this.limits.expressionTimeoutMs));
    const turnStarted = performance.now();
    let answer: string;
    try {
      if (this.disposed) throw new Error('sandbox is shut down');
      if (!this.expressionRealm?.usable) {
        this.expressionRealm?.dispose();
        this.expressionRealm = new Realm(this.limits.memoryMb);
      }
      const realm = this.expressionRealm;
      realm.calls++;
      try {
        answer = await this.evaluateOn(realm, [sourcesJson, scopeText], timeoutMs);
      } catch (error) {
        throw this.explain(error, realm, `expressions ran longer than ${timeoutMs} ms`);
      }
    } finally {
      options.ran?.(performance.now() - turnStarted);
      done();
    }
    const parsed = this.parseAnswer(answer) as
      | { ok: Array<[1, unknown] | [0]> }
      | { error: { index: number; message: string } }
      | { notJson: string };
    if ('notJson' in parsed) throw new SandboxError(`result is not JSON: ${parsed.notJson}`);
    if ('error' in parsed) {
      throw new SandboxError(`{{ ${sources[parsed.error.index]} }}: ${parsed.error.message}`);
    }
    return parsed.ok.map((entry) => (entry[0] === 1 ? { defined: true, value: entry[1] } : { defined: false }));
  }

  /**
   * Almost every call ends within microseconds, and a call on the worker's own thread costs a fifth
   * of one handed to the isolate's thread (measured: ~20 µs against ~110 µs, a quarter of a
   * five-step run's CPU). So a call first runs on the loop for at most SYNC_SLICE_MS; one still
   * running then is stopped and run again off the loop with the rest of its time, so the loop (and
   * the heartbeat on it) is never held longer than the slice. Running an expression again is safe:
   * it has no effect outside the isolate, and only the second answer is used.
   */
  private async evaluateOn(realm: Realm, args: [string, string], timeoutMs: number): Promise<string> {
    if (timeoutMs <= SYNC_SLICE_MS) return realm.evaluateExpressions.apply(undefined, args, { timeout: timeoutMs });
    const started = performance.now();
    try {
      return realm.evaluateExpressions.applySync(undefined, args, { timeout: SYNC_SLICE_MS });
    } catch (error) {
      if (!isTimeout(error)) throw error;
    }
    const left = Math.max(1, Math.ceil(timeoutMs - (performance.now() - started)));
    return realm.evaluateExpressions.apply(undefined, args, { timeout: left });
  }

  /**
   * Runs a script node's function body; its (awaited) return value, as JSON, is the result.
   * `memoryMb` is the script's own memory limit (an isolate's limit is fixed when it is made, so
   * scripts with the same limit share isolates). `signal` (its run canceled) disposes the
   * script's isolate at once, which stops the script and frees its slot.
   */
  async runScript(
    code: string,
    scope: unknown,
    timeoutMs: number,
    memoryMb = this.limits.memoryMb,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const slot = await this.acquireScriptSlot(memoryMb);
    let stop: (() => void) | undefined;
    try {
      if (signal?.aborted) throw new SandboxError('script stopped: its run was canceled');
      let realm = this.scriptRealms[slot];
      if (!realm?.usable || realm.memoryMb !== memoryMb) {
        realm?.dispose();
        realm = new Realm(memoryMb);
        this.scriptRealms[slot] = realm;
      }
      realm.calls++;
      const running = realm;
      stop = () => running.dispose();
      signal?.addEventListener('abort', stop, { once: true });
      const scopeText = scopeJson(scope);
      const started = performance.now();
      let answer: string;
      try {
        answer = this.runScriptOnLoop(realm, code, scopeText, timeoutMs);
      } catch (error) {
        throw this.explain(error, realm, `script ran longer than ${timeoutMs} ms`);
      }
      if (answer !== '') return this.scriptResult(answer);
      // Still running after the slice, or waiting on a promise: run again off the loop, with what is left.
      const left = Math.max(1, Math.ceil(timeoutMs - (performance.now() - started)));
      try {
        answer = await withDeadline(
          realm.runScript.apply(undefined, [code, scopeText], {
            timeout: left,
            result: { promise: true },
          }) as Promise<string>,
          left + 50,
          () => {
            // A promise that never settles leaves the isolate idle but the step waiting: give up on it.
            realm?.dispose();
          },
        );
      } catch (error) {
        if (signal?.aborted) throw new SandboxError('script stopped: its run was canceled');
        throw this.explain(error, realm, `script ran longer than ${timeoutMs} ms`);
      }
      return this.scriptResult(answer);
    } finally {
      if (stop) signal?.removeEventListener('abort', stop);
      this.releaseScriptSlot(slot);
    }
  }

  /**
   * A script first runs on the worker's own thread, as expressions do (`evaluateOn`): measured ~8 µs
   * of CPU against ~60 µs for a call handed to the isolate's thread and awaited. It is started by
   * one call, whose microtask checkpoint runs its awaits to the end, and its answer read by a
   * second. Answers '' when it did not end within SYNC_SLICE_MS (stopped) or waits on a promise
   * that has not settled: it then runs again off the loop. Running a script again is safe: it has
   * no effect outside the isolate, whose globals are frozen, and only the second answer is used.
   */
  private runScriptOnLoop(realm: Realm, code: string, scopeText: string, timeoutMs: number): string {
    if (timeoutMs <= SYNC_SLICE_MS) return '';
    try {
      realm.startScript.applySync(undefined, [++this.scriptsStarted, code, scopeText], { timeout: SYNC_SLICE_MS });
    } catch (error) {
      if (isTimeout(error)) return '';
      throw error;
    }
    return realm.takeScriptAnswer.applySync(undefined, []);
  }

  private scriptResult(answer: string): unknown {
    const parsed = this.parseAnswer(answer) as { ok?: unknown } | { error: string } | { notJson: string };
    if ('notJson' in parsed) throw new SandboxError(`result is not JSON: ${parsed.notJson}`);
    if ('error' in parsed) throw new SandboxError(`script failed: ${parsed.error}`);
    return parsed.ok ?? null; // a function or symbol result has no JSON form
  }

  dispose(): void {
    this.disposed = true;
    this.expressionRealm?.dispose();
    for (const realm of this.scriptRealms) realm?.dispose();
  }

  private parseAnswer(answer: string): unknown {
    // Characters first (cheap), bytes only when it could matter: UTF-8 can take 3 bytes a character.
    if (answer.length * 3 > this.limits.maxOutputBytes && Buffer.byteLength(answer) > this.limits.maxOutputBytes) {
      throw new SandboxError(`result is larger than ${this.limits.maxOutputBytes} bytes`);
    }
    return JSON.parse(answer);
  }

  /**
   * Turns isolated-vm's own failures into messages about the user's code. User code cannot reach
   * this with a message of its choosing: the realm catches everything it throws and answers it.
   */
  private explain(error: unknown, realm: Realm, timeoutMessage: string): Error {
    if (this.disposed) return new Error('sandbox is shut down');
    if (error instanceof DeadlineError) return new SandboxTimeoutError(timeoutMessage);
    const message = error instanceof Error ? error.message : String(error);
    if (realm.isolate.isDisposed) {
      return new SandboxError(`used more than the ${realm.memoryMb} MB memory limit`);
    }
    if (message === 'Script execution timed out.') return new SandboxTimeoutError(timeoutMessage);
    return new SandboxError(message);
  }

  /** A free script slot, preferring one whose isolate already has the wanted memory limit. */
  private async acquireScriptSlot(memoryMb: number): Promise<number> {
    for (;;) {
      if (this.disposed) throw new Error('sandbox is shut down');
      const matching = this.busy.findIndex((busy, slot) => !busy && this.scriptRealms[slot]?.memoryMb === memoryMb);
      const free = matching !== -1 ? matching : this.busy.indexOf(false);
      if (free !== -1) {
        this.busy[free] = true;
        return free;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private releaseScriptSlot(slot: number): void {
    this.busy[slot] = false;
    this.waiting.shift()?.();
  }
}

function scopeJson(scope: unknown): string {
  return JSON.stringify(scope ?? {});
}

class DeadlineError extends Error {}

async function withDeadline<T>(promise: Promise<T>, ms: number, onExpire: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onExpire();
      reject(new DeadlineError('deadline'));
    }, ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
