import { queryOptions, useQuery } from '@tanstack/react-query';
import { NodeTypes } from '../../canvas/node-types.ts';
import { call } from '../client.ts';

/** The node catalogue, asked once per page load: it changes only when the server is upgraded. */
export const nodeTypeQueries = {
  list: () =>
    queryOptions({
      queryKey: ['node-types'] as const,
      queryFn: () => call('GET /node-types'),
      staleTime: Number.POSITIVE_INFINITY,
      select: (answer) => new NodeTypes(answer.items),
    }),
};

/** The node types every page that draws or names nodes reads (one request, shared). */
export function useNodeTypes() {
  return useQuery(nodeTypeQueries.list());
}
