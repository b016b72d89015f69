/**
 * How a node type looks in the editor, as data the server serves and the web app draws: nodes/
 * stays free of React, and a node added outside this repository still looks like itself.
 */

/**
 * The icons the web app draws by name (lucide icons). A node names one of these, or brings its own
 * SVG (`{ svg }`), which the web app shows as an image, never as markup in the page.
 */
export const NODE_ICONS = [
  'arrow-up-down',
  'bell',
  'bot',
  'box',
  'braces',
  'calculator',
  'calendar',
  'calendar-clock',
  'clock',
  'cloud',
  'code',
  'code-xml',
  'combine',
  'copy-minus',
  'database',
  'file-spreadsheet',
  'file-text',
  'filter',
  'fingerprint',
  'git-branch',
  'globe',
  'hash',
  'hourglass',
  'key',
  'link',
  'list',
  'list-end',
  'mail',
  'merge',
  'message-square',
  'octagon-x',
  'pencil-line',
  'play',
  'repeat',
  'search',
  'send',
  'sheet',
  'shuffle',
  'sigma',
  'signpost',
  'split',
  'table',
  'timer',
  'triangle-alert',
  'ungroup',
  'user',
  'webhook',
  'zap',
] as const;
export type NodeIconName = (typeof NODE_ICONS)[number];

/** An SVG document of at most this many characters: icons are small, and the list is sent to every editor. */
export const MAX_SVG_LENGTH = 8_000;

export type NodeIcon = NodeIconName | { readonly svg: string };

/** A colour as `#rrggbb`; the editor tints the node's icon chip with it. */
export type Accent = `#${string}`;

/** The accent of a node type that names none: one per kind, so a canvas reads at a glance. */
export const KIND_ACCENTS = {
  trigger: '#6d28d9',
  condition: '#b45309',
  transform: '#0369a1',
  action: '#047857',
  flow: '#334155',
} as const satisfies Record<string, Accent>;

/**
 * Things a node type asks the editor to show beside its form, by name. `webhook-url`: the address
 * the trigger answers at (its config has `path`, `method`, `respond` and `secretCredentialId`).
 * `loop-frame`: the node is drawn as a frame holding its body (nodes whose `parentId` is its id),
 * with its `body` port inside the frame and the body's end connected back to it.
 */
export const NODE_AFFORDANCES = ['webhook-url', 'loop-frame'] as const;
export type NodeAffordance = (typeof NODE_AFFORDANCES)[number];

/** Why an icon cannot be served, or undefined when it can. */
export function iconProblem(icon: NodeIcon): string | undefined {
  if (typeof icon === 'string') {
    return (NODE_ICONS as readonly string[]).includes(icon) ? undefined : `"${icon}" is not one of NODE_ICONS`;
  }
  if (!/^\s*<svg[\s>]/.test(icon.svg) || !icon.svg.includes('xmlns="http://www.w3.org/2000/svg"')) {
    return 'an SVG icon is one <svg xmlns="http://www.w3.org/2000/svg"> document';
  }
  return icon.svg.length > MAX_SVG_LENGTH ? `an SVG icon is at most ${MAX_SVG_LENGTH} characters` : undefined;
}
