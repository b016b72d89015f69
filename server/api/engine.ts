import { ApiError } from './errors.ts';
import type { ApiDeps } from './route.ts';

/** The engine, or a 503 when this API was built without one. */
export function engineOf(deps: ApiDeps): NonNullable<ApiDeps['engine']> {
  if (!deps.engine) throw new ApiError(503, 'engine_unavailable', 'the run engine is not available');
  return deps.engine;
}
