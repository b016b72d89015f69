import { startTransition, useEffect, useState } from 'react';
import { afterSettled } from './after-settled.ts';

/**
 * True once the page has settled after the component first drew itself and the browser is idle
 * (after-settled.ts): for work that must not compete with opening a page (a big workflow's canvas)
 * or with its first click, such as reading megabytes of a last run or drawing the minimap's every
 * node. What it brings is rendered as a transition: a click meanwhile is handled first, not after it.
 */
export function useIdle(timeoutMs = 2000): boolean {
  const [idle, setIdle] = useState(false);
  useEffect(() => afterSettled(() => startTransition(() => setIdle(true)), timeoutMs), [timeoutMs]);
  return idle;
}
