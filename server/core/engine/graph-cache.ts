import { Graph } from '../graph/model.ts';
import { type CompiledGraph, compileGraph } from './compile.ts';
import type { RunGraphRef } from './ports.ts';

/**
 * Compiled graphs by what they run: a version (immutable, so cached by version id) or the copy
 * of a draft a test run keeps (cached by execution id). Bounded, oldest entry out first. The
 * stored graph is read (`load`: `RunStore.graphSource`) only on a miss.
 */
export class GraphCache {
  private readonly entries = new Map<string, CompiledGraph>();
  private readonly capacity: number;
  constructor(capacity = 256) {
    this.capacity = capacity;
  }

  /** The cached graph, without reading anything: undefined on a miss. */
  cached(run: RunGraphRef): CompiledGraph | undefined {
    return this.entries.get(keyOf(run));
  }

  /** Compiles and caches a graph read from the store; throws when there is none or it cannot run. */
  add(run: RunGraphRef, source: unknown): CompiledGraph {
    if (source === undefined || source === null) throw new Error(`execution ${run.id} has no graph to run`);
    const compiled = compileGraph(Graph.parse(source));
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(keyOf(run), compiled);
    return compiled;
  }

  async forExecution(run: RunGraphRef, load: (run: RunGraphRef) => Promise<unknown>): Promise<CompiledGraph> {
    return this.cached(run) ?? this.add(run, await load(run));
  }
}

const keyOf = (run: RunGraphRef) => (run.versionId ? `version:${run.versionId}` : `execution:${run.id}`);
