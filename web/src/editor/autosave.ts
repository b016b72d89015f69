import type { EndpointAnswer } from '../api/endpoints.ts';
import type { Draft, Graph } from '../api/types.ts';

/**
 * Autosave of the draft: changes are sent ~600 ms after the last edit, one request at a time,
 * each carrying the revision the previous answer gave (a stale one answers 409: another tab or
 * person saved meanwhile, and nothing is overwritten). Network failures and 5xx are retried with
 * backoff; leaving the page sends what is pending with `keepalive` and keeps a copy in
 * localStorage, so neither a reload nor a closed tab loses an edit.
 */
export type SaveState =
  | { readonly kind: 'saved' }
  | { readonly kind: 'pending' }
  | { readonly kind: 'saving' }
  | { readonly kind: 'retrying'; readonly attempt: number; readonly message: string }
  | { readonly kind: 'conflict'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

export class SaveFailed extends Error {
  override name = 'SaveFailed';
  readonly status: number;
  /** On a 409: the revision the server's draft has now. */
  readonly currentRevision: number | undefined;
  constructor(status: number, message: string, currentRevision?: number) {
    super(message);
    this.status = status;
    this.currentRevision = currentRevision;
  }
}

export interface DraftSaverOptions {
  readonly workflowId: string;
  readonly revision: number;
  readonly onState: (state: SaveState) => void;
  /** The server's answer, and the graph it answers about (the one sent: the store may have moved on). */
  readonly onSaved: (draft: Draft, sent: Graph) => void;
  readonly fetch?: (url: string, init: RequestInit) => Promise<Response>;
  readonly storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  readonly delayMs?: number;
  /** Backoff of the n-th retry (1-based); default 1 s doubling up to 30 s. */
  readonly backoffMs?: (attempt: number) => number;
}

/** Browsers refuse keepalive bodies above 64 KiB; bigger drafts rely on the local copy. */
const KEEPALIVE_LIMIT = 60 * 1024;

export const backupKey = (workflowId: string) => `stepwise.draft.${workflowId}`;

interface Backup {
  readonly graph: Graph;
  /** Revision the unsaved graph was based on; `inFlight`: a save of base+1 may have landed. */
  readonly base: number;
  readonly inFlight: boolean;
}

export class DraftSaver {
  private revision: number;
  private latest: Graph | null = null;
  private sending: Graph | null = null;
  private loop: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | undefined;
  private failures = 0;
  private stopped = false;
  state: SaveState = { kind: 'saved' };
  private conflictRevision: number | undefined;
  private readonly options: DraftSaverOptions;
  private readonly fetch: (url: string, init: RequestInit) => Promise<Response>;

  constructor(options: DraftSaverOptions) {
    this.options = options;
    this.revision = options.revision;
    this.fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  }

  get currentRevision(): number {
    return this.revision;
  }

  /** True while something is not yet on the server. */
  get dirty(): boolean {
    return this.latest !== null || this.sending !== null;
  }

  change(graph: Graph): void {
    if (this.stopped) return;
    this.latest = graph;
    // After a conflict nothing more is sent: it would only be refused again (and must not overwrite).
    if (this.state.kind === 'conflict') return;
    if (this.state.kind === 'error' || this.state.kind === 'saved') this.setState({ kind: 'pending' });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.start(), this.options.delayMs ?? 600);
  }

  /** Sends what is pending now and resolves once the server has it (or saving stopped). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.wake?.();
    await this.start();
    if (this.state.kind === 'conflict' || this.state.kind === 'error') throw new SaveFailed(0, this.state.message);
  }

  /** The page is going away (or hidden, and may be killed): send now with keepalive, keep a local copy. */
  flushOnExit(): void {
    if (this.stopped || this.state.kind === 'conflict') return;
    clearTimeout(this.timer);
    const unsent = this.latest ?? this.sending;
    if (!unsent) {
      this.options.storage?.removeItem(backupKey(this.options.workflowId));
      return;
    }
    const inFlight = this.sending !== null;
    const backup: Backup = { graph: unsent, base: this.revision, inFlight };
    try {
      this.options.storage?.setItem(backupKey(this.options.workflowId), JSON.stringify(backup));
    } catch {
      // Storage full or disabled: the keepalive request below is all there is.
    }
    if (this.latest && !inFlight) {
      void this.start(); // the normal path, with keepalive: survives the page if small enough
    } else if (this.latest) {
      // A save is in flight and the page will not live to send the next one in turn: send it now,
      // based on the revision the in-flight save will produce.
      const graph = this.latest;
      this.latest = null;
      void this.send(graph, this.revision + 1).catch(() => undefined);
    }
  }

  /**
   * After a conflict, the user chose their version over the other one: save it on top of the
   * server's current draft (the other edits stay in no version unless saved; the user was told).
   */
  keepMine(): void {
    if (this.state.kind !== 'conflict' || this.conflictRevision === undefined || this.stopped) return;
    this.revision = this.conflictRevision;
    this.conflictRevision = undefined;
    this.setState({ kind: 'pending' });
    void this.start();
  }

  /** Stops saving for good (the page is being reloaded after a conflict, or unmounted). */
  discard(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.();
    this.latest = null;
    this.options.storage?.removeItem(backupKey(this.options.workflowId));
  }

  dispose(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.();
  }

  private setState(state: SaveState): void {
    this.state = state;
    this.options.onState(state);
  }

  private start(): Promise<void> {
    this.loop ??= this.run().finally(() => {
      this.loop = null;
    });
    return this.loop;
  }

  private async run(): Promise<void> {
    while (this.latest && !this.stopped) {
      const graph = this.latest;
      this.latest = null;
      this.sending = graph;
      if (this.failures === 0) this.setState({ kind: 'saving' });
      try {
        const draft = await this.send(graph, this.revision);
        this.revision = draft.revision;
        this.failures = 0;
        this.sending = null;
        this.options.onSaved(draft, graph);
      } catch (error) {
        this.sending = null;
        this.latest ??= graph;
        const status = error instanceof SaveFailed ? error.status : 0;
        const message = error instanceof Error ? error.message : String(error);
        if (status === 409) {
          this.conflictRevision = error instanceof SaveFailed ? error.currentRevision : undefined;
          this.setState({ kind: 'conflict', message });
          return;
        }
        if (status >= 400 && status < 500) {
          // Refused as it is (say, a malformed graph): trying again will not help; the next edit will.
          this.latest = null;
          this.setState({ kind: 'error', message });
          return;
        }
        this.failures += 1;
        this.setState({ kind: 'retrying', attempt: this.failures, message });
        await this.sleep(this.options.backoffMs?.(this.failures) ?? Math.min(30_000, 1000 * 2 ** (this.failures - 1)));
      }
    }
    if (!this.stopped && !this.latest && this.state.kind !== 'conflict' && this.state.kind !== 'error') {
      this.setState({ kind: 'saved' });
      this.options.storage?.removeItem(backupKey(this.options.workflowId));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      this.wake = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  private async send(graph: Graph, revision: number): Promise<Draft> {
    const body = JSON.stringify({ graph, revision });
    let response: Response;
    try {
      response = await this.fetch(`/api/v1/workflows/${this.options.workflowId}/draft`, {
        method: 'PUT',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body,
        keepalive: body.length < KEEPALIVE_LIMIT,
      });
    } catch {
      throw new SaveFailed(0, 'cannot reach the server');
    }
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`.trim();
      try {
        const answer = (await response.json()) as {
          error?: { message?: string; details?: { currentRevision?: unknown } };
        };
        if (answer.error?.message) message = answer.error.message;
        const current = answer.error?.details?.currentRevision;
        if (typeof current === 'number') throw new SaveFailed(response.status, message, current);
      } catch (error) {
        if (error instanceof SaveFailed) throw error;
        // not JSON: keep the status line
      }
      throw new SaveFailed(response.status, message);
    }
    return (await response.json()) as EndpointAnswer<'PUT /workflows/:id/draft'>;
  }
}

/**
 * The graph a previous page left unsaved, when the server's draft is still the one it was based on
 * (so restoring it overwrites nothing newer). Anything else is stale and is dropped.
 */
export function restorableBackup(
  storage: Pick<Storage, 'getItem' | 'removeItem'> | null | undefined,
  workflowId: string,
  draft: Pick<Draft, 'graph' | 'revision'>,
): Graph | undefined {
  const text = storage?.getItem(backupKey(workflowId));
  if (!text) return undefined;
  try {
    const backup = JSON.parse(text) as Backup;
    const basedOnServer = draft.revision === backup.base || (backup.inFlight && draft.revision === backup.base + 1);
    if (basedOnServer && JSON.stringify(backup.graph) !== JSON.stringify(draft.graph)) return backup.graph;
  } catch {
    // unreadable: drop it
  }
  storage?.removeItem(backupKey(workflowId));
  return undefined;
}
