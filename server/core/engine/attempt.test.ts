import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../nodes/catalogue.ts';
import { stepState } from './ascii-graph.ts';
import {
  type AttemptStatus,
  attemptStatus,
  type ClaimDecision,
  claimDecision,
  claimsBeforeRunning,
  planUnclaimed,
  runsInline,
  type UnclaimedPlan,
} from './attempt.ts';

/*
 * What a job does with the attempt it was queued for, decided from the step's latest stored
 * attempt (written as in ascii-graph.ts: `running attempt 2`, `retrying@<time>`, …; `none` when
 * nothing is stored).
 */

const RETRY_AT = '2030-01-01T00:01:00.000Z';
const latestOf = (text: string) => (text === 'none' ? undefined : stepState(text));

describe('attemptStatus', () => {
  it.each<[latest: string, attempt: number, status: AttemptStatus]>([
    ['none', 1, 'new'],
    ['none', 2, 'settled'],
    [`retrying@${RETRY_AT}`, 2, 'new'],
    [`retrying@${RETRY_AT} attempt 2`, 3, 'new'],
    [`retrying@${RETRY_AT}`, 1, 'settled'],
    [`retrying@${RETRY_AT}`, 3, 'settled'],
    ['running attempt 2', 2, 'running'],
    ['running', 1, 'running'],
    ['running attempt 2', 1, 'settled'],
    ['running', 2, 'settled'],
    ['ok', 1, 'settled'],
    ['ok:true attempt 2', 2, 'settled'],
    ['ok', 2, 'settled'],
    ['ok attempt 3', 2, 'settled'],
    ['failed', 1, 'settled'],
    ['failed', 2, 'settled'],
    ['skipped', 1, 'settled'],
    ['canceled', 1, 'settled'],
    ['canceled', 2, 'settled'],
  ])('latest %s, attempt %i: %s', (latest, attempt, status) => {
    expect(attemptStatus(latestOf(latest), attempt)).toBe(status);
  });
});

describe('planUnclaimed', () => {
  it.each<[latest: string, attempt: number, plan: UnclaimedPlan]>([
    ['none', 1, 'record'],
    [`retrying@${RETRY_AT}`, 2, 'record'],
    ['ok', 1, 'settle'],
    ['failed', 1, 'settle'],
    ['none', 2, 'settle'],
    ['skipped', 1, 'settle'],
    ['canceled', 1, 'settle'],
    ['running', 1, 'claim'],
  ])('latest %s, attempt %i: %s', (latest, attempt, plan) => {
    expect(planUnclaimed(latestOf(latest), attempt)).toBe(plan);
  });
});

describe('claimDecision', () => {
  it.each<
    [
      what: string,
      args: { runEnded?: boolean; latest: string; holder?: string | null; attempt?: number; replacing?: string },
      decision: ClaimDecision,
    ]
  >([
    ['the run has ended', { runEnded: true, latest: 'none' }, { kind: 'ended' }],
    [
      'the run has ended, even under its own claim',
      { runEnded: true, latest: 'running', holder: 'job-b' },
      { kind: 'ended' },
    ],
    ['a new attempt is claimed', { latest: 'none' }, { kind: 'claim' }],
    ['a retry that is due is claimed', { latest: `retrying@${RETRY_AT}`, attempt: 2 }, { kind: 'claim' }],
    ['an attempt already done is settled', { latest: 'ok' }, { kind: 'settled' }],
    ['an attempt that failed is settled', { latest: 'failed' }, { kind: 'settled' }],
    ['a stale attempt is settled', { latest: 'running attempt 2', holder: 'job-a' }, { kind: 'settled' }],
    ['a skipped step is settled', { latest: 'skipped' }, { kind: 'settled' }],
    [
      'running under another job: a duplicate, naming the holder',
      { latest: 'running', holder: 'job-a' },
      { kind: 'duplicate', holder: 'job-a' },
    ],
    [
      'running with no job on record: a duplicate all the same',
      { latest: 'running', holder: null },
      { kind: 'duplicate', holder: '' },
    ],
    [
      'running under this very job (the queue retried it after a crash)',
      { latest: 'running', holder: 'job-b' },
      { kind: 'claim' },
    ],
    [
      'running under a vanished job this one replaces',
      { latest: 'running', holder: 'job-a', replacing: 'job-a' },
      { kind: 'claim' },
    ],
    [
      'running under a job other than the one it replaces',
      { latest: 'running', holder: 'job-a', replacing: 'job-c' },
      { kind: 'duplicate', holder: 'job-a' },
    ],
    ['a new attempt, for a job sent to replace another', { latest: 'none', replacing: 'job-a' }, { kind: 'claim' }],
  ])('%s', (_, args, decision) => {
    expect(
      claimDecision({
        runEnded: args.runEnded ?? false,
        latest: latestOf(args.latest),
        holder: args.holder,
        attempt: args.attempt ?? 1,
        jobId: 'job-b',
        ...(args.replacing ? { replacing: args.replacing } : {}),
      }),
    ).toEqual(decision);
  });
});

describe('which steps claim first and which run inline', () => {
  // Every type in the catalogue, so a new node type has to take a side here.
  const expected: Record<string, { claims: boolean; inline: boolean }> = {
    'trigger.manual': { claims: false, inline: false },
    'trigger.schedule': { claims: false, inline: false },
    'trigger.webhook': { claims: false, inline: false },
    'trigger.error': { claims: false, inline: false },
    'condition.if': { claims: false, inline: true },
    'condition.switch': { claims: false, inline: true },
    'transform.set': { claims: false, inline: true },
    'transform.formatDate': { claims: false, inline: true },
    'transform.dateTime': { claims: false, inline: true },
    'transform.script': { claims: false, inline: true },
    'transform.filter': { claims: false, inline: true },
    'transform.sort': { claims: false, inline: true },
    'transform.dedupe': { claims: false, inline: true },
    'transform.aggregate': { claims: false, inline: true },
    'transform.splitOut': { claims: false, inline: true },
    'transform.limit': { claims: false, inline: true },
    'transform.mergeByKey': { claims: false, inline: true },
    'transform.csvParse': { claims: false, inline: true },
    'transform.csvBuild': { claims: false, inline: true },
    'transform.xmlToJson': { claims: false, inline: true },
    'transform.jsonToXml': { claims: false, inline: true },
    // Signs through the worker's credential operation, which has no effect outside the step.
    'transform.crypto': { claims: false, inline: true },
    'action.http': { claims: true, inline: false },
    // Outside effects (a mail sent, a row written): claimed before they run, like HTTP calls.
    'action.email': { claims: true, inline: false },
    'action.postgres': { claims: true, inline: false },
    // No effect outside its stored result: the API process sends the answer it stores.
    'action.respond': { claims: false, inline: true },
    'flow.delay': { claims: false, inline: true },
    'flow.wait': { claims: false, inline: false },
    'flow.merge': { claims: false, inline: true },
    // Only works out its list; the engine suspends its step while the iterations run.
    'flow.loop': { claims: false, inline: true },
    'flow.stop': { claims: false, inline: true },
    // Starts a run of its own: a job, never inline.
    'flow.subworkflow': { claims: false, inline: false },
  };

  it('covers the whole catalogue', () => {
    expect(catalogue.map((definition) => definition.type).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(catalogue.map((definition) => [definition.type, definition] as const))('%s', (type, definition) => {
    expect({
      claims: claimsBeforeRunning(definition),
      inline: runsInline(definition, {}),
    }).toEqual(expected[type]);
    // Anything due later (a retry's backoff, after a delay) waits in the queue instead.
    expect(runsInline(definition, { runAt: RETRY_AT })).toBe(false);
  });
});
