/**
 * How a loop's frame is drawn (canvas/loop-frame.tsx), as numbers the editor places nodes by: a
 * header across the top (icon, name, list, concurrency), the body area below it.
 */

/** A new loop's frame: room for a body of two or three nodes side by side. */
export const LOOP_DEFAULT_SIZE = { width: 600, height: 250 } as const;
/** The smallest frame the resize handles allow. */
export const LOOP_MIN_SIZE = { width: 360, height: 180 } as const;
/** Height of the frame's header; the inbound and `done` handles sit at its middle, outside the frame. */
export const FRAME_HEADER = 56;
/** Where a body's first node goes, relative to the frame: clear of the header and the body handle. */
export const BODY_START = { x: 56, y: FRAME_HEADER + 48 } as const;

/** React Flow draws a sub-flow's parent before its children: the nodes with every frame before its insides. */
export function framesFirst<Node extends { id: string; parentId?: string | undefined }>(
  nodes: readonly Node[],
): Node[] {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const depth = new Map<string, number>();
  const depthOf = (node: Node): number => {
    const known = depth.get(node.id);
    if (known !== undefined) return known;
    depth.set(node.id, 0); // a circle of parents (refused by validation) counts as top level
    const parent = node.parentId ? byId.get(node.parentId) : undefined;
    const value = parent ? depthOf(parent) + 1 : 0;
    depth.set(node.id, value);
    return value;
  };
  if (nodes.every((node) => !node.parentId)) return [...nodes];
  return nodes
    .map((node, index) => ({ node, index, depth: depthOf(node) }))
    .sort((a, b) => a.depth - b.depth || a.index - b.index)
    .map((entry) => entry.node);
}
