import { describe, expect, it } from 'vitest';
import { roleCan } from './permissions.ts';
import { safeNext } from './safe-next.ts';

describe('role permissions in the app', () => {
  it('follow the design role table', () => {
    expect(roleCan('analyst', 'edit')).toBe(true);
    expect(roleCan('analyst', 'operate')).toBe(false);
    expect(roleCan('analyst', 'publish')).toBe(false);
    expect(roleCan('operator', 'operate')).toBe(true);
    expect(roleCan('operator', 'edit')).toBe(false);
    expect(roleCan('operator', 'admin')).toBe(false);
    for (const permission of ['view', 'edit', 'operate', 'publish', 'admin'] as const) {
      expect(roleCan('admin', permission)).toBe(true);
    }
    expect(roleCan(undefined, 'view')).toBe(false);
  });
});

describe('safeNext', () => {
  it('keeps paths of this app and refuses anything that leaves it', () => {
    expect(safeNext('/executions?status=failed')).toBe('/executions?status=failed');
    expect(safeNext(null)).toBe('/workflows');
    expect(safeNext('https://evil.example/')).toBe('/workflows');
    expect(safeNext('//evil.example/')).toBe('/workflows');
    expect(safeNext('/\\evil.example')).toBe('/workflows');
  });
});
