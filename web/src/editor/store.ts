import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Connection } from '../../../server/core/graph/connection.ts';
import type { Graph, GraphNode, Problem } from '../api/types.ts';
import { BODY_START, LOOP_DEFAULT_SIZE } from '../canvas/loop-frame-geometry.ts';
import { NodeTypes } from '../canvas/node-types.ts';
import { afterSettled } from '../lib/after-settled.ts';
import { frameSize, growFramesToFit, reparent, settleInFrames } from './frames.ts';
import {
  changeType,
  connect,
  copyFragment,
  type Fragment,
  fragmentRoots,
  initialConfig,
  movePositions,
  NODE_GAP_X,
  offsetTo,
  pasteFragment,
  placeRightOf,
  remove,
  renameNode,
  setNodeSettings,
  setWorkflowSettings,
  uniqueId,
  uniqueName,
  updateNode,
} from './graph-ops.ts';
import type { CheckedProblems } from './problems.ts';
import { sameProblems, sameRulesInput } from './problems-equal.ts';

/**
 * The editor's state: the draft graph in the server's own shape (React Flow only draws it),
 * the selection, undo/redo history, and what the server and test runs said about the graph.
 * One store per open editor (a factory, provided through context), read with selectors.
 */
export interface EditorState {
  readonly graph: Graph;
  readonly selectedNodeIds: readonly string[];
  readonly selectedEdgeIds: readonly string[];
  readonly past: readonly Graph[];
  readonly future: readonly Graph[];
  /**
   * The graph's problems after every edit: the shared rules run here, merged with the server's last
   * answer (`checked`), which stays the authority for the nodes it saw unchanged (problems.ts).
   */
  readonly problems: readonly Problem[];
  /** What the server last said about the graph (a saved draft, a refused version), and of which graph. */
  readonly checked: CheckedProblems | null;
  /** Node sizes React Flow measured; kept beside the graph (not in it) for drawing and layout. */
  readonly measured: Readonly<Record<string, { width: number; height: number }>>;
  /** Node id whose name is being edited on the canvas. */
  readonly renaming: string | null;
  /** The node types the server serves: what new nodes start as, and which edges may be drawn. */
  readonly types: NodeTypes;
}

export interface EditorActions {
  /**
   * Adds a node of `type`. `position` is on the canvas (a drop): the node joins the loop frame it
   * lands in. Without one it goes right of `connectFrom` (default: the selected node), in its frame.
   */
  addNode(type: string, options?: { position?: { x: number; y: number }; connectFrom?: string | null }): string;
  connect(connection: Connection): void;
  deleteSelection(): void;
  removeElements(nodeIds: readonly string[], edgeIds: readonly string[]): void;
  select(nodeIds: readonly string[], edgeIds?: readonly string[]): void;
  /** Starts a drag: one history step covers every move until the next edit. */
  beginMove(): void;
  move(positions: ReadonlyMap<string, { x: number; y: number }>): void;
  /**
   * Ends a drag: each moved node joins the loop frame it now stands in, or leaves the one it was
   * taken out of (its position converted, so it stays where it is seen). Part of the drag's undo step.
   */
  settle(nodeIds: readonly string[]): void;
  /** A loop's frame resized (and moved, when pulled by its top or left edge); part of the drag's undo step. */
  resizeFrame(nodeId: string, size: { width: number; height: number }, position?: { x: number; y: number }): void;
  setConfig(nodeId: string, config: Record<string, unknown>): void;
  /** A node's settings (error handling, retry); undefined removes them. */
  setSettings(nodeId: string, settings: Record<string, unknown> | undefined): void;
  /** The workflow's settings (time limit, error workflow), versioned with the graph. */
  setWorkflowSettings(settings: Graph['settings']): void;
  /** Another type for a node, in place (triggers: manual ↔ webhook ↔ schedule); one undo step. */
  changeType(nodeId: string, type: string): void;
  rename(nodeId: string, name: string): boolean;
  setRenaming(nodeId: string | null): void;
  copy(): boolean;
  /**
   * Where the pointer is on the canvas, in graph coordinates (null: not over it). Not state: it
   * changes with every mouse move and nothing redraws for it; paste reads it.
   */
  setPointer(point: { x: number; y: number } | null): void;
  /** Pastes what was copied at the pointer, or beside the originals when the pointer is off the canvas. */
  paste(): string[];
  duplicate(): string[];
  undo(): void;
  redo(): void;
  /** Replaces every position at once (auto-layout) as one undoable step. */
  applyLayout(positions: ReadonlyMap<string, { x: number; y: number; size?: { width: number; height: number } }>): void;
  /** Replaces the graph without history (a reload from the server). */
  reset(graph: Graph): void;
  /** The server's problems of `graph` (the one it was sent; by default the graph as it is now). */
  setProblems(problems: readonly Problem[], graph?: Graph): void;
  setMeasured(sizes: ReadonlyMap<string, { width: number; height: number }>): void;
}

export type EditorStore = StoreApi<EditorState & EditorActions>;

const HISTORY_LIMIT = 100;
/** Typing in one field within this long is one undo step, not one per keystroke. */
const COALESCE_MS = 1000;
const PASTE_OFFSET = 40;

/**
 * Copied nodes live beyond one editor, so they can be pasted into another workflow. `pastes` counts
 * pastes at one place, so pasting twice without moving the pointer cascades instead of stacking.
 */
let clipboard: { fragment: Fragment; pastes: number; at?: string } | null = null;

export function createEditorStore(
  initial: Graph,
  options: { types?: NodeTypes; problems?: readonly Problem[] } = {},
): EditorStore {
  const types = options.types ?? new NodeTypes([]);
  let lastCoalesce: { key: string; at: number } | null = null;
  let pointer: { x: number; y: number } | null = null;
  const checked = options.problems ? { graph: initial, problems: options.problems } : null;

  const store = createStore<EditorState & EditorActions>()((set, get) => {
    /** Records `next` as a new graph; `coalesce` folds repeated edits of one thing into one step. */
    const commit = (next: Graph, extra: Partial<EditorState> = {}, coalesce?: string) => {
      const { graph, past } = get();
      if (next === graph) {
        if (Object.keys(extra).length > 0) set(extra);
        return;
      }
      const now = Date.now();
      const folded = coalesce !== undefined && lastCoalesce?.key === coalesce && now - lastCoalesce.at < COALESCE_MS;
      lastCoalesce = coalesce !== undefined ? { key: coalesce, at: now } : null;
      set({
        graph: next,
        past: folded ? past : [...past, graph].slice(-HISTORY_LIMIT),
        future: [],
        ...extra,
      });
    };

    const selectedNode = (): GraphNode | undefined => {
      const { graph, selectedNodeIds } = get();
      const last = selectedNodeIds[selectedNodeIds.length - 1];
      return last ? graph.nodes.find((node) => node.id === last) : undefined;
    };

    const keepSelection = (graph: Graph) => keepSelectionOf(graph, get());

    /** A pasted fragment's outermost nodes join the frames they land in (the rest came in their frames). */
    const settled = (pasted: { graph: Graph; nodeIds: string[] }, fragment: Fragment) => {
      const roots = new Set(fragmentRoots(fragment).map((node) => fragment.nodes.indexOf(node)));
      const placed = settleInFrames(
        pasted.graph,
        pasted.nodeIds.filter((_, index) => roots.has(index)),
        types,
      );
      return growFramesToFit(placed, types, get().measured);
    };

    return {
      graph: initial,
      selectedNodeIds: [],
      selectedEdgeIds: [],
      past: [],
      future: [],
      // Opened with the server's answer for this very graph, that answer is what the shared rules
      // would show here, or more (the server also runs each config's zod schema): they run from the
      // first edit on (below). On 500 nodes they take ~70 ms, which held up the canvas's drawing.
      problems: checked ? [...checked.problems] : (rules?.currentProblems(initial, types, checked) ?? []),
      checked,
      measured: {},
      renaming: null,
      types,

      addNode(type, { position, connectFrom } = {}) {
        const { graph } = get();
        const title = types.titleOf(type);
        const name = uniqueName(title, new Set(graph.nodes.map((node) => node.name)));
        const id = uniqueId(name, new Set(graph.nodes.map((node) => node.id)));
        // Clicking a palette entry places the node right of the selected one and connects it.
        const anchor =
          connectFrom === null
            ? undefined
            : connectFrom !== undefined
              ? graph.nodes.find((node) => node.id === connectFrom)
              : selectedNode();
        const loop = types.offers(type, 'loop-frame');
        // A new node beside a loop goes after it (its `done` port), right of its frame.
        const anchorIsLoop = anchor !== undefined && types.offers(anchor.type, 'loop-frame');
        const beside =
          anchor && anchorIsLoop
            ? {
                x: anchor.position.x + frameSize(anchor).width + NODE_GAP_X,
                y: anchor.position.y + BODY_START.y - 28,
              }
            : placeRightOf(graph, anchor);
        const node: GraphNode = {
          id,
          type,
          name,
          position: position ?? beside,
          ...(!position && anchor?.parentId ? { parentId: anchor.parentId } : {}),
          ...(loop ? { size: { ...LOOP_DEFAULT_SIZE } } : {}),
          config: initialConfig(types.get(type)?.configSchema),
        };
        let next: Graph = { ...graph, nodes: [...graph.nodes, node] };
        if (position) next = settleInFrames(next, [id], types);
        next = growFramesToFit(next, types, get().measured);
        if (anchor && !types.isTrigger(type)) {
          const ports = types.portsOf(anchor.type, anchor.config);
          const port = (anchorIsLoop ? ports.find((name) => name !== 'body') : ports[0]) ?? 'main';
          next = connect(next, { source: anchor.id, sourcePort: port, target: id }, types);
        }
        commit(next, { selectedNodeIds: [id], selectedEdgeIds: [] });
        return id;
      },

      connect(connection) {
        commit(connect(get().graph, connection, types));
      },

      deleteSelection() {
        const { selectedNodeIds, selectedEdgeIds } = get();
        get().removeElements(selectedNodeIds, selectedEdgeIds);
      },

      removeElements(nodeIds, edgeIds) {
        const next = remove(get().graph, nodeIds, edgeIds);
        commit(next, keepSelectionOf(next, get()));
      },

      select(nodeIds, edgeIds = []) {
        const { selectedNodeIds, selectedEdgeIds } = get();
        if (sameList(nodeIds, selectedNodeIds) && sameList(edgeIds, selectedEdgeIds)) return;
        set({ selectedNodeIds: [...nodeIds], selectedEdgeIds: [...edgeIds] });
      },

      beginMove() {
        const { graph, past } = get();
        lastCoalesce = null;
        set({ past: [...past, graph].slice(-HISTORY_LIMIT), future: [] });
      },

      move(positions) {
        const next = movePositions(get().graph, positions);
        if (next !== get().graph) set({ graph: next });
      },

      settle(nodeIds) {
        const next = growFramesToFit(settleInFrames(get().graph, nodeIds, types), types, get().measured);
        if (next !== get().graph) set({ graph: next });
      },

      resizeFrame(nodeId, size, position) {
        const rounded = { width: Math.round(size.width), height: Math.round(size.height) };
        const resized = updateNode(get().graph, nodeId, (node) =>
          node.size?.width === rounded.width && node.size.height === rounded.height && !position
            ? node
            : {
                ...node,
                size: rounded,
                ...(position ? { position: { x: Math.round(position.x), y: Math.round(position.y) } } : {}),
              },
        );
        // Never smaller than what the frame holds.
        const next = growFramesToFit(resized, types, get().measured);
        if (next !== get().graph) set({ graph: next });
      },

      setConfig(nodeId, config) {
        commit(
          updateNode(get().graph, nodeId, (node) => ({ ...node, config })),
          {},
          `config:${nodeId}`,
        );
      },

      setSettings(nodeId, settings) {
        commit(setNodeSettings(get().graph, nodeId, settings), {}, `settings:${nodeId}`);
      },

      setWorkflowSettings(settings) {
        commit(setWorkflowSettings(get().graph, settings));
      },

      changeType(nodeId, type) {
        commit(changeType(get().graph, nodeId, type, initialConfig(types.get(type)?.configSchema)));
      },

      rename(nodeId, raw) {
        const name = raw.trim().slice(0, 100);
        const { graph } = get();
        if (!name) return false;
        if (graph.nodes.some((node) => node.name === name && node.id !== nodeId)) return false;
        commit(renameNode(graph, nodeId, name));
        return true;
      },

      setRenaming(nodeId) {
        set({ renaming: nodeId });
      },

      copy() {
        const { graph, selectedNodeIds } = get();
        if (selectedNodeIds.length === 0) return false;
        clipboard = { fragment: copyFragment(graph, selectedNodeIds), pastes: 0 };
        return true;
      },

      setPointer(point) {
        pointer = point;
      },

      paste() {
        if (!clipboard || clipboard.fragment.nodes.length === 0) return [];
        const at = pointer ? `${Math.round(pointer.x)},${Math.round(pointer.y)}` : undefined;
        clipboard.pastes = at !== undefined && at !== clipboard.at ? 0 : clipboard.pastes + 1;
        clipboard.at = at;
        const cascade = PASTE_OFFSET * clipboard.pastes;
        const base = pointer ? offsetTo(clipboard.fragment, pointer) : { x: 0, y: 0 };
        const offset = { x: base.x + cascade, y: base.y + cascade };
        const pasted = pasteFragment(get().graph, clipboard.fragment, offset);
        commit(settled(pasted, clipboard.fragment), { selectedNodeIds: pasted.nodeIds, selectedEdgeIds: [] });
        return pasted.nodeIds;
      },

      duplicate() {
        const { graph, selectedNodeIds } = get();
        if (selectedNodeIds.length === 0) return [];
        const fragment = copyFragment(graph, selectedNodeIds);
        const pasted = pasteFragment(graph, fragment, { x: PASTE_OFFSET, y: PASTE_OFFSET });
        // A duplicate stays in its original's frame (a loop's copy would otherwise land in the original).
        let next = pasted.graph;
        for (const [index, node] of fragment.nodes.entries()) {
          const copy = pasted.nodeIds[index];
          if (node.parentId || !copy) continue;
          next = reparent(next, copy, graph.nodes.find((original) => original.id === node.id)?.parentId);
        }
        commit(growFramesToFit(next, types, get().measured), {
          selectedNodeIds: pasted.nodeIds,
          selectedEdgeIds: [],
        });
        return pasted.nodeIds;
      },

      undo() {
        const { past, future, graph } = get();
        const previous = past[past.length - 1];
        if (!previous) return;
        lastCoalesce = null;
        set({ graph: previous, past: past.slice(0, -1), future: [graph, ...future], ...keepSelection(previous) });
      },

      redo() {
        const { past, future, graph } = get();
        const next = future[0];
        if (!next) return;
        lastCoalesce = null;
        set({ graph: next, past: [...past, graph], future: future.slice(1), ...keepSelection(next) });
      },

      applyLayout(positions) {
        const moved = movePositions(get().graph, positions);
        const sized = {
          ...moved,
          nodes: moved.nodes.map((node) => {
            const size = positions.get(node.id)?.size;
            return size && (size.width !== node.size?.width || size.height !== node.size?.height)
              ? { ...node, size }
              : node;
          }),
        };
        commit(sized.nodes.some((node, index) => node !== moved.nodes[index]) ? sized : moved);
      },

      reset(graph) {
        lastCoalesce = null;
        set({ graph, past: [], future: [], selectedNodeIds: [], selectedEdgeIds: [] });
      },

      setProblems(problems, graph = get().graph) {
        set({ checked: { graph, problems } });
      },

      setMeasured(sizes) {
        const measured = { ...get().measured };
        let changed = false;
        for (const [id, size] of sizes) {
          const known = measured[id];
          if (known?.width === size.width && known.height === size.height) continue;
          measured[id] = size;
          changed = true;
        }
        if (changed) set({ measured });
      },
    };
  });

  const refresh = (loaded: GraphRules) => {
    const state = store.getState();
    const problems = loaded.currentProblems(state.graph, types, state.checked);
    if (!sameProblems(problems, state.problems)) store.setState({ problems });
  };
  // Problems follow every edit at once, not the autosave round trip; a move changes no rule's input.
  store.subscribe((state, previous) => {
    if (state.checked === previous.checked && sameRulesInput(state.graph, previous.graph)) return;
    if (rules) refresh(rules);
  });
  // Until the rules arrive, what the server said stands; once here, they catch up with any edit
  // made meanwhile (or, opened without an answer, give the first one).
  if (!rules) {
    // Once the canvas is drawn and has settled (lib/after-settled.ts), not in the way of a first
    // click; then at the browser's first idle moment, at most a second away (as before).
    afterSettled(
      () =>
        void loadGraphRules().then((loaded) => {
          const { graph, checked: answer } = store.getState();
          if (!answer || !sameRulesInput(graph, answer.graph)) refresh(loaded);
        }),
      1000,
    );
  }
  return store;
}

type GraphRules = typeof import('./problems.ts');
let rules: GraphRules | undefined;
let loadingRules: Promise<GraphRules> | undefined;

/**
 * The shared graph rules, with the JavaScript parser that checks `{{ }}` expressions (acorn, about
 * 100 kB), load beside the canvas instead of before it: an opened workflow is drawn from the
 * server's answer, and the rules are needed only from the first edit on. Tests await this before
 * editing, as a user's first click comes after it in practice.
 */
export function loadGraphRules(): Promise<GraphRules> {
  loadingRules ??= import('./problems.ts').then((loaded) => {
    rules = loaded;
    return loaded;
  });
  return loadingRules;
}

function keepSelectionOf(graph: Graph, state: EditorState) {
  const nodeIds = new Set(graph.nodes.map((node) => node.id));
  const edgeIds = new Set(graph.edges.map((edge) => edge.id));
  return {
    selectedNodeIds: state.selectedNodeIds.filter((id) => nodeIds.has(id)),
    selectedEdgeIds: state.selectedEdgeIds.filter((id) => edgeIds.has(id)),
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

/** For tests: forget what was copied. */
export function clearClipboard(): void {
  clipboard = null;
}

export const EditorStoreContext = createContext<EditorStore | null>(null);

export function useEditorStore(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (!store) throw new Error('useEditor needs an EditorStoreContext provider');
  return store;
}

export function useEditor<T>(selector: (state: EditorState & EditorActions) => T): T {
  return useStore(useEditorStore(), selector);
}
