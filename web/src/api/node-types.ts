import { queryOptions, useQuery } from '@tanstack/react-query';
import { NodeTypes } from '../canvas/node-types.ts';
import { api } from './client.ts';
import type { NodeType } from './types.ts';

const index = (answer: { items: NodeType[] }) => new NodeTypes(answer.items);

/** The node catalogue, asked once per page load: it changes only when the server is upgraded. */
export const nodeTypesQuery = queryOptions({
  queryKey: ['node-types'],
  queryFn: () => api.get<{ items: NodeType[] }>('/node-types'),
  staleTime: Number.POSITIVE_INFINITY,
  select: index,
});

/** The node types every page that draws or names nodes reads (one request, shared). */
export function useNodeTypes() {
  return useQuery(nodeTypesQuery);
}
