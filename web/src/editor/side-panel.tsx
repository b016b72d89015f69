import { PanelLeftClose, PanelLeftOpen, PanelRightClose, PanelRightOpen } from 'lucide-react';
import { type ReactNode, useState } from 'react';

/** localStorage key of a panel's collapsed state: remembered per browser, for every workflow. */
export const panelStorageKey = (name: string) => `stepwise.editor.${name}.collapsed`;

function readCollapsed(name: string): boolean {
  try {
    return localStorage.getItem(panelStorageKey(name)) === '1';
  } catch {
    return false; // storage refused (privacy settings): the panel simply starts open
  }
}

function writeCollapsed(name: string, collapsed: boolean): void {
  try {
    if (collapsed) localStorage.setItem(panelStorageKey(name), '1');
    else localStorage.removeItem(panelStorageKey(name));
  } catch {
    // Not remembered, still collapsed for this visit.
  }
}

/**
 * A side panel of the editor (the palette, the node settings) that folds into a narrow rail to
 * give the canvas room, and stays folded in this browser until opened again.
 */
export function SidePanel({
  name,
  side,
  title,
  children,
}: {
  /** Storage name: "palette", "settings". */
  name: string;
  side: 'left' | 'right';
  /** What the panel is, as its buttons name it: "node palette". */
  title: string;
  children: ReactNode;
}) {
  const [collapsed, setCollapsed] = useState(() => readCollapsed(name));
  const toggle = (next: boolean) => {
    setCollapsed(next);
    writeCollapsed(name, next);
  };
  const left = side === 'left';

  if (collapsed) {
    const Open = left ? PanelLeftOpen : PanelRightOpen;
    return (
      <div
        className={`flex w-11 shrink-0 flex-col items-center gap-3 bg-white py-2.5 ${left ? 'border-r' : 'border-l'} border-slate-200`}
        data-panel={name}
        data-collapsed="true"
      >
        <button
          type="button"
          onClick={() => toggle(false)}
          aria-label={`Show the ${title}`}
          title={`Show the ${title}`}
          className="flex size-8 items-center justify-center rounded-md text-slate-500 hover:bg-slate-100 hover:text-slate-900"
        >
          <Open className="size-4" />
        </button>
        <button
          type="button"
          onClick={() => toggle(false)}
          tabIndex={-1}
          aria-hidden
          className="text-[11px] font-semibold tracking-wide text-slate-400 uppercase [writing-mode:vertical-rl] hover:text-slate-700"
        >
          {title}
        </button>
      </div>
    );
  }

  const Close = left ? PanelLeftClose : PanelRightClose;
  const hide = (
    <button
      type="button"
      onClick={() => toggle(true)}
      aria-label={`Hide the ${title}`}
      title={`Hide the ${title}`}
      className="flex size-7 items-center justify-center rounded-md text-slate-400 hover:bg-slate-100 hover:text-slate-700"
    >
      <Close className="size-4" />
    </button>
  );
  // A slim bar over the panel holds its fold button: on the panel, never over canvas nodes.
  return (
    <div className="flex shrink-0 flex-col bg-white" data-panel={name}>
      {/* The panel below draws its own side border; this bar continues it. */}
      <div
        className={`flex h-9 shrink-0 items-center gap-1 border-b border-b-slate-100 px-2 ${left ? 'justify-between border-r border-r-slate-200 pl-3' : 'flex-row-reverse justify-between border-l border-l-slate-200 pr-3'}`}
      >
        <span className="text-[11px] font-semibold tracking-wide text-slate-400 uppercase">{title}</span>
        {hide}
      </div>
      <div className="flex min-h-0 flex-1">{children}</div>
    </div>
  );
}
