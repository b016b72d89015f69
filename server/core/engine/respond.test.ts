import { describe, expect, it } from 'vitest';
import { graphOf } from './ascii-graph.ts';
import { memoryEngine } from './testing/memory-engine.ts';
import type { Script } from './testing/memory-ports.ts';

/*
 * Which Respond to webhook step answers a run (respond.ts): the first one stored, decided in the
 * transaction that stores it; later ones are stored too, their output marked ignored. Whole runs
 * on the in-memory ports, which run the same transaction scripts as SQLite.
 */

const HOOK = 'start: trigger.webhook {"path":"hook","respond":"respondNode"}';

const run = async (drawing: string, script: Script = {}) => {
  const engine = memoryEngine(script);
  const id = await engine.start(graphOf(`${HOOK}\n${drawing}`), {}, 'webhook');
  await engine.runJobs();
  const rows = engine.store.records.rowsOf(id);
  const outputOf = (nodeId: string) => rows.find((row) => row.nodeId === nodeId)?.output;
  return { engine, id, outputOf, answered: engine.store.records.answeringStep(id), ...(await engine.outcome(id)) };
};

describe('Respond to webhook bookkeeping', () => {
  it('a lone responder answers, its output as it made it', async () => {
    const { answered, outputOf, status } = await run('reply: action.respond\nstart -> reply');
    expect(status).toBe('succeeded');
    expect(answered).toMatchObject({ nodeId: 'reply', scope: '', attempt: 1 });
    expect(outputOf('reply')).not.toHaveProperty('ignored');
  });

  /*
   *   start ──▶ first (respond)
   *     └─────▶ second (respond)
   */
  it('of two responders on two branches the first stored answers; the other is stored, marked ignored', async () => {
    const { answered, outputOf, status, steps } = await run(`
      first: action.respond
      second: action.respond
      start -> first
      start -> second
    `);
    expect(status).toBe('succeeded');
    expect(steps).toMatchObject({ first: 'ok', second: 'ok' });
    expect(answered?.nodeId).toBe('first');
    expect(outputOf('first')).not.toHaveProperty('ignored');
    expect(outputOf('second')).toMatchObject({
      ignored: true,
      reason: 'the webhook was already answered by "First"',
    });
  });

  /*
   *   start ──▶ call (http, a job of its own) ──▶ late (respond)
   *     └─────▶ early (respond, inline)
   */
  it('first means first stored, whatever the graph order: a responder behind an action answers later', async () => {
    const { answered, outputOf } = await run(`
      call: action.http
      late: action.respond
      early: action.respond
      start -> call -> late
      start -> early
    `);
    expect(answered?.nodeId).toBe('early');
    expect(outputOf('late')).toMatchObject({ ignored: true, reason: 'the webhook was already answered by "Early"' });
  });

  it('a responder that fails answers nothing: the run ends without an answer', async () => {
    const { answered, status } = await run('broken: action.respond\nstart -> broken', { broken: 'fail!' });
    expect(status).toBe('failed');
    expect(answered).toBeUndefined();
  });
});
