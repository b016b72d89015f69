import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../core/engine/events.ts';
import { notificationPayloads } from './queue.ts';

const step = (index: number): EngineEvent => ({
  type: 'step',
  executionId: `019a0000-0000-7000-8000-${String(index).padStart(12, '0')}`,
  nodeId: `node-${index}`,
  scope: '',
  attempt: 1,
  status: 'succeeded',
  at: new Date(Date.UTC(2025, 0, 1, 0, 0, index)).toISOString(),
});

describe('engine events as NOTIFY payloads', () => {
  it('sends a batch of events as one payload', () => {
    const events = [step(1), step(2), { type: 'run', executionId: 'e', status: 'succeeded', at: 'now' } as const];
    expect(notificationPayloads(events).map((payload) => JSON.parse(payload))).toEqual([events]);
    expect(notificationPayloads([])).toEqual([]);
  });

  it('splits a large batch below PostgreSQL’s payload limit, keeping every event in order', () => {
    const events = Array.from({ length: 500 }, (_, index) => step(index));
    const payloads = notificationPayloads(events);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    expect(payloads.flatMap((payload) => JSON.parse(payload))).toEqual(events);
  });
});
