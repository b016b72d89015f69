import { LoopFrame } from './loop-frame.tsx';
import { WorkflowNode } from './workflow-node.tsx';

/** The node views of every canvas: a loop (a type with the `loop-frame` affordance) is a frame. */
export const nodeTypes = { workflow: WorkflowNode, loop: LoopFrame };
