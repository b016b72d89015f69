import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMasterKey, masterKeyFrom } from './master-key.ts';
import { open, seal } from './seal.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('sealing secrets', () => {
  const key = masterKeyFrom(randomBytes(32));

  it('opens what it sealed, with a fresh IV each time', () => {
    const a = seal(key, 's3cret', 'cred-1');
    const b = seal(key, 's3cret', 'cred-1');
    expect(open(key, a, 'cred-1')).toBe('s3cret');
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.toString('utf8')).not.toContain('s3cret');
  });

  it('refuses another key, altered data, or another context', () => {
    const sealed = seal(key, 's3cret', 'cred-1');
    expect(() => open(masterKeyFrom(randomBytes(32)), sealed, 'cred-1')).toThrow();
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => open(key, { ...sealed, ciphertext: flipped }, 'cred-1')).toThrow();
    expect(() => open(key, sealed, 'cred-2')).toThrow();
  });
});

describe('the master key', () => {
  it('is created once in the data dir with 0600 permissions, then reused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepwise-key-'));
    dirs.push(dir);
    const first = loadMasterKey(dir);
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(loadMasterKey(dir)).toEqual(first);
    expect(Buffer.from(readFileSync(join(dir, 'master.key'), 'utf8'), 'base64')).toHaveLength(32);
  });

  it('comes from the environment when given, and must be 32 bytes', () => {
    const material = randomBytes(32);
    expect(loadMasterKey('/nonexistent', material.toString('base64')).key.equals(material)).toBe(true);
    expect(() => masterKeyFrom(randomBytes(16))).toThrow(/32 bytes/);
  });
});
