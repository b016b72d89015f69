import type pg from 'pg';
import type { Logger } from '../log.ts';
import type { EngineEvent } from './events.ts';
import { EVENTS_CHANNEL } from './queue.ts';

/**
 * Publishes engine events with NOTIFY, batching what accumulates within one turn of the event loop
 * into a single query: under load a worker starts steps far faster than one round trip each.
 * Events are for live views; losing one (database down) loses no data, so failures are logged.
 */
export class EventPublisher {
  private buffer: EngineEvent[] = [];
  private scheduled = false;
  private readonly pool: pg.Pool;
  private readonly log: Logger;

  constructor(pool: pg.Pool, log: Logger) {
    this.pool = pool;
    this.log = log;
  }

  publish(event: EngineEvent): void {
    this.buffer.push(event);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    const events = this.buffer;
    this.buffer = [];
    this.scheduled = false;
    this.pool
      .query({
        name: 'stepwise_notify',
        text: 'select count(*) from (select pg_notify($1, e.value) from json_array_elements_text($2::json) e) sent',
        values: [EVENTS_CHANNEL, JSON.stringify(events.map((event) => JSON.stringify(event)))],
      })
      .catch((error: unknown) => this.log.warn({ err: error }, 'could not publish engine events'));
  }
}
