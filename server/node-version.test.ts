import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem, REQUIRED_NODE_MAJOR } from './node-version.mjs';

const root = new URL('..', import.meta.url).pathname;

/** Runs the `npm start` entry as if Node were `version` (set before any of our code runs). */
function startAs(version: string | undefined, args: string[]) {
  const pretend = version
    ? ['--import', `data:text/javascript,Object.defineProperty(process.versions,"node",{value:"${version}"})`]
    : [];
  return spawnSync(process.execPath, ['--no-node-snapshot', ...pretend, 'server/start.mjs', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('the Node.js version check', () => {
  it('names the Node.js needed and where to get it, for an older major only', () => {
    expect(nodeVersionProblem('20.11.0')).toMatch(/^Stepwise needs Node\.js 24 or newer; this is Node\.js 20\.11\.0\./);
    expect(nodeVersionProblem('23.9.0')).toMatch(/https:\/\/nodejs\.org\/en\/download/);
    expect(nodeVersionProblem(`${REQUIRED_NODE_MAJOR}.0.0`)).toBeUndefined();
    expect(nodeVersionProblem('25.1.0')).toBeUndefined();
  });

  it('stops `npm start` at once with that sentence on an older Node', () => {
    const run = startAs('20.11.0', []);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(nodeVersionProblem('20.11.0'));
    expect(run.stdout).toBe('');
  });

  it('hands over to the stepwise command on a supported Node', () => {
    const run = startAs(undefined, ['no-such-command']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown command "no-such-command"/);
  });

  it('makes `npm install` refuse an unsupported Node before building anything', async () => {
    const { readFile } = await import('node:fs/promises');
    const npmrc = await readFile(`${root}.npmrc`, 'utf8');
    const pkg = JSON.parse(await readFile(`${root}package.json`, 'utf8'));
    expect(npmrc).toMatch(/^engine-strict=true$/m);
    expect(pkg.engines.node).toBe(`>=${REQUIRED_NODE_MAJOR}`);
    expect(pkg.scripts.start).toMatch(/server\/start\.mjs$/);
    expect(pkg.bin.stepwise).toBe('server/start.mjs');
  });
});
