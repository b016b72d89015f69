import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { installNodePacks, loadNodePacks, NodePackError } from './load.ts';

/**
 * Loads the packs `NODE_PACKS` names into this process's catalogues, before anything looks a type
 * up: the API process (graph checks, `GET /node-types`, credential types) and every worker process
 * (running their steps) each do it at start. A pack that fails ends the process with its message,
 * exit code 1: a server running with some configured types missing would refuse or fail workflows
 * that use them, far from the cause. Folder paths and package names are found from `baseDir`, the
 * directory Stepwise runs in.
 */
export async function loadConfiguredPacks(
  config: Pick<Config, 'nodePacks'>,
  log: Logger,
  baseDir: string = process.cwd(),
): Promise<void> {
  if (config.nodePacks.length === 0) return;
  let loaded: Awaited<ReturnType<typeof loadNodePacks>>;
  try {
    loaded = await loadNodePacks(config.nodePacks, baseDir);
  } catch (error) {
    if (error instanceof NodePackError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  installNodePacks(loaded);
  log.info(
    {
      packs: loaded.map(({ pack, file }) => ({ pack: `${pack.name}@${pack.version}`, file })),
      nodeTypes: loaded.flatMap(({ pack }) => pack.nodes.map((node) => node.type)),
    },
    'node packs loaded',
  );
}
