import { useEffect, useRef, useState } from 'react';
import { API_BASE } from '../../api/client.ts';
import { throttle } from '../../lib/throttle.ts';

/** However fast runs change, a list asks again at most this often. */
export const RUN_EVENTS_REFRESH_MS = 1_000;

/**
 * While mounted, hears that runs changed anywhere (`GET /events/runs`) and calls `onChange`, at
 * most once a second. Returns whether the stream is open, so the caller can poll while it is not.
 * An EventSource reconnects by itself; each (re)connection starts with `ready`, which counts as a
 * change, since runs may have changed while it was away.
 */
export function useRunEvents(onChange: () => void): boolean {
  const [open, setOpen] = useState(false);
  const latest = useRef(onChange);
  useEffect(() => {
    latest.current = onChange;
  });

  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource(`${API_BASE}/events/runs`, { withCredentials: true });
    const changed = throttle(() => latest.current(), RUN_EVENTS_REFRESH_MS);
    source.addEventListener('ready', () => {
      setOpen(true);
      changed();
    });
    source.addEventListener('runs', changed);
    source.addEventListener('error', () => setOpen(source.readyState === EventSource.OPEN));
    return () => {
      changed.cancel();
      source.close();
      setOpen(false);
    };
  }, []);

  return open;
}
