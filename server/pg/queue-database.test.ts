import { describe, expect, it } from 'vitest';
import { connectionsFor } from './queue-database.ts';

describe('the embedded PostgreSQL accepts', () => {
  it('100 connections for the defaults: room for the server, its workers and tools', () => {
    expect(connectionsFor({ workers: 1, workerConcurrency: 10 })).toBe(100);
  });

  it('more when the workers need more: each pool, event connection, and as many extra workers', () => {
    // The server's pool of 54 and event connection; per worker the same, for 4 workers and 4 more.
    expect(connectionsFor({ workers: 4, workerConcurrency: 50 })).toBe(55 + 2 * 4 * 55 + 10);
  });
});
