import pg from 'pg';
import { z } from 'zod';
import { EngineEvent } from '../core/engine/events.ts';
import type { Logger } from '../log.ts';
import { EVENTS_CHANNEL, REPLIES_CHANNEL } from './queue.ts';

const EngineEventBatch = z.array(EngineEvent);
const Reply = z.object({ replyTo: z.string(), body: z.unknown() });

type Listener = (event: EngineEvent) => void;

/**
 * The API process's ear on the engine: one PostgreSQL connection LISTENing to the events workers
 * publish, fanned out to subscribers (live progress streams, webhook calls waiting for a result),
 * and to workers' replies to what the API asked of them (credential tests).
 * Workers have one too, to hear cancels (server/engine/execution-aborts.ts).
 * Reconnects with backoff if the connection drops.
 */
export class EventHub {
  private readonly byExecution = new Map<string, Set<Listener>>();
  private readonly replies = new Map<string, (body: unknown) => void>();
  private readonly everything = new Set<Listener>();
  private client: pg.Client | undefined;
  private closed = false;
  private retryMs = 250;
  private readonly connectionString: string | pg.ClientConfig;
  private readonly log: Logger;
  private readonly mayConcern: (payload: string) => boolean;

  /**
   * `connectionString` may also be a client's settings (a worker passes its pool's). `mayConcern`
   * skips a notification by its raw text before it is parsed: a worker, which only needs cancels,
   * would otherwise parse every event of every run (several per run under load).
   */
  constructor(
    connectionString: string | pg.ClientConfig,
    log: Logger,
    mayConcern: (payload: string) => boolean = () => true,
  ) {
    this.connectionString = connectionString;
    this.log = log;
    this.mayConcern = mayConcern;
  }

  async start(): Promise<void> {
    const client = new pg.Client(
      typeof this.connectionString === 'string' ? { connectionString: this.connectionString } : this.connectionString,
    );
    client.on('notification', (message) =>
      message.channel === REPLIES_CHANNEL ? this.dispatchReply(message.payload) : this.dispatch(message.payload),
    );
    client.on('error', (error) => {
      this.log.warn({ err: error }, 'engine event connection failed; reconnecting');
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    await client.connect();
    await client.query(`listen ${EVENTS_CHANNEL}; listen ${REPLIES_CHANNEL}`);
    this.client = client;
    this.retryMs = 250;
  }

  /** Calls `listener` with every event of one execution until the returned function is called. */
  subscribe(executionId: string, listener: Listener): () => void {
    let listeners = this.byExecution.get(executionId);
    if (!listeners) {
      listeners = new Set();
      this.byExecution.set(executionId, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.byExecution.delete(executionId);
    };
  }

  /** Calls `listener` with the body of the reply sent to `replyTo`, until the returned function is called. */
  awaitReply(replyTo: string, listener: (body: unknown) => void): () => void {
    this.replies.set(replyTo, listener);
    return () => this.replies.delete(replyTo);
  }

  subscribeAll(listener: Listener): () => void {
    this.everything.add(listener);
    return () => this.everything.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }

  private dispatch(payload: string | undefined): void {
    if (!payload || !this.mayConcern(payload)) return;
    let events: EngineEvent[];
    try {
      // Workers send a batch of events per notification; an older worker sent one event each.
      const parsed: unknown = JSON.parse(payload);
      events = Array.isArray(parsed) ? EngineEventBatch.parse(parsed) : [EngineEvent.parse(parsed)];
    } catch {
      this.log.warn({ payload }, 'ignoring a malformed engine event');
      return;
    }
    for (const event of events) {
      for (const listener of this.byExecution.get(event.executionId) ?? []) listener(event);
      for (const listener of this.everything) listener(event);
    }
  }

  private dispatchReply(payload: string | undefined): void {
    if (!payload) return;
    let reply: z.output<typeof Reply>;
    try {
      reply = Reply.parse(JSON.parse(payload));
    } catch {
      this.log.warn({ payload }, 'ignoring a malformed reply');
      return;
    }
    this.replies.get(reply.replyTo)?.(reply.body);
  }

  private reconnect(failed: pg.Client): void {
    if (this.closed || this.client !== failed) return;
    this.client = undefined;
    failed.removeAllListeners();
    failed.end().catch(() => undefined);
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 10_000);
    setTimeout(() => {
      if (!this.closed) this.start().catch(() => this.reconnectLater());
    }, delay).unref();
  }

  private reconnectLater(): void {
    const placeholder = new pg.Client();
    this.client = placeholder;
    this.reconnect(placeholder);
  }
}
