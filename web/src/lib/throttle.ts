export interface Throttled {
  (): void;
  /** Drops a pending trailing call (on unmount). */
  cancel(): void;
}

/**
 * Calls `fn` at once, then at most once per `ms`: calls inside a window fold into one call at its
 * end, so the last change is always acted on, however many came.
 */
export function throttle(fn: () => void, ms: number): Throttled {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let queued = false;
  const openWindow = () => {
    timer = setTimeout(() => {
      timer = undefined;
      if (!queued) return;
      queued = false;
      fn();
      openWindow();
    }, ms);
  };
  const call = () => {
    if (timer !== undefined) {
      queued = true;
      return;
    }
    fn();
    openWindow();
  };
  return Object.assign(call, {
    cancel() {
      clearTimeout(timer);
      timer = undefined;
      queued = false;
    },
  });
}
