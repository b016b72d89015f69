/**
 * How long after a page drew itself its deferred work waits before it may start: the first idle
 * slice comes at once after the first paint, and work started there (parsing a 500 kB chunk,
 * drawing a minimap of every node) lands exactly when a person reaches for the first click. Half a
 * second later is still before most first clicks, and the work then runs while they aim.
 */
export const SETTLE_MS = 500;

/**
 * Runs `task` once the page has had SETTLE_MS to settle and then the browser is idle (at most
 * `timeoutMs` later). Answers a function that cancels it if it has not run yet.
 */
export function afterSettled(task: () => void, timeoutMs = 2000): () => void {
  let idleHandle: number | undefined;
  let fallback: ReturnType<typeof setTimeout> | undefined;
  const settled = setTimeout(() => {
    if (typeof requestIdleCallback === 'function') idleHandle = requestIdleCallback(task, { timeout: timeoutMs });
    else fallback = setTimeout(task, 0);
  }, SETTLE_MS);
  return () => {
    clearTimeout(settled);
    clearTimeout(fallback);
    if (idleHandle !== undefined) cancelIdleCallback(idleHandle);
  };
}
