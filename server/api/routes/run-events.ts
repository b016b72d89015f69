import { streamSSE } from 'hono/streaming';
import { resolveCaller } from '../../auth/caller.ts';
import type { RunEvent } from '../execution-schemas.ts';
import { type ApiDeps, defineRoute } from '../route.ts';
import { runServiceOf } from '../run-service.ts';

type RunChange = Extract<RunEvent, { type: 'run' }>;

/**
 * Runs start and end by the hundred per second under load, and a list only needs to know that
 * something changed: changes heard within this window go out as one `runs` event.
 */
export const COALESCE_MS = 250;
/** At most this many executions are named in one `runs` event; further changes are only counted. */
export const MAX_NAMED_RUNS = 50;
/** How often an idle stream sends a comment, so proxies do not close it. */
const HEARTBEAT_MS = 15_000;
/** How soon a browser reconnects after the stream ends (an EventSource reconnects by itself). */
const RECONNECT_MS = 1_000;

/** The data of a `runs` event. */
export interface RunChanges {
  /** The first `MAX_NAMED_RUNS` executions that changed in the window, each with its latest change. */
  readonly runs: ReadonlyArray<Omit<RunChange, 'type'>>;
  /** Changes of further executions in the window, counted but not named. */
  readonly more: number;
}

/**
 * `GET /events/runs`: that runs changed, across every execution (every role may view every
 * execution). Unlike `/executions/:id/events` it never ends by itself, so the caller is checked
 * again before each write and at each heartbeat: a revoked key, an ended session or a demoted
 * user stops hearing runs.
 */
export const runEventsRoute = defineRoute({
  method: 'get',
  path: '/events/runs',
  operationId: 'streamRunEvents',
  summary: 'Live run changes of all executions (server-sent events): `ready`, then `runs` events at most four a second',
  tag: 'Executions',
  access: 'view',
  responses: {
    200: { description: 'text/event-stream; a `runs` event carries `{ runs: [{ executionId, status, at }], more }`' },
  },
  handler({ deps, c }) {
    const runs = runServiceOf(deps);
    const stillAllowed = async () => {
      try {
        return (await resolveCaller(c, deps))?.can('view') ?? false;
      } catch {
        return false; // a bearer key that is no longer live
      }
    };
    return streamSSE(c, async (stream) => {
      // The executions that changed in this window, in the order they first did, each at its latest.
      const pending = new Map<string, Omit<RunChange, 'type'>>();
      let more = 0;
      let open = true;
      let interrupt: (() => void) | undefined;
      let wakeOnEvent = false;
      const pause = (ms: number, untilEvent: boolean) =>
        new Promise<void>((resolve) => {
          const done = () => {
            cancelTimer();
            interrupt = undefined;
            resolve();
          };
          const cancelTimer = after(deps, ms, done);
          interrupt = done;
          wakeOnEvent = untilEvent;
        });

      const unsubscribe = runs.subscribeAll((event) => {
        if (event.type !== 'run') return;
        const change = { executionId: event.executionId, status: event.status, at: event.at };
        if (pending.has(event.executionId) || pending.size < MAX_NAMED_RUNS) pending.set(event.executionId, change);
        else more++;
        if (wakeOnEvent) interrupt?.();
      });
      stream.onAbort(() => {
        open = false;
        interrupt?.();
      });
      try {
        // Subscribed: the client may (re)load its list now and miss nothing after it.
        await stream.writeSSE({ event: 'ready', data: '{}', retry: RECONNECT_MS });
        while (open) {
          if (pending.size === 0) {
            await pause(HEARTBEAT_MS, true);
            if (open && pending.size === 0) {
              if (!(await stillAllowed())) break;
              await stream.write(': keep-alive\n\n');
            }
            continue;
          }
          if (!(await stillAllowed())) break;
          const changes: RunChanges = { runs: [...pending.values()], more };
          pending.clear();
          more = 0;
          await stream.writeSSE({ event: 'runs', data: JSON.stringify(changes) });
          // Whatever happens in the next window waits for its end; only an abort cuts it short.
          await pause(COALESCE_MS, false);
        }
      } finally {
        unsubscribe();
      }
    });
  },
});

/** Calls `callback` after `ms` on the API's clock, else the process's timers; answers the cancel. */
function after(deps: ApiDeps, ms: number, callback: () => void): () => void {
  if (deps.clock) return deps.clock.after(ms, callback);
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
}
