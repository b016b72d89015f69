import { startTransition, useEffect, useState } from 'react';

/**
 * True once the browser is idle after the component first drew itself: for work that must not
 * compete with opening a page (a big workflow's canvas), such as reading megabytes of a last run
 * or drawing the minimap's every node. What it brings is rendered as a transition: a click
 * meanwhile is handled first, not after it.
 */
export function useIdle(timeoutMs = 2000): boolean {
  const [idle, setIdle] = useState(false);
  useEffect(() => {
    const becomeIdle = () => startTransition(() => setIdle(true));
    if (typeof requestIdleCallback === 'function') {
      const handle = requestIdleCallback(becomeIdle, { timeout: timeoutMs });
      return () => cancelIdleCallback(handle);
    }
    const timer = setTimeout(becomeIdle, 200);
    return () => clearTimeout(timer);
  }, [timeoutMs]);
  return idle;
}
