import type { ConfigIssue, GraphNodeType } from './node-type.ts';
import { ERROR_PORT, nodeSettingsOf } from './settings.ts';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The output ports of a node of this type with this config and these node settings: the names its
 * config lists (`outputsFrom`, a Switch's cases), then the type's own `outputs`, then `error` when
 * its settings route errors to the error port (`onError: 'error-port'`). Reads a draft's config
 * as it stands: entries that name no port yet are passed over, a name given twice counts once.
 * The one rule for server and editor alike.
 */
export function portsOf(
  type: Pick<GraphNodeType, 'outputs' | 'outputsFrom' | 'outputsBy'>,
  config: unknown,
  settings?: unknown,
): readonly string[] {
  const own = configPorts(type, config);
  if (!isRecord(settings) || nodeSettingsOf({ settings }).onError !== 'error-port' || own.includes(ERROR_PORT)) {
    return own;
  }
  return [...own, ERROR_PORT];
}

/** The ports a node has by its type and config alone, without the error port. */
export function configPorts(
  type: Pick<GraphNodeType, 'outputs' | 'outputsFrom' | 'outputsBy'>,
  config: unknown,
): readonly string[] {
  const outputs = declaredPorts(type, config);
  if (!type.outputsFrom) return outputs;
  const { list, field } = type.outputsFrom;
  const items = isRecord(config) ? config[list] : undefined;
  const named = (Array.isArray(items) ? items : [])
    .map((item) => (isRecord(item) ? item[field] : undefined))
    .filter((port): port is string => typeof port === 'string' && port !== '');
  return [...new Set([...named, ...outputs])];
}

/** The type's own ports, or those its config's chosen value names (`outputsBy`, a Wait's mode). */
function declaredPorts(type: Pick<GraphNodeType, 'outputs' | 'outputsBy'>, config: unknown): readonly string[] {
  if (!type.outputsBy) return type.outputs;
  const value = isRecord(config) ? config[type.outputsBy.field] : undefined;
  return (
    (typeof value === 'string' && Object.hasOwn(type.outputsBy.ports, value) && type.outputsBy.ports[value]) ||
    type.outputs
  );
}

/** A node's config as the rules see it: its problems, and its ports when they can be known. */
export interface ConfigReading {
  readonly issues: readonly ConfigIssue[];
  /** Undefined when the config names the ports but does not parse: they are not guessed then. */
  readonly ports: readonly string[] | undefined;
  /** The ports by type and config alone (no error port), when known. */
  readonly ownPorts: readonly string[] | undefined;
}

/**
 * Checks a config with the type's schema when there is one (the server) and reads its ports from
 * the parsed config (defaults filled) and the node's settings (the error port); without a schema
 * (the editor) the config is taken as it stands.
 */
export function readConfig(type: GraphNodeType, config: unknown, settings?: unknown): ConfigReading {
  const read = (issues: readonly ConfigIssue[], parsed: unknown): ConfigReading => ({
    issues,
    ports: portsOf(type, parsed, settings),
    ownPorts: configPorts(type, parsed),
  });
  if (!type.config) return read([], config);
  const parsed = type.config.safeParse(config);
  if (parsed.success) return read([], parsed.data);
  if (type.outputsFrom || type.outputsBy) return { issues: parsed.error.issues, ports: undefined, ownPorts: undefined };
  return read(parsed.error.issues, {});
}
