import type { ChildProcess } from 'node:child_process';
import { z } from 'zod';

/**
 * How a supervised worker learns where the run queue is. `npm start` spawns its workers before its
 * PostgreSQL is up, so that they load their code while it starts (each side takes a few hundred
 * ms, on separate cores); the server then sends the queue's URL over the IPC channel it already
 * has with each worker. The URL holds the queue's password: the channel, unlike the environment,
 * is not readable by other processes of the same user.
 */
const QueueMessage = z.object({ type: z.literal('queue'), url: z.string().min(1) });

/** Sends `url` to `child` once it is known; a child that is gone by then needs it no more. */
export function sendQueueUrl(child: ChildProcess, url: Promise<string>): void {
  url.then(
    (known) => {
      if (child.connected) child.send({ type: 'queue', url: known } satisfies z.input<typeof QueueMessage>, () => {});
    },
    () => {}, // the server could not open its queue: it stops, and its workers with it
  );
}

/** In a supervised worker: the URL its server sends (ignoring any other message). */
export function receiveQueueUrl(): Promise<string> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      const parsed = QueueMessage.safeParse(message);
      if (!parsed.success) return;
      process.off('message', onMessage);
      resolve(parsed.data.url);
    };
    process.on('message', onMessage);
  });
}

/** The worker entry's argument by which the supervisor says the URL will come over IPC. */
export const QUEUE_URL_FROM_PARENT = '--queue-url-from-parent';
