import { call } from '../../api/client.ts';

/** "Use template": a new workflow whose draft is the template's graph, credential fields left to pick. */
export const createFromTemplate = (slug: string, name: string) =>
  call('POST /templates/:slug/use', { params: { slug }, body: { name } });
