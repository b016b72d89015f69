import type { Graph } from '../../api/types.ts';

/**
 * Which iteration of each loop the execution page shows, and what follows from it: the scope
 * (nodes/step.ts) each node's steps are read from. Iterations are chosen per loop frame and kept in
 * the URL, 1-based as people count items: `?iteration=37` for the first top-level loop, which is
 * "item 37 of the loop", and `?iteration.<loop id>=3` for any other (a nested loop: its item 3
 * within the outer item shown).
 */

const PARAM = 'iteration';

/** The frames of a graph: each node's loop (when it names one), and the loops, in graph order. */
export interface LoopFrames {
  readonly loops: readonly string[];
  readonly parentOf: ReadonlyMap<string, string | undefined>;
}

export function loopFrames(graph: Graph, isLoop: (type: string) => boolean): LoopFrames {
  const loops = graph.nodes.filter((node) => isLoop(node.type)).map((node) => node.id);
  const known = new Set(loops);
  return {
    loops,
    parentOf: new Map(
      graph.nodes.map((node) => [node.id, node.parentId && known.has(node.parentId) ? node.parentId : undefined]),
    ),
  };
}

/** The loop that `?iteration=` (without a loop id) means: the first one at the top level. */
const mainLoop = (frames: LoopFrames) => frames.loops.find((loop) => frames.parentOf.get(loop) === undefined);

/** The chosen iteration (0-based index) of each loop, from the URL; loops not named are not chosen. */
export function chosenIterations(params: URLSearchParams, frames: LoopFrames): Map<string, number> {
  const chosen = new Map<string, number>();
  const read = (text: string | null) => {
    const item = Number(text);
    return text !== null && Number.isInteger(item) && item >= 1 ? item - 1 : undefined;
  };
  const main = mainLoop(frames);
  const bare = read(params.get(PARAM));
  if (main !== undefined && bare !== undefined) chosen.set(main, bare);
  for (const loop of frames.loops) {
    const index = read(params.get(`${PARAM}.${loop}`));
    if (index !== undefined) chosen.set(loop, index);
  }
  return chosen;
}

/** The URL's parameters with `loop`'s iteration set to `index` (0-based), other parameters kept. */
export function withIteration(
  params: URLSearchParams,
  frames: LoopFrames,
  loop: string,
  index: number,
): URLSearchParams {
  const next = new URLSearchParams(params);
  const key = loop === mainLoop(frames) ? PARAM : `${PARAM}.${loop}`;
  if (key === PARAM) next.delete(`${PARAM}.${loop}`);
  next.set(key, String(index + 1));
  return next;
}

/** The loops around a node, outermost first. */
export function loopsAround(nodeId: string, frames: LoopFrames): string[] {
  const around: string[] = [];
  const seen = new Set<string>();
  for (let at = frames.parentOf.get(nodeId); at !== undefined && !seen.has(at); at = frames.parentOf.get(at)) {
    seen.add(at);
    around.unshift(at);
  }
  return around;
}

/**
 * The scope a node's steps are read from: "" at the top, else the chosen index of each loop around
 * it, outermost first ("36/2"); undefined while a loop around it has no iteration chosen.
 */
export function scopeOf(nodeId: string, frames: LoopFrames, chosen: ReadonlyMap<string, number>): string | undefined {
  const indexes: number[] = [];
  for (const loop of loopsAround(nodeId, frames)) {
    const index = chosen.get(loop);
    if (index === undefined) return undefined;
    indexes.push(index);
  }
  return indexes.join('/');
}
