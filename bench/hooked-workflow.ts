import type { Graph } from '../server/core/graph/model.ts';
import type { openStore } from '../server/store/db.ts';
import { publishVersion } from '../server/store/publications.ts';
import { insertVersion } from '../server/store/versions.ts';
import { insertWorkflow, updateWorkflow } from '../server/store/workflows.ts';

/**
 * The webhook workflow the benchmarks call (and the one the peers were compared with), published
 * and active, written straight into the store:
 *
 *   Webhook ──▶ Tidy (set) ──▶ Big? (if) ─true─▶ Score (script)
 *
 * Its payload is `{ email, total }`; with a total over 100 every one of its four steps runs.
 */
export function publishHookedWorkflow(
  store: ReturnType<typeof openStore>,
  respond: 'immediately' | 'lastNode',
): string {
  const graph: Graph = {
    nodes: [
      {
        id: 'hook',
        type: 'trigger.webhook',
        name: 'Hook',
        position: { x: 0, y: 0 },
        config: { path: 'orders', respond },
      },
      {
        id: 'tidy',
        type: 'transform.set',
        name: 'Tidy',
        position: { x: 0, y: 100 },
        config: {
          keepInput: false,
          fields: [
            { path: 'email', value: '{{ input.body.email.toLowerCase() }}' },
            { path: 'total', value: '{{ input.body.total }}' },
          ],
        },
      },
      {
        id: 'big',
        type: 'condition.if',
        name: 'Big?',
        position: { x: 0, y: 200 },
        config: { rules: [{ left: '{{ input.total }}', operator: 'greaterThan', right: '100' }] },
      },
      {
        id: 'score',
        type: 'transform.script',
        name: 'Score',
        position: { x: 0, y: 300 },
        config: { code: 'return { ...input, score: input.total * 2 };' },
      },
    ],
    edges: [
      { id: 'e1', source: 'hook', sourcePort: 'main', target: 'tidy' },
      { id: 'e2', source: 'tidy', sourcePort: 'main', target: 'big' },
      { id: 'e3', source: 'big', sourcePort: 'true', target: 'score' },
    ],
  };
  const workflow = insertWorkflow(store.db, { name: `Hook ${respond}`, draft: graph });
  const version = insertVersion(store.db, { workflowId: workflow.id, graph });
  publishVersion(store.db, { workflowId: workflow.id, versionId: version.id, versionNumber: 1 });
  updateWorkflow(store.db, workflow.id, { active: true });
  return workflow.id;
}

/** The hooked workflow's steps: a complete execution has a succeeded step run for every one. */
export const HOOKED_STEPS = 4;

/** A payload that takes the `true` branch, so all four steps run. */
export const HOOKED_PAYLOAD = JSON.stringify({ email: 'Ada@Example.COM', total: 150 });
