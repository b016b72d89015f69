import type { EventHub } from '../server/engine/event-hub.ts';

type Ended = 'succeeded' | 'failed' | 'canceled';

/**
 * Hears every run that ends, from the moment it is made, so a run that ends before its start call
 * has even returned its id is still counted. `wait(ids)` resolves once each of them has ended; it
 * never resolves early because the runs submitted so far happen to be done.
 */
export class RunTracker {
  private readonly ended = new Map<string, Ended>();
  private waiter: { ids: readonly string[]; resolve: () => void } | undefined;
  private readonly unsubscribe: () => void;

  constructor(events: EventHub) {
    this.unsubscribe = events.subscribeAll((event) => {
      if (event.type !== 'run') return;
      if (event.status !== 'succeeded' && event.status !== 'failed' && event.status !== 'canceled') return;
      this.ended.set(event.executionId, event.status);
      if (this.waiter && this.allEnded(this.waiter.ids)) this.waiter.resolve();
    });
  }

  /** Resolves once every one of `ids` has ended; answers how many did not succeed. */
  async wait(ids: readonly string[]): Promise<{ failed: number }> {
    if (!this.allEnded(ids)) {
      await new Promise<void>((resolve) => {
        this.waiter = { ids, resolve };
      });
      this.waiter = undefined;
    }
    return { failed: ids.filter((id) => this.ended.get(id) !== 'succeeded').length };
  }

  /** The status a run ended with, once it has. */
  status(id: string): Ended | undefined {
    return this.ended.get(id);
  }

  close(): void {
    this.unsubscribe();
  }

  private allEnded(ids: readonly string[]): boolean {
    return ids.every((id) => this.ended.has(id));
  }
}
