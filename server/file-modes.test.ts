import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareDataDir } from './file-modes.ts';
import { loadMasterKey } from './security/master-key.ts';
import { openStore } from './store/db.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-modes-'));
  dirs.push(dir);
  return dir;
}

const modeOf = (path: string) => statSync(path).mode & 0o7777;

describe('file modes', () => {
  it('makes the data dir 0711, and closes an open one of ours to 0711', () => {
    const fresh = join(scratch(), 'data');
    prepareDataDir(fresh);
    expect(modeOf(fresh)).toBe(0o711);
    const open = join(scratch(), 'open');
    mkdirSync(open, { mode: 0o777 });
    chmodSync(open, 0o777);
    prepareDataDir(open);
    expect(modeOf(open)).toBe(0o711);
  });

  it('leaves a shared directory with the sticky bit alone (DATA_DIR=/tmp)', () => {
    const shared = join(scratch(), 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    prepareDataDir(shared);
    expect(modeOf(shared)).toBe(0o1777);
  });

  it('keeps the SQLite file and its WAL files 0600, also when they were made open', () => {
    const dir = join(scratch(), 'data');
    const file = join(dir, 'stepwise.db');
    const first = openStore(file);
    first.sqlite.prepare('select count(*) from users').get();
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(path)).toBe(0o600);
    expect(modeOf(dir)).toBe(0o711);
    first.close();
    chmodSync(file, 0o644);
    const again = openStore(file);
    expect(modeOf(file)).toBe(0o600);
    again.close();
  });

  it('keeps the master key file 0600, also one made open by hand', () => {
    const dir = scratch();
    loadMasterKey(dir);
    expect(modeOf(join(dir, 'master.key'))).toBe(0o600);
    const other = scratch();
    writeFileSync(join(other, 'master.key'), Buffer.alloc(32, 1).toString('base64'), { mode: 0o644 });
    chmodSync(join(other, 'master.key'), 0o644);
    loadMasterKey(other);
    expect(modeOf(join(other, 'master.key'))).toBe(0o600);
  });
});
