import { type CompiledGraph, compileGraph } from '../core/engine/compile.ts';
import { Graph } from '../core/graph.ts';
import type { Store } from '../store/db.ts';
import { type ExecutionRow, getExecutionGraph } from '../store/executions.ts';
import { getVersionById } from '../store/versions.ts';

/**
 * Compiled graphs by what they run: a version (immutable, so cached by version id) or the copy
 * of a draft a test run keeps (cached by execution id). Bounded, oldest entry out first.
 */
export class GraphCache {
  private readonly entries = new Map<string, CompiledGraph>();
  private readonly capacity: number;
  constructor(capacity = 256) {
    this.capacity = capacity;
  }

  forExecution(store: Store, execution: Pick<ExecutionRow, 'id' | 'versionId'>): CompiledGraph {
    const key = execution.versionId ? `version:${execution.versionId}` : `execution:${execution.id}`;
    const cached = this.entries.get(key);
    if (cached) return cached;
    const source = execution.versionId
      ? getVersionById(store.db, execution.versionId)?.graph
      : getExecutionGraph(store.sqlite, execution.id);
    if (source === undefined || source === null) throw new Error(`execution ${execution.id} has no graph to run`);
    const compiled = compileGraph(Graph.parse(source));
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, compiled);
    return compiled;
  }
}
