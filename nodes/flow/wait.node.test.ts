import { describe, expect, it } from 'vitest';
import { portsOf } from '../../server/core/graph/ports.ts';
import { answeringTemplates, issuePaths, testContext } from '../testing/context.ts';
import waitNode, { readTime } from './wait.node.ts';

const now = new Date('2030-01-31T12:00:00.000Z');
const run = (config: unknown, input: unknown = { id: 1 }, answers: Record<string, unknown> = {}) =>
  waitNode.execute({
    config: waitNode.config.parse(config),
    input,
    ctx: testContext({ now: () => now, evaluate: answeringTemplates(answers).evaluate }),
  });

describe('wait node config', () => {
  it('needs what its mode needs, naming the field', () => {
    expect(issuePaths(waitNode.config, { mode: 'duration', amount: 5 })).toEqual([]);
    expect(issuePaths(waitNode.config, { mode: 'duration' })).toEqual([['amount']]);
    expect(issuePaths(waitNode.config, { mode: 'duration', amount: 366, unit: 'days' })).toEqual([['amount']]);
    expect(issuePaths(waitNode.config, { mode: 'until' })).toEqual([['until']]);
    expect(issuePaths(waitNode.config, { mode: 'until', until: '{{ input.at }}', timezone: 'Mars/Base' })).toEqual([
      ['timezone'],
    ]);
    expect(issuePaths(waitNode.config, { mode: 'callback' })).toEqual([]);
    expect(issuePaths(waitNode.config, { mode: 'approval' })).toEqual([['title']]);
    expect(issuePaths(waitNode.config, { mode: 'approval', title: 'OK?', role: 'owner' })).toEqual([['role']]);
  });

  it('has ports by its mode, by the rule the editor and the engine share', () => {
    const ports = (config: unknown) => portsOf(waitNode, waitNode.config.parse(config));
    expect(ports({ mode: 'duration', amount: 1 })).toEqual(['main']);
    expect(ports({ mode: 'until', until: 'x' })).toEqual(['main']);
    expect(ports({ mode: 'callback' })).toEqual(['main', 'timeout']);
    expect(ports({ mode: 'approval', title: 'OK?' })).toEqual(['approved', 'rejected', 'timeout']);
    // Served as data: the editor reads the same ports from JSON.
    const served = JSON.parse(JSON.stringify({ outputs: waitNode.outputs, outputsBy: waitNode.outputsBy }));
    expect(portsOf(served, { mode: 'approval' })).toEqual(['approved', 'rejected', 'timeout']);
  });
});

describe('wait node', () => {
  it('suspends for a duration with a timer that resumes it by main, passing its input on', async () => {
    expect(await run({ mode: 'duration', amount: 90, unit: 'seconds' })).toEqual({
      output: { id: 1 },
      wait: { kind: 'time', timer: { at: '2030-01-31T12:01:30.000Z', port: 'main' } },
    });
  });

  it('waits until a time read in its time zone, and goes on at once when the time has passed', async () => {
    const later = await run(
      { mode: 'until', until: '{{ input.at }}', timezone: 'Europe/Paris' },
      {},
      {
        '{{ input.at }}': '2030-02-01T09:00',
      },
    );
    expect(later.wait).toEqual({ kind: 'time', timer: { at: '2030-02-01T08:00:00.000Z', port: 'main' } });
    const past = await run({ mode: 'until', until: '2029-12-31T00:00:00Z' }, { id: 2 });
    expect(past).toEqual({ output: { id: 2 } });
    await expect(run({ mode: 'until', until: 'soon' })).rejects.toThrow(/config.until: "soon" is not a time/);
  });

  it('reads wall-clock times across daylight saving', () => {
    expect(readTime('2030-07-01T09:00', 'Europe/Paris').toISOString()).toBe('2030-07-01T07:00:00.000Z');
    expect(readTime('2030-01-01', 'America/New_York').toISOString()).toBe('2030-01-01T05:00:00.000Z');
    expect(readTime('2030-07-01T09:00:00+02:00', 'UTC').toISOString()).toBe('2030-07-01T07:00:00.000Z');
  });

  it('waits for a callback until its timeout (7 days by default), then leaves by timeout', async () => {
    expect((await run({ mode: 'callback' })).wait).toEqual({
      kind: 'callback',
      expiresAt: '2030-02-07T12:00:00.000Z',
      timer: { at: '2030-02-07T12:00:00.000Z', port: 'timeout' },
    });
    expect((await run({ mode: 'callback', timeout: 2, timeoutUnit: 'hours' })).wait).toMatchObject({
      expiresAt: '2030-01-31T14:00:00.000Z',
    });
  });

  it('asks for an approval with its title and message worked out now, timing out only when told to', async () => {
    const asked = await run(
      { mode: 'approval', role: 'admin', title: 'Refund {{ input.amount }}?', message: 'For {{ input.who }}' },
      { amount: 5, who: 'Ann' },
      { 'Refund {{ input.amount }}?': 'Refund 5?', 'For {{ input.who }}': 'For Ann' },
    );
    expect(asked).toEqual({
      output: {
        decision: 'pending',
        decidedBy: null,
        decidedAt: null,
        comment: null,
        input: { amount: 5, who: 'Ann' },
      },
      wait: { kind: 'approval', role: 'admin', title: 'Refund 5?', message: 'For Ann' },
    });
    const timed = await run({ mode: 'approval', title: 'OK?', timeout: 1, timeoutUnit: 'days' });
    expect(timed.wait).toMatchObject({
      role: 'operator',
      timer: { at: '2030-02-01T12:00:00.000Z', port: 'timeout', merge: { decision: 'timeout' } },
    });
  });
});
