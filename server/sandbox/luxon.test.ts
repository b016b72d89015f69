import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPool } from './pool.ts';
import { evaluateTemplates } from './templates.ts';

/** Generous: the first call that names luxon compiles it (a few ms), and CI machines are slow. */
const ROOMY_MS = 5_000;

let pool: SandboxPool;
beforeAll(() => {
  pool = new SandboxPool({ expressionTimeoutMs: ROOMY_MS });
});
afterAll(() => pool.dispose());

const scope = { input: { date: '2026-03-28', at: '2026-03-28T12:00' }, trigger: {}, steps: {} };
const evaluate = (value: unknown) => evaluateTemplates(value, scope, pool);

describe('luxon in expressions', () => {
  it('offers DateTime, Duration and Interval', async () => {
    expect(await evaluate('{{ DateTime.fromISO(input.date).plus({ days: 1 }).toISODate() }}')).toBe('2026-03-29');
    expect(await evaluate('{{ Duration.fromObject({ hours: 1, minutes: 30 }).as("minutes") }}')).toBe(90);
    expect(await evaluate('{{ Interval.fromISO("2026-01-01/2026-01-31").length("days") }}')).toBe(30);
    expect(await evaluate('Due {{ DateTime.fromISO(input.date).toFormat("d LLL yyyy") }}')).toBe('Due 28 Mar 2026');
  });

  it('knows time zones (Intl with ICU inside the isolate)', async () => {
    expect(await evaluate("{{ DateTime.now().setZone('Europe/Berlin').zoneName }}")).toBe('Europe/Berlin');
    expect(await evaluate("{{ DateTime.now().setZone('Europe/Berlin').isValid }}")).toBe(true);
    expect(
      await evaluate("{{ DateTime.fromISO('2026-01-15T12:00', { zone: 'America/New_York' }).toUTC().toISO() }}"),
    ).toBe('2026-01-15T17:00:00.000Z');
    // An unknown zone is invalid, as luxon says, not a crash.
    expect(await evaluate("{{ DateTime.now().setZone('Mars/Olympus').isValid }}")).toBe(false);
  });

  it('adds a calendar day across a DST change, and 24 hours as 24 hours', async () => {
    // Berlin moves to summer time in the night of 29 March 2026: that day has 23 hours.
    const start = "DateTime.fromISO('2026-03-28T12:00', { zone: 'Europe/Berlin' })";
    expect(await evaluate(`{{ ${start}.plus({ days: 1 }).toISO() }}`)).toBe('2026-03-29T12:00:00.000+02:00');
    expect(await evaluate(`{{ ${start}.plus({ hours: 24 }).toISO() }}`)).toBe('2026-03-29T13:00:00.000+02:00');
  });

  it('gives each call its own luxon: a change one call makes to it is gone in the next', async () => {
    const changed = await evaluate([
      '{{ (DateTime.prototype.toISODate = () => "tampered", DateTime.utc().zone.fixed = 600, 1) }}',
      '{{ DateTime.fromISO("2026-01-01").toISODate() }}',
    ]);
    // Inside the call (one step's expressions) the change holds: it is that step's own code.
    expect(changed).toEqual([1, 'tampered']);
    expect(await evaluate('{{ DateTime.fromISO("2026-01-01").toISODate() }}')).toBe('2026-01-01');
    expect(await evaluate('{{ DateTime.utc(2026, 1, 1).toISO() }}')).toBe('2026-01-01T00:00:00.000Z');
  });

  it('shares no Intl formatter that user code could change', async () => {
    // The formatters luxon caches across calls are frozen: adding a method to one throws.
    await expect(
      pool.runScript(
        `const dt = DateTime.fromISO('2026-01-01', { zone: 'Europe/Berlin' });
         dt.toFormat('d LLLL yyyy');
         const formatter = dt.loc.dtFormatter(dt, {}).dtf;
         Object.defineProperty(formatter, 'formatToParts', { value: () => [{ type: 'literal', value: 'tampered' }] });
         return 'changed';`,
        scope,
        ROOMY_MS,
      ),
    ).rejects.toThrow(/not extensible/);
    expect(await evaluate("{{ DateTime.fromISO('2026-01-01', { zone: 'Europe/Berlin' }).toLocaleString() }}")).not.toBe(
      'tampered',
    );
  });

  it('is not on the global object, and leaves expressions that do not name it as they were', async () => {
    expect(await evaluate('{{ typeof globalThis.DateTime }}')).toBe('undefined');
    expect(await evaluate('{{ input.date.length }}')).toBe(10);
  });
});

describe('luxon in scripts', () => {
  it('offers DateTime, Duration and Interval', async () => {
    await expect(
      pool.runScript(
        `const start = DateTime.fromISO(input.at, { zone: 'Europe/Berlin' });
         return { next: start.plus({ days: 1 }).toISO(), week: Duration.fromObject({ weeks: 1 }).as('days') };`,
        scope,
        ROOMY_MS,
      ),
    ).resolves.toEqual({ next: '2026-03-29T12:00:00.000+02:00', week: 7 });
  });

  it('lets a script declare names of its own that are also given to it', async () => {
    await expect(
      pool.runScript('const DateTime = 1; const vars = 2; return DateTime + vars;', scope, ROOMY_MS),
    ).resolves.toBe(3);
  });
});
