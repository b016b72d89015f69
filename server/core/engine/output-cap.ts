/**
 * The hard cap on one step's output, in bytes of JSON: beyond it the step fails
 * (server/engine/data-caps.ts). Here, in the pure core, because the API process checks a webhook's
 * payload against it too (a trigger step's output is its payload) without loading the engine.
 */
export const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;
