/**
 * Thrown instead of a result when a step's worker leaves (it drains, and the grace is over): the
 * step did not fail, nothing is stored, and its job runs it again elsewhere
 * (docs/architecture.md, invariant "drain"; server/engine/drain.ts).
 */
export class StepReleased extends Error {
  override name = 'StepReleased';
  constructor() {
    super('released: its worker stopped before the step ended; another worker resumes it');
  }
}
