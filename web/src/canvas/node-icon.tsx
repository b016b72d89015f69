import {
  ArrowUpDown,
  Bell,
  Bot,
  Box,
  Braces,
  Calculator,
  Calendar,
  CalendarClock,
  Clock,
  Cloud,
  Code,
  CodeXml,
  Combine,
  CopyMinus,
  Database,
  FileSpreadsheet,
  FileText,
  Filter,
  Fingerprint,
  GitBranch,
  Globe,
  Hash,
  Hourglass,
  Key,
  Link,
  List,
  ListEnd,
  type LucideIcon,
  Mail,
  Merge,
  MessageSquare,
  OctagonX,
  PencilLine,
  Play,
  Repeat,
  Search,
  Send,
  Sheet,
  Shuffle,
  Sigma,
  Signpost,
  Split,
  Table,
  Timer,
  TriangleAlert,
  Ungroup,
  User,
  Webhook,
  Zap,
} from 'lucide-react';
import type { NodeIconName } from '../../../nodes/appearance.ts';
import type { NodeType } from '../api/types.ts';

/** The documented icon set (NODE_ICONS in nodes/appearance.ts); a name missing here fails the typecheck. */
const icons: Record<NodeIconName, LucideIcon> = {
  'arrow-up-down': ArrowUpDown,
  bell: Bell,
  bot: Bot,
  box: Box,
  braces: Braces,
  calculator: Calculator,
  calendar: Calendar,
  'calendar-clock': CalendarClock,
  clock: Clock,
  cloud: Cloud,
  code: Code,
  'code-xml': CodeXml,
  combine: Combine,
  'copy-minus': CopyMinus,
  database: Database,
  'file-spreadsheet': FileSpreadsheet,
  'file-text': FileText,
  filter: Filter,
  fingerprint: Fingerprint,
  'git-branch': GitBranch,
  globe: Globe,
  hash: Hash,
  hourglass: Hourglass,
  key: Key,
  link: Link,
  list: List,
  'list-end': ListEnd,
  mail: Mail,
  merge: Merge,
  'message-square': MessageSquare,
  'octagon-x': OctagonX,
  'pencil-line': PencilLine,
  play: Play,
  repeat: Repeat,
  search: Search,
  send: Send,
  sheet: Sheet,
  shuffle: Shuffle,
  sigma: Sigma,
  signpost: Signpost,
  split: Split,
  table: Table,
  timer: Timer,
  'triangle-alert': TriangleAlert,
  ungroup: Ungroup,
  user: User,
  webhook: Webhook,
  zap: Zap,
};

/**
 * A node type's icon: one of the set by name, or the SVG the node brings. An SVG is shown as an
 * image from a data: URL, never put into the page as markup, so whatever it holds (scripts, event
 * handlers, links) does nothing.
 */
export function NodeIcon({ icon, className = 'size-4' }: { icon: NodeType['icon'] | undefined; className?: string }) {
  if (icon && 'svg' in icon) {
    return <img src={`data:image/svg+xml,${encodeURIComponent(icon.svg)}`} alt="" className={className} />;
  }
  const Icon = (icon && icons[icon.name as NodeIconName]) || Box;
  return <Icon className={className} aria-hidden />;
}

/** The icon on a tinted square in the node type's accent colour: how a node is recognised everywhere. */
export function NodeChip({ type, size = 'md' }: { type: NodeType | undefined; size?: 'sm' | 'md' | 'lg' }) {
  // Served as #rrggbb; anything else (a type from a newer server, a typo) falls back to slate.
  const accent = type && /^#[0-9a-f]{6}$/i.test(type.accent) ? type.accent : '#475569';
  const box = { sm: 'size-7 rounded-md', md: 'size-8 rounded-md', lg: 'size-9 rounded-lg' }[size];
  return (
    <span
      className={`flex shrink-0 items-center justify-center ${box}`}
      style={{ color: accent, backgroundColor: `color-mix(in srgb, ${accent} 13%, white)` }}
      data-accent={accent}
    >
      <NodeIcon icon={type?.icon} className={size === 'sm' ? 'size-3.5' : size === 'lg' ? 'size-5' : 'size-4'} />
    </span>
  );
}

/** Palette headings, one per node kind. */
export const kindLabels: Record<NodeType['kind'], string> = {
  trigger: 'Triggers',
  condition: 'Conditions',
  transform: 'Transforms',
  action: 'Actions',
  flow: 'Flow',
};
