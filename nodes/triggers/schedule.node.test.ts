import { describe, expect, it } from 'vitest';
import { issuePaths, testContext } from '../testing/context.ts';
import scheduleTrigger, { cronProblem, isValidTimeZone } from './schedule.node.ts';

describe('schedule trigger config', () => {
  it('reads the expression in UTC by default', () => {
    expect(scheduleTrigger.config.parse({ cron: '0 9 * * 1-5' })).toEqual({ cron: '0 9 * * 1-5', timezone: 'UTC' });
  });

  it('accepts five- and six-field expressions in an IANA time zone', () => {
    expect(issuePaths(scheduleTrigger.config, { cron: '0 9 * * 1-5', timezone: 'Europe/Paris' })).toEqual([]);
    expect(issuePaths(scheduleTrigger.config, { cron: '*/30 * * * * *', timezone: 'America/New_York' })).toEqual([]);
  });

  it('refuses an invalid cron expression at cron', () => {
    expect(issuePaths(scheduleTrigger.config, { cron: 'not a cron' })).toEqual([['cron']]);
    expect(issuePaths(scheduleTrigger.config, { cron: '61 * * * *' })).toEqual([['cron']]);
    // Empty is both too short and not an expression; both issues point at cron.
    expect(issuePaths(scheduleTrigger.config, { cron: '' })).toEqual([['cron'], ['cron']]);
  });

  it('refuses an expression that never fires', () => {
    const result = scheduleTrigger.config.safeParse({ cron: '0 0 30 2 *' });
    expect(result.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [['cron'], 'is not a schedule: the expression never fires'],
    ]);
  });

  it('refuses an unknown time zone at timezone, without also blaming the expression', () => {
    expect(issuePaths(scheduleTrigger.config, { cron: '0 9 * * *', timezone: 'Mars/Base' })).toEqual([['timezone']]);
  });
});

describe('schedule helpers', () => {
  it('isValidTimeZone knows IANA zones', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Base')).toBe(false);
  });

  it('cronProblem is undefined for a good expression and a message otherwise', () => {
    expect(cronProblem('0 9 * * 1-5', 'Europe/Paris')).toBeUndefined();
    expect(cronProblem('not a cron', 'UTC')).toEqual(expect.any(String));
  });

  it('says what is wrong with an expression in plain words, not croner’s', () => {
    expect(cronProblem('* * *', 'UTC')).toBe(
      'it has 3 parts; a schedule needs 5 (minute, hour, day of the month, month, day of the week), or 6 with seconds first',
    );
    expect(cronProblem('0 25 * * *', 'UTC')).toBe('25 is not a valid hour (it takes 0–23)');
    expect(cronProblem('61 * * * *', 'UTC')).toBe('61 is not a valid minute (it takes 0–59)');
    expect(cronProblem('a * * * *', 'UTC')).toBe('"a" in the minute part is not understood');
    expect(cronProblem('5-1 * * * *', 'UTC')).toBe('the range "5-1" runs backwards');
    for (const expression of ['* * *', '0 25 * * *', 'a * * * *', '*/0 * * * *']) {
      expect(cronProblem(expression, 'UTC')).not.toMatch(/CronPattern|Syntax error/);
    }
  });
});

describe('schedule trigger execute', () => {
  it('passes the scheduler’s payload on', async () => {
    const payload = { scheduledFor: '2025-01-01T09:00:00Z', firedAt: '2025-01-01T09:00:01Z', timezone: 'UTC' };
    const config = scheduleTrigger.config.parse({ cron: '0 9 * * *' });
    expect((await scheduleTrigger.execute({ config, input: payload, ctx: testContext() })).output).toBe(payload);
  });
});
