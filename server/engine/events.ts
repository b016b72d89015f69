/** The engine's events live with the core (server/core/engine/events.ts); re-exported for the API. */
export { EngineEvent } from '../core/engine/events.ts';
