import type { Graph, GraphNode } from '../../api/types.ts';
import { BODY_START, FRAME_HEADER, LOOP_DEFAULT_SIZE } from '../../canvas/loop-frame-geometry.ts';
import { NodeIcon } from '../../canvas/node-icon.tsx';
import { nodeSubtitle } from '../../canvas/node-subtitle.ts';
import type { NodeTypes } from '../../canvas/node-types.ts';

/*
 * A read-only drawing of a graph as the canvas lays it out (the same positions, node width, loop
 * frames and port rows), in one SVG that scales to its box: the templates gallery shows dozens of
 * these, and a React Flow instance each would cost a canvas's weight per card.
 */

const NODE_WIDTH = 224;
const NODE_HEIGHT = 58;
const PORT_ROW = 19;
const PADDING = 32;
const SLATE = '#475569';
/** A node drawn as its icon alone (a long chain in a small box): a square this big, columns this close. */
const TILE = 64;
const COMPACT_X = 0.3;
const COMPACT_Y = 0.6;
/**
 * Wider than this (canvas pixels, about four columns) and drawn in full in a card, a chain's text
 * would be too small to read: it is drawn as tiles instead.
 */
const COMPACT_FROM_WIDTH = 1000;
/** Tiles are drawn at most this large: a short chain is not blown up to fill its box. */
const COMPACT_MIN_VIEW_WIDTH = 600;
/** In a tiled loop frame: the loop's own tile on top, its body's row below. */
const TILE_FRAME_BODY_TOP = TILE + 16;
const TILE_FRAME_HEIGHT = TILE_FRAME_BODY_TOP + TILE + 12;

interface Box {
  readonly node: GraphNode;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly ports: readonly string[];
  readonly frame: boolean;
  /** Drawn as an icon tile (compact), not as a canvas node; with `frame`, a loop's tile and its body's row. */
  readonly tile: boolean;
}

/** Where each node is drawn: absolute positions (a loop body's are relative to its frame), sizes, ports. */
function layout(graph: Graph, types: NodeTypes | undefined, compact = false): Map<string, Box> {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const boxes = new Map<string, Box>();
  const place = (node: GraphNode, depth = 0): Box => {
    const known = boxes.get(node.id);
    if (known) return known;
    const parent = node.parentId && depth < 10 ? byId.get(node.parentId) : undefined;
    const origin = parent ? place(parent, depth + 1) : { x: 0, y: 0 };
    const ports = types?.portsOf(node.type, node.config, node.settings) ?? ['main'];
    const frame = types?.get(node.type)?.affordances.includes('loop-frame') ?? node.type === 'flow.loop';
    const size = frame ? (node.size ?? LOOP_DEFAULT_SIZE) : undefined;
    const box: Box = compact
      ? {
          node,
          // A body's tiles sit in the frame's lower row; everything else keeps its place, drawn closer.
          x: origin.x + node.position.x * COMPACT_X,
          y: parent
            ? origin.y + TILE_FRAME_BODY_TOP + (node.position.y - BODY_START.y) * COMPACT_Y
            : node.position.y * COMPACT_Y,
          width: size ? Math.max(size.width * COMPACT_X, TILE + 24) : TILE,
          height: size ? TILE_FRAME_HEIGHT : TILE,
          ports,
          frame,
          tile: true,
        }
      : {
          node,
          x: origin.x + node.position.x,
          y: origin.y + node.position.y,
          width: size?.width ?? NODE_WIDTH,
          height: size?.height ?? NODE_HEIGHT + (ports.length > 1 ? ports.length * PORT_ROW + 10 : 0),
          ports,
          frame,
          tile: false,
        };
    boxes.set(node.id, box);
    return box;
  };
  for (const node of graph.nodes) place(node);
  return boxes;
}

/** Where an edge leaves its source: a loop's `body` inside its frame, `done` at its header, a port's row. */
function exitOf(box: Box, port: string): { x: number; y: number } {
  if (box.tile && box.frame) {
    if (port === 'body') return { x: box.x + 8, y: box.y + TILE_FRAME_BODY_TOP + TILE / 2 };
    return { x: box.x + box.width, y: box.y + 8 + TILE / 2 };
  }
  if (box.tile) {
    const row = Math.max(0, box.ports.indexOf(port));
    return { x: box.x + box.width, y: box.y + ((row + 1) * box.height) / (box.ports.length + 1) };
  }
  if (box.frame) {
    if (port === 'body') return { x: box.x + 14, y: box.y + FRAME_HEADER + (box.height - FRAME_HEADER) / 2 };
    return { x: box.x + box.width, y: box.y + FRAME_HEADER / 2 };
  }
  const row = box.ports.indexOf(port);
  if (box.ports.length <= 1 || row < 0) return { x: box.x + box.width, y: box.y + NODE_HEIGHT / 2 };
  return { x: box.x + box.width, y: box.y + NODE_HEIGHT + 6 + row * PORT_ROW + PORT_ROW / 2 };
}

/** Where an edge enters its target: a loop's return point inside its frame when it comes from the body. */
function entryOf(box: Box, fromBody: boolean): { x: number; y: number } {
  if (box.tile && box.frame) {
    if (fromBody) return { x: box.x + box.width - 8, y: box.y + TILE_FRAME_BODY_TOP + TILE / 2 };
    return { x: box.x, y: box.y + 8 + TILE / 2 };
  }
  if (box.frame) {
    if (fromBody) return { x: box.x + box.width - 14, y: box.y + FRAME_HEADER + (box.height - FRAME_HEADER) / 2 };
    return { x: box.x, y: box.y + FRAME_HEADER / 2 };
  }
  return { x: box.x, y: box.y + (box.tile ? box.height : NODE_HEIGHT) / 2 };
}

function curve(from: { x: number; y: number }, to: { x: number; y: number }): string {
  const bend = Math.max(40, Math.abs(to.x - from.x) / 2);
  return `M ${from.x} ${from.y} C ${from.x + bend} ${from.y}, ${to.x - bend} ${to.y}, ${to.x} ${to.y}`;
}

/** The accent of a node's type, #rrggbb as served, slate for a type this server does not have. */
const accentOf = (types: NodeTypes | undefined, type: string) => {
  const accent = types?.get(type)?.accent;
  return accent && /^#[0-9a-f]{6}$/i.test(accent) ? accent : SLATE;
};

export function GraphPreview({
  graph,
  types,
  label,
  className = '',
  allowCompact = false,
}: {
  graph: Graph;
  types: NodeTypes | undefined;
  /** In a small box, a long graph is drawn as icon tiles, its text being unreadable anyway. */
  allowCompact?: boolean;
  /** What the drawing shows, for screen readers (e.g. "Steps of Sync new orders"). */
  label: string;
  className?: string;
}) {
  const full = layout(graph, types);
  const compact = allowCompact && widthOf(full) > COMPACT_FROM_WIDTH;
  const boxes = compact ? layout(graph, types, true) : full;
  const all = [...boxes.values()];
  if (all.length === 0) return null;
  const top = Math.min(...all.map((box) => box.y)) - PADDING;
  const height = Math.max(...all.map((box) => box.y + box.height)) - top + PADDING;
  const drawn = widthOf(boxes) + 2 * PADDING;
  const width = compact ? Math.max(drawn, COMPACT_MIN_VIEW_WIDTH) : drawn;
  const left = Math.min(...all.map((box) => box.x)) - PADDING - (width - drawn) / 2;
  // Frames first, so the nodes of a loop's body are drawn on top of it; edges above frames.
  const frames = all.filter((box) => box.frame);
  const nodes = all.filter((box) => !box.frame);

  return (
    <svg
      viewBox={`${left} ${top} ${width} ${height}`}
      preserveAspectRatio="xMidYMid meet"
      role="img"
      aria-label={label}
      className={className}
      data-testid="graph-preview"
    >
      {frames.map((box) =>
        box.tile ? (
          <TileFrameShape key={box.node.id} box={box} types={types} />
        ) : (
          <LoopFrameShape key={box.node.id} box={box} types={types} />
        ),
      )}
      {graph.edges.map((edge) => {
        const source = boxes.get(edge.source);
        const target = boxes.get(edge.target);
        if (!source || !target) return null;
        const fromBody = target.frame && source.node.parentId === target.node.id;
        const error = edge.sourcePort === 'error';
        return (
          <path
            key={edge.id}
            d={curve(exitOf(source, edge.sourcePort), entryOf(target, fromBody))}
            fill="none"
            stroke={error ? '#ef4444' : '#94a3b8'}
            strokeWidth={2}
            strokeDasharray={error ? '6 4' : undefined}
          />
        );
      })}
      {nodes.map((box) =>
        box.tile ? (
          <TileShape key={box.node.id} box={box} types={types} />
        ) : (
          <NodeShape key={box.node.id} box={box} types={types} />
        ),
      )}
    </svg>
  );
}

/** How wide a layout is, from its leftmost node's left edge to its rightmost node's right edge. */
function widthOf(boxes: Map<string, Box>): number {
  const all = [...boxes.values()];
  return Math.max(...all.map((box) => box.x + box.width)) - Math.min(...all.map((box) => box.x));
}

function Chip({
  x,
  y,
  types,
  type,
  size = 32,
}: {
  x: number;
  y: number;
  types: NodeTypes | undefined;
  type: string;
  size?: number;
}) {
  const accent = accentOf(types, type);
  const icon = size / 2;
  const served = types?.get(type)?.icon;
  return (
    <g color={accent}>
      <rect x={x} y={y} width={size} height={size} rx={size / 5} fill={accent} fillOpacity={0.13} />
      {served && 'svg' in served ? (
        // A node's own SVG, as an image (never inlined as markup): see NodeIcon.
        <image
          href={`data:image/svg+xml,${encodeURIComponent(served.svg)}`}
          x={x + (size - icon) / 2}
          y={y + (size - icon) / 2}
          width={icon}
          height={icon}
        />
      ) : (
        <svg
          x={x + (size - icon) / 2}
          y={y + (size - icon) / 2}
          width={icon}
          height={icon}
          viewBox="0 0 24 24"
          overflow="visible"
          aria-hidden="true"
        >
          <NodeIcon icon={served} className="size-6" />
        </svg>
      )}
    </g>
  );
}

/** A loop drawn compact: a frame holding the loop's tile on top and its body's tiles below. */
function TileFrameShape({ box, types }: { box: Box; types: NodeTypes | undefined }) {
  return (
    <g data-testid={`preview-node-${box.node.name}`}>
      <title>{box.node.name}</title>
      <rect
        x={box.x}
        y={box.y}
        width={box.width}
        height={box.height}
        rx={14}
        fill="#eef2ff"
        fillOpacity={0.6}
        stroke="#c7d2fe"
        strokeWidth={1.5}
      />
      <rect x={box.x + 8} y={box.y + 8} width={TILE} height={TILE} rx={12} fill="white" stroke="#c7d2fe" />
      <Chip x={box.x + 18} y={box.y + 18} size={TILE - 20} types={types} type={box.node.type} />
    </g>
  );
}

/** A node as its icon on a white square, its name as the tooltip. */
function TileShape({ box, types }: { box: Box; types: NodeTypes | undefined }) {
  return (
    <g data-testid={`preview-node-${box.node.name}`}>
      <title>{box.node.name}</title>
      <rect
        x={box.x}
        y={box.y}
        width={box.width}
        height={box.height}
        rx={12}
        fill="white"
        stroke="#e2e8f0"
        strokeWidth={1.5}
      />
      <Chip x={box.x + 10} y={box.y + 10} size={box.width - 20} types={types} type={box.node.type} />
    </g>
  );
}

function NodeShape({ box, types }: { box: Box; types: NodeTypes | undefined }) {
  const { node } = box;
  const subtitle = nodeSubtitle(node.name, types?.titleOf(node.type) ?? node.type);
  const routesErrors = box.ports.at(-1) === 'error' && node.settings?.onError === 'error-port';
  return (
    <g data-testid={`preview-node-${node.name}`}>
      <rect
        x={box.x}
        y={box.y}
        width={box.width}
        height={box.height}
        rx={8}
        fill="white"
        stroke="#e2e8f0"
        strokeWidth={1.5}
      />
      <Chip x={box.x + 12} y={box.y + 13} types={types} type={node.type} />
      <text
        x={box.x + 54}
        y={box.y + (subtitle ? 26 : 34)}
        fontSize={14}
        fontWeight={500}
        fill="#0f172a"
        fontFamily="inherit"
      >
        {clip(node.name, 22)}
      </text>
      {subtitle && (
        <text x={box.x + 54} y={box.y + 43} fontSize={12} fill="#64748b" fontFamily="inherit">
          {clip(subtitle, 26)}
        </text>
      )}
      {box.ports.length > 1 &&
        box.ports.map((port, row) => {
          const y = box.y + NODE_HEIGHT + 6 + row * PORT_ROW + PORT_ROW / 2;
          const isError = routesErrors && port === 'error';
          return (
            <text
              key={port}
              x={box.x + box.width - 14}
              y={y + 4}
              fontSize={11}
              fontWeight={isError ? 600 : 500}
              textAnchor="end"
              fill={isError ? '#dc2626' : '#64748b'}
              fontFamily="inherit"
            >
              {isError ? 'on error' : port}
            </text>
          );
        })}
      {box.ports.length > 1 && (
        <line
          x1={box.x}
          x2={box.x + box.width}
          y1={box.y + NODE_HEIGHT}
          y2={box.y + NODE_HEIGHT}
          stroke="#f1f5f9"
          strokeWidth={1.5}
        />
      )}
    </g>
  );
}

function LoopFrameShape({ box, types }: { box: Box; types: NodeTypes | undefined }) {
  const { node } = box;
  return (
    <g data-testid={`preview-node-${node.name}`}>
      <rect
        x={box.x}
        y={box.y}
        width={box.width}
        height={box.height}
        rx={12}
        fill="#eef2ff"
        fillOpacity={0.5}
        stroke="#c7d2fe"
        strokeWidth={1.5}
      />
      <path
        d={`M ${box.x} ${box.y + FRAME_HEADER} H ${box.x + box.width}`}
        stroke="#e0e7ff"
        strokeWidth={1.5}
        fill="none"
      />
      <rect x={box.x + 0.75} y={box.y + 0.75} width={box.width - 1.5} height={FRAME_HEADER - 1} rx={11} fill="white" />
      <Chip x={box.x + 12} y={box.y + 12} types={types} type={node.type} />
      <text x={box.x + 54} y={box.y + 25} fontSize={14} fontWeight={600} fill="#0f172a" fontFamily="inherit">
        {clip(node.name, 24)}
      </text>
      <text x={box.x + 54} y={box.y + 42} fontSize={12} fill="#64748b" fontFamily="inherit">
        {clip(`Each of ${String(node.config.items ?? '{{ input }}')}`, 34)}
      </text>
      <circle
        cx={box.x + 14}
        cy={box.y + FRAME_HEADER + (box.height - FRAME_HEADER) / 2}
        r={5}
        fill="#6366f1"
        stroke="white"
        strokeWidth={2}
      />
      <circle
        cx={box.x + box.width - 14}
        cy={box.y + FRAME_HEADER + (box.height - FRAME_HEADER) / 2}
        r={5}
        fill="#6366f1"
        stroke="white"
        strokeWidth={2}
      />
    </g>
  );
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
