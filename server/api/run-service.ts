import type { RunService } from '../runs/service.ts';
import { ApiError } from './errors.ts';
import type { ApiDeps } from './route.ts';

/** The run service, or a 503 when this API was built without one. */
export function runServiceOf(deps: ApiDeps): RunService {
  if (!deps.runs) throw new ApiError(503, 'engine_unavailable', 'the run engine is not available');
  return deps.runs;
}
