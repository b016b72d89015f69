import { pathToFileURL } from 'node:url';
import { addPackNodeTypes, findNodeType, packOfNodeType } from '../../nodes/catalogue.ts';
import { addPackCredentialTypes, findCredentialType, packOfCredentialType } from '../../nodes/credentials/catalogue.ts';
import { packSdk } from '../../nodes/pack-sdk.ts';
import type { NodePack } from '../../nodes/packs.ts';
import { checkPack, InvalidPack } from './check.ts';
import { packEntryFile } from './resolve.ts';

/** A pack as loaded: the `NODE_PACKS` entry it came from, its module file, and what it gave. */
export interface LoadedPack {
  readonly entry: string;
  readonly file: string;
  readonly pack: NodePack;
}

/**
 * A pack that cannot be loaded: start-up stops with this message (naming the entry, the pack and
 * each problem) rather than running with some of the configured types missing.
 */
export class NodePackError extends Error {
  override name = 'NodePackError';
}

const fail = (entry: string, what: string, problems: readonly string[]) =>
  new NodePackError(
    problems.length === 1
      ? `Node pack "${entry}" (NODE_PACKS) ${what}: ${problems[0]}`
      : `Node pack "${entry}" (NODE_PACKS) ${what}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
  );

/**
 * Imports and checks the packs `entries` name (folders or npm packages, found from `baseDir`), in
 * order; throws a `NodePackError` at the first that fails. Nothing joins the catalogues here
 * (`installNodePacks` does that), so a failure leaves this process's catalogues as they were.
 */
export async function loadNodePacks(entries: readonly string[], baseDir: string): Promise<LoadedPack[]> {
  const loaded: LoadedPack[] = [];
  for (const entry of entries) {
    let file: string;
    try {
      file = packEntryFile(entry, baseDir);
    } catch (error) {
      throw fail(entry, 'was not found', [(error as Error).message]);
    }
    const pack = await importPack(entry, file);
    const label = `${pack.name}@${pack.version}`;
    const clash = clashes(pack, loaded);
    if (clash.length > 0) throw fail(entry, `(${label}) cannot be added`, clash);
    loaded.push({ entry, file, pack });
  }
  return loaded;
}

async function importPack(entry: string, file: string): Promise<NodePack> {
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    throw fail(entry, `could not be imported from ${file}`, [(error as Error).message]);
  }
  const exported = module.default ?? module.pack;
  if (exported === undefined) {
    throw fail(entry, 'exports no pack', [`${file} has neither a default export nor one named "pack"`]);
  }
  let value: unknown;
  try {
    value = typeof exported === 'function' ? await exported(packSdk) : exported;
  } catch (error) {
    throw fail(entry, 'failed while building its types', [(error as Error).message]);
  }
  try {
    return checkPack(value);
  } catch (error) {
    if (!(error instanceof InvalidPack)) throw error;
    const name = (value as { name?: unknown } | null)?.name;
    const version = (value as { version?: unknown } | null)?.version;
    const label = typeof name === 'string' ? ` (${name}@${String(version)})` : '';
    throw fail(entry, `is not a valid pack${label}`, error.problems);
  }
}

/** Names this pack would take that another pack, a built-in, or an earlier load already holds. */
function clashes(pack: NodePack, loaded: readonly LoadedPack[]): string[] {
  const problems: string[] = [];
  const sameName = loaded.find((other) => other.pack.name === pack.name);
  if (sameName) problems.push(`a pack named "${pack.name}" is already loaded from "${sameName.entry}"`);
  const holderOf = (type: string, kind: 'node' | 'credential') => {
    const earlier = loaded.find((other) =>
      kind === 'node'
        ? other.pack.nodes.some((node) => node.type === type)
        : (other.pack.credentials ?? []).some((credential) => credential.type === type),
    );
    if (earlier) return `pack ${earlier.pack.name} ("${earlier.entry}")`;
    const known = kind === 'node' ? findNodeType(type) : findCredentialType(type);
    if (!known) return undefined;
    const installed = kind === 'node' ? packOfNodeType(type) : packOfCredentialType(type);
    return installed ? `pack ${installed.name}` : 'Stepwise itself';
  };
  for (const node of pack.nodes) {
    const holder = holderOf(node.type, 'node');
    if (holder) problems.push(`node type "${node.type}" is already added by ${holder}; a pack cannot replace it`);
  }
  for (const credential of pack.credentials ?? []) {
    const holder = holderOf(credential.type, 'credential');
    if (holder) {
      problems.push(`credential type "${credential.type}" is already added by ${holder}; a pack cannot replace it`);
    }
  }
  return problems;
}

/** Joins loaded packs' node and credential types to this process's catalogues, after the built-ins. */
export function installNodePacks(packs: readonly LoadedPack[]): void {
  for (const { pack } of packs) {
    addPackCredentialTypes(pack, pack.credentials ?? []);
    addPackNodeTypes(pack, pack.nodes);
  }
}
