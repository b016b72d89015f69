import type { EngineEvent } from '../core/engine/events.ts';
import type { EventBus, StepQueue } from '../core/engine/ports.ts';
import type { EventHub } from './event-hub.ts';

/**
 * The engine's `EventBus` on PostgreSQL: events go out as NOTIFYs through the step queue's
 * batches (so a step's events ride in the same round trip and commit as the jobs they announce:
 * `StepJobBatcher`), and come in through the API process's `EventHub`. A worker only publishes.
 */
export class PgEventBus implements EventBus {
  private readonly queue: Pick<StepQueue, 'add'>;
  private readonly hub: Pick<EventHub, 'subscribe'> | undefined;

  constructor(queue: Pick<StepQueue, 'add'>, hub?: Pick<EventHub, 'subscribe'>) {
    this.queue = queue;
    this.hub = hub;
  }

  publish(events: readonly EngineEvent[]): Promise<void> {
    return this.queue.add([], events);
  }

  subscribe(executionId: string, listener: (event: EngineEvent) => void): () => void {
    if (!this.hub) throw new Error('this process publishes engine events but does not listen to them');
    return this.hub.subscribe(executionId, listener);
  }
}
