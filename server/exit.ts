import { ConfigError } from './config.ts';

/** Runs `load`; a configuration error ends the process with its message (naming the variable), exit code 1. */
export function exitOnConfigError<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
