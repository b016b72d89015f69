import { describe, expect, it } from 'vitest';
import { apiQuery, filtersFromParams, hasFilters, paramsFromFilters, refreshInterval } from './filters.ts';

const id = '01a200a9-5cfd-7049-9fb8-b1b2d26fba24';

describe('execution filters in the URL', () => {
  it('round-trips every filter through the query string', () => {
    const filters = {
      workflowId: id,
      status: 'failed',
      trigger: 'webhook',
      from: '2026-11-01T08:00',
      to: '2026-11-02T18:30',
    } as const;
    const params = paramsFromFilters(filters);
    expect(params.toString()).toBe(
      `workflowId=${id}&status=failed&trigger=webhook&from=2026-11-01T08%3A00&to=2026-11-02T18%3A30`,
    );
    expect(filtersFromParams(params)).toEqual(filters);
  });

  it('reads a link with only a workflow (the editor links to its runs this way)', () => {
    expect(filtersFromParams(new URLSearchParams(`?workflowId=${id}`))).toEqual({ workflowId: id });
  });

  it('ignores values that cannot be filters instead of sending them to the server', () => {
    const params = new URLSearchParams('workflowId=nope&status=exploded&trigger=&from=yesterday&to=2026-13');
    expect(filtersFromParams(params)).toEqual({});
    expect(hasFilters(filtersFromParams(params))).toBe(false);
  });

  it('leaves empty filters out of the URL', () => {
    expect(paramsFromFilters({ status: undefined, from: '' }).toString()).toBe('');
  });

  it('asks the API for instants: local times become UTC, and "to" covers its whole minute', () => {
    const query = apiQuery({ from: '2026-11-01T08:00', to: '2026-11-01T09:15' });
    expect(query.from).toBe(new Date('2026-11-01T08:00').toISOString());
    expect(new Date(query.to as string).getTime()).toBe(new Date('2026-11-01T09:15:59.999').getTime());
  });
});

describe('refresh interval', () => {
  it('is quick while a listed run is queued or running, slow otherwise', () => {
    expect(refreshInterval(['succeeded', 'running'])).toBe(2_000);
    expect(refreshInterval(['queued'])).toBe(2_000);
    expect(refreshInterval(['succeeded', 'failed', 'canceled'])).toBe(15_000);
    expect(refreshInterval([])).toBe(15_000);
  });

  it('with the live stream open, is quick only while a listed run waits to start (no event tells that)', () => {
    expect(refreshInterval(['queued', 'succeeded'], true)).toBe(2_000);
    expect(refreshInterval(['running', 'succeeded'], true)).toBe(30_000);
    expect(refreshInterval([], true)).toBe(30_000);
  });
});
