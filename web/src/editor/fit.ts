import type { FitViewOptions } from '@xyflow/react';

/**
 * The smallest zoom "fit" and "tidy up" go to: below it a node's title is too small to read, and
 * a graph fitted whole at 55 % left most of the canvas empty around unreadable nodes. A graph too
 * big to fit at this zoom is centred instead; the minimap and scrolling show the rest.
 */
export const MIN_FIT_ZOOM = 0.8;

export const fitViewOptions: FitViewOptions = { padding: 0.25, minZoom: MIN_FIT_ZOOM, maxZoom: 1 };
