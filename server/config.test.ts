import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultWorkers, loadConfig } from './config.ts';

describe('configuration', () => {
  it('works with no variables set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', logLevel: 'info', databaseUrl: undefined });
    expect(config.dataDir).toBe(resolve('./data'));
    expect(config.sqliteFile).toBe(resolve('./data/stepwise.db'));
  });

  it('reads every variable', () => {
    const config = loadConfig({
      DATA_DIR: '/tmp/sw',
      PORT: '8080',
      HOST: '0.0.0.0',
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/stepwise',
      API_BODY_LIMIT: '2048',
    });
    expect(config).toMatchObject({
      dataDir: '/tmp/sw',
      port: 8080,
      host: '0.0.0.0',
      logLevel: 'debug',
      databaseUrl: 'postgres://u:p@127.0.0.1:5432/stepwise',
      apiBodyLimit: 2048,
    });
  });

  it("reads the time budget of a step's expressions, 1 s by default", () => {
    expect(loadConfig({}).expressionBudgetMs).toBe(1000);
    expect(loadConfig({ EXPRESSION_BUDGET_MS: '2500' }).expressionBudgetMs).toBe(2500);
    expect(() => loadConfig({ EXPRESSION_BUDGET_MS: '0' })).toThrow(/EXPRESSION_BUDGET_MS/);
    expect(() => loadConfig({ EXPRESSION_BUDGET_MS: 'soon' })).toThrow(/EXPRESSION_BUDGET_MS/);
  });

  it('refuses private addresses for HTTP calls only when asked (off by default)', () => {
    expect(loadConfig({}).httpRefusePrivateAddresses).toBe(false);
    expect(loadConfig({ HTTP_REFUSE_PRIVATE_ADDRESSES: 'true' }).httpRefusePrivateAddresses).toBe(true);
    expect(loadConfig({ HTTP_REFUSE_PRIVATE_ADDRESSES: '0' }).httpRefusePrivateAddresses).toBe(false);
    expect(() => loadConfig({ HTTP_REFUSE_PRIVATE_ADDRESSES: 'maybe' })).toThrow(/HTTP_REFUSE_PRIVATE_ADDRESSES/);
  });

  it('reads the retention limits, where 0 turns a limit off', () => {
    expect(loadConfig({})).toMatchObject({
      retentionDays: 30,
      retentionMaxExecutions: 100_000,
      retentionIntervalMinutes: 60,
    });
    expect(
      loadConfig({ RETENTION_DAYS: '0', RETENTION_MAX_EXECUTIONS: '0', RETENTION_INTERVAL_MINUTES: '5' }),
    ).toMatchObject({ retentionDays: 0, retentionMaxExecutions: 0, retentionIntervalMinutes: 5 });
    expect(() => loadConfig({ RETENTION_INTERVAL_MINUTES: '0' })).toThrow(/RETENTION_INTERVAL_MINUTES/);
  });

  it('runs one worker process per core but one by default, 1 to 4, and WORKERS overrides it', () => {
    expect(defaultWorkers(1)).toBe(1);
    expect(defaultWorkers(2)).toBe(1);
    expect(defaultWorkers(3)).toBe(2);
    expect(defaultWorkers(8)).toBe(4);
    expect(loadConfig({}).workers).toBe(defaultWorkers());
    expect(loadConfig({ WORKERS: '0' }).workers).toBe(0);
    expect(loadConfig({ WORKERS: '7' }).workers).toBe(7);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
  });

  it('names every bad variable with its value', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('PORT="abc"');
    expect(message).toContain('LOG_LEVEL="loud"');
    expect(message).toContain('DATABASE_URL="mysql://x"');
  });

  it('refuses a port out of range', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT="70000"/);
  });
});

describe('session settings', () => {
  it('default to a 12-hour sign-in and a Secure cookie on HTTPS only', () => {
    expect(loadConfig({})).toMatchObject({ sessionTtlHours: 12, cookieSecure: 'auto' });
    expect(loadConfig({ SESSION_TTL_HOURS: '0.5', COOKIE_SECURE: 'always' })).toMatchObject({
      sessionTtlHours: 0.5,
      cookieSecure: 'always',
    });
    expect(() => loadConfig({ SESSION_TTL_HOURS: '0' })).toThrow(/SESSION_TTL_HOURS/);
    expect(() => loadConfig({ COOKIE_SECURE: 'yes' })).toThrow(/COOKIE_SECURE/);
  });
});

describe('proxy settings', () => {
  it('default to no public URL and no trusted proxy', () => {
    expect(loadConfig({})).toMatchObject({ publicUrl: undefined, trustedProxies: [] });
  });

  it('read PUBLIC_URL without its trailing slash, and TRUSTED_PROXIES as addresses and CIDR blocks', () => {
    expect(
      loadConfig({
        PUBLIC_URL: 'https://stepwise.example.com/automation/',
        TRUSTED_PROXIES: ' 10.0.0.0/8, ::1,127.0.0.1 ',
      }),
    ).toMatchObject({
      publicUrl: 'https://stepwise.example.com/automation',
      trustedProxies: ['10.0.0.0/8', '::1', '127.0.0.1'],
    });
  });

  it('refuse bad values with a message naming each bad entry', () => {
    expect(() => loadConfig({ PUBLIC_URL: 'stepwise.example.com' })).toThrow(/PUBLIC_URL=.*http:\/\/ or https:\/\//);
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://files.example.com' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ PUBLIC_URL: 'https://x.example.com/?a=1' })).toThrow(/no query/);
    const error = (() => {
      try {
        loadConfig({ TRUSTED_PROXIES: '10.0.0.0/33,proxy.local,fe80::/129,1.2.3.4' });
      } catch (caught) {
        return caught as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toMatch(/"10\.0\.0\.0\/33": the prefix length must be 0 to 32/);
    expect(error?.message).toMatch(/"proxy\.local" is not an IP address or CIDR block/);
    expect(error?.message).toMatch(/"fe80::\/129": the prefix length must be 0 to 128/);
    expect(error?.message).not.toMatch(/"1\.2\.3\.4"/); // a good entry is not named
  });
});

describe('node packs', () => {
  it('default to none, and read NODE_PACKS as package names and folder paths in order', () => {
    expect(loadConfig({}).nodePacks).toEqual([]);
    expect(
      loadConfig({ NODE_PACKS: ' @acme/stepwise-crm, ./packs/mine ,stepwise-pack-x,../shared/pack,/opt/packs/p, ' })
        .nodePacks,
    ).toEqual(['@acme/stepwise-crm', './packs/mine', 'stepwise-pack-x', '../shared/pack', '/opt/packs/p']);
  });

  it('refuse an entry that is neither, or one listed twice, naming it', () => {
    const message = (() => {
      try {
        loadConfig({ NODE_PACKS: 'My Pack,packs/mine,stepwise-pack-x,stepwise-pack-x,ok-pack' });
      } catch (caught) {
        return (caught as ConfigError).message;
      }
    })();
    expect(message).toContain('NODE_PACKS=');
    expect(message).toContain(
      '"My Pack" is neither an npm package name nor a folder path (start a path with ./, ../ or /)',
    );
    // A relative folder must say so: `packs/mine` would be an npm name with a scope-less slash.
    expect(message).toContain('"packs/mine" is neither');
    expect(message).toContain('"stepwise-pack-x" is listed twice');
    expect(message).not.toContain('"ok-pack"');
  });
});
