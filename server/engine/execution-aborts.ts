/**
 * The abort signals of the executions whose steps this worker is running, so a cancel stops them
 * at once: in-flight HTTP calls are aborted, scripts' isolates disposed, and the step's job ends
 * without storing anything (the cancel has already marked its attempt `canceled`). A worker hears
 * cancels as `run canceled` engine events (NOTIFY, through its own `EventHub`).
 *
 * A step registers before it reads its run: a cancel committed before that is seen by the step's
 * own checks (its claim, the chain's status checks); one committed after it reaches the signal.
 */
export class ExecutionAborts {
  private readonly running = new Map<string, { controller: AbortController; steps: number }>();

  /** The signal that aborts when `executionId` is canceled; `leave` once the step has ended. */
  watch(executionId: string): { readonly signal: AbortSignal; leave(): void } {
    let entry = this.running.get(executionId);
    if (!entry || entry.controller.signal.aborted) {
      entry = { controller: new AbortController(), steps: 0 };
      this.running.set(executionId, entry);
    }
    const watched = entry;
    watched.steps++;
    let left = false;
    return {
      signal: watched.controller.signal,
      leave: () => {
        if (left) return;
        left = true;
        watched.steps--;
        if (watched.steps === 0 && this.running.get(executionId) === watched) this.running.delete(executionId);
      },
    };
  }

  /** Aborts the running steps of a canceled execution; answers how many there were. */
  abort(executionId: string): number {
    const entry = this.running.get(executionId);
    if (!entry) return 0;
    this.running.delete(executionId);
    entry.controller.abort(new Error(`execution ${executionId} was canceled`));
    return entry.steps;
  }

  /** Steps of `executionId` running in this worker now. */
  steps(executionId: string): number {
    return this.running.get(executionId)?.steps ?? 0;
  }
}
