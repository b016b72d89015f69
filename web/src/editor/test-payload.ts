import { useMemo, useSyncExternalStore } from 'react';

/**
 * The draft's test payload: what the Test run dialog starts with and what `trigger` completes to
 * in expressions. Kept per workflow in this browser (the dialog remembers the last one it ran
 * with; "Use as test data" puts a captured webhook request here).
 */
const payloadKey = (workflowId: string) => `stepwise.testPayload.${workflowId}`;

const listeners = new Set<() => void>();

export function readTestPayload(workflowId: string): string | null {
  return localStorage.getItem(payloadKey(workflowId));
}

export function writeTestPayload(workflowId: string, text: string): void {
  localStorage.setItem(payloadKey(workflowId), text);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab of the same workflow changing it.
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}

/** The test payload as a value (undefined when there is none or it is not JSON), kept current. */
export function useTestPayload(workflowId: string): unknown {
  const text = useSyncExternalStore(subscribe, () => readTestPayload(workflowId));
  return useMemo(() => {
    if (text === null) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }, [text]);
}
