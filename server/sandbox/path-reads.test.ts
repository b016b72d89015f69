import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPaths } from './path-reads.ts';
import { type ExpressionResult, SandboxPool } from './pool.ts';

const scope = {
  input: {
    total: 42,
    name: 'Ada',
    zero: 0,
    none: null,
    items: [10, { sku: 'A-1' }, 'x'],
    nested: { deep: { value: false }, 'with space': 1, '7': 'seven' },
  },
  trigger: { kind: 'manual' },
  steps: { Lookup: { output: { email: 'ada@example.com', tags: ['vip'] } } },
  item: { n: 3 },
  index: 2,
};

let pool: SandboxPool;
beforeAll(() => {
  pool = new SandboxPool({ expressionTimeoutMs: 2_000 });
});
afterAll(() => pool.dispose());

/** What the isolate answers for `source`: wrapped in a list literal, so it is no plain path and goes there. */
async function inIsolate(source: string): Promise<ExpressionResult> {
  const [answer] = await pool.evaluateExpressions([`[${source}][0]`], scope);
  return answer as ExpressionResult;
}

describe('plain paths are read without the isolate, with the answers the isolate gives', () => {
  it.each([
    'input',
    'input.total',
    'input.zero',
    'input.none',
    'input.missing',
    'input.items[0]',
    'input.items[1].sku',
    'input.items[5]',
    'input.items.length',
    "input.nested['with space']",
    'input.nested[7]',
    'input.nested.deep.value',
    'input.none?.x',
    'input.missing?.x.y',
    'steps.Lookup.output.email',
    'steps.Lookup.output.tags[0]',
    'trigger.kind',
    'item.n',
    'index',
  ])('%s', async (source) => {
    const read = readPaths([source], scope);
    expect(read).toBeDefined();
    expect(read?.[0]).toEqual(await inIsolate(source));
  });

  it('hands the isolate anything a path would read differently, or that is no path at all', () => {
    for (const source of [
      'input.name.length', // a string's property: through its prototype
      'input.total.toFixed', // a number's method
      'input.toString', // inherited from Object.prototype
      'input.items.map', // inherited from Array.prototype
      'input.none.x', // throws in the isolate, in its words
      'input.missing.x',
      'input.total * 2',
      'input.items[index]',
      'Math.max',
      'constructor',
      'input.',
      '"text"',
    ]) {
      expect(readPaths([source], scope), source).toBeUndefined();
    }
    // One source that is no plain path sends the whole call to the isolate.
    expect(readPaths(['input.total', 'input.total + 1'], scope)).toBeUndefined();
  });

  it('answers copies: a node changing what it got leaves the scope as it was', () => {
    const [answer] = readPaths(['input.nested'], scope) as ExpressionResult[];
    (answer as { value: { deep: { value: boolean } } }).value.deep.value = true;
    expect(scope.input.nested.deep.value).toBe(false);
  });

  it('goes through the pool: a call of plain paths answers as the isolate would, errors still in its words', async () => {
    expect(await pool.evaluateExpressions(['input.total', 'index'], scope)).toEqual([
      { defined: true, value: 42 },
      { defined: true, value: 2 },
    ]);
    await expect(pool.evaluateExpressions(['input.none.x'], scope)).rejects.toThrow(/input\.none\.x.*null/);
  });
});

describe('vars, the workspace variables a run recorded', () => {
  const withVars = { ...scope, vars: { API_URL: 'https://api.example.com', TEAM: 'ops' } };
  const isolateAnswer = async (source: string) =>
    (await pool.evaluateExpressions([`[${source}][0]`], withVars))[0] as ExpressionResult;

  it.each(['vars.API_URL', 'vars.TEAM', "vars['TEAM']", 'vars.MISSING', 'vars'])(
    '%s is read without the isolate, as the isolate answers it',
    async (source) => {
      const read = readPaths([source], withVars);
      expect(read).toBeDefined();
      expect(read?.[0]).toEqual(await isolateAnswer(source));
    },
  );

  it('a missing variable is undefined, like a missing field; its property goes to the isolate, which names it', async () => {
    expect(readPaths(['vars.MISSING'], withVars)).toEqual([{ defined: false }]);
    expect(readPaths(['vars.MISSING.x'], withVars)).toBeUndefined();
    await expect(pool.evaluateExpressions(['vars.MISSING.x'], withVars)).rejects.toThrow(/vars\.MISSING\.x/);
  });
});
