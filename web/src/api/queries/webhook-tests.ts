import { queryOptions } from '@tanstack/react-query';
import { call } from '../client.ts';

/** How often the editor asks whether a listening test URL has taken its request. */
const LISTENING_POLL_MS = 1500;

/** A draft's webhook test ("Listen for a test request"): listening, captured, expired or none. */
export const webhookTestQueries = {
  state: (workflowId: string) =>
    queryOptions({
      queryKey: ['webhook-test', workflowId] as const,
      queryFn: () => call('GET /workflows/:id/webhook-test', { params: { id: workflowId } }),
      // Polled only while it listens: a captured or expired test changes no more.
      refetchInterval: (query) => (query.state.data?.status === 'listening' ? LISTENING_POLL_MS : false),
    }),
};

/** Arms a new test URL for the draft's webhook trigger (the caller saves the draft first). */
export const listenForTestRequest = (workflowId: string) =>
  call('POST /workflows/:id/webhook-test', { params: { id: workflowId } });
