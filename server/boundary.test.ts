import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../nodes/catalogue.ts';
import { importSpecifiers, staticValueImportSpecifiers, valueImportSpecifiers } from '../nodes/testing/imports.ts';
import { WEB_BUNDLE_DIR } from './web/bundle.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

const isTestSupport = (file: string) =>
  file.endsWith('.test.ts') || file.endsWith('.test.tsx') || /(^|\/)testing\//.test(file);

/** Production source files of one folder, relative to the repository root. */
function sourceFiles(folder: string): string[] {
  return (readdirSync(join(root, folder), { recursive: true }) as string[])
    .filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts'))
    .map((file) => join(folder, file))
    .filter((file) => !isTestSupport(file))
    .sort();
}

/** What a file imports: repository paths for relative specifiers, package names otherwise. */
function importsOf(file: string, which = importSpecifiers): string[] {
  return which(readFileSync(join(root, file), 'utf8')).map((specifier) =>
    specifier.startsWith('.') ? relative(root, resolve(root, dirname(file), specifier)) : specifier,
  );
}

/** What a file imports that a bundler keeps (all but `import type`). */
const valueImportsOf = (file: string) => importsOf(file, valueImportSpecifiers);

/**
 * The graph model, its validation and the connection rules: one pure module the server and the
 * editor both import. It takes node types as data, so its only value imports are zod, its own files,
 * the expression syntax (nodes/template.ts, pure string work) and acorn (a JavaScript parser, to
 * check expressions without running them); never node definitions.
 */
const GRAPH_MODULE = 'server/core/graph';
const GRAPH_MODULE_VALUE_IMPORTS = ['zod', 'acorn', GRAPH_MODULE, 'nodes/template.ts'];

const productionFiles = ['server', 'nodes', 'templates', 'web/src'].flatMap(sourceFiles);
const imports = new Map(productionFiles.map((file) => [file, importsOf(file)]));

const within = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/**
 * The dependency rules: files under `from` must not import what `forbidden` names (a folder of the
 * repository or a package). Each rule says why; together they keep the engine's core pure, the
 * adapters at the edge, and the API process free of user code.
 */
/** The SQLite side of the store: only the store itself, the engine's run side and the composition roots open it. */
const SQLITE = [
  'better-sqlite3',
  'drizzle-orm',
  'server/store/db.ts',
  'server/store/prepared.ts',
  'server/store/write-batcher.ts',
  'server/store/connection-lock.ts',
  'server/store/sqlite-repositories.ts',
];

const RULES: ReadonlyArray<{ from: string; forbidden: readonly string[]; why: string }> = [
  {
    from: 'server/core',
    forbidden: [
      'server/store',
      'server/engine',
      'server/api',
      'server/auth',
      'server/pg',
      'server/sandbox',
      'server/runs',
      'pg',
      'better-sqlite3',
      'graphile-worker',
      'isolated-vm',
      'hono',
      'drizzle-orm',
    ],
    why: 'the core is pure decisions, tested without a database, a queue or an isolate',
  },
  { from: 'nodes', forbidden: ['server', 'web'], why: 'node definitions are shared by every process and the web app' },
  {
    from: 'templates',
    forbidden: ['server/api', 'server/store', 'server/engine', 'server/runs', 'server/auth', 'web', 'nodes'],
    why: 'templates are data: graphs in the shape of the graph model, checked by the tests, not by the code they name',
  },
  {
    from: 'server/store',
    forbidden: ['server/api', 'server/auth', 'server/engine', 'server/runs', 'server/sandbox', 'pg', 'isolated-vm'],
    why: 'the store is an adapter that knows SQL, not who calls it',
  },
  {
    from: 'server/auth',
    forbidden: ['server/api', 'server/engine', 'server/runs'],
    why: 'who is calling depends on the store, not on the API’s dependency bag',
  },
  {
    from: 'server/api',
    forbidden: ['server/engine', 'server/sandbox', 'isolated-vm', 'graphile-worker'],
    why: 'routes reach runs through the run service (server/runs), never the engine’s internals',
  },
  {
    from: 'server/api',
    forbidden: SQLITE,
    why: 'records are reached through the store port (server/store/repositories.ts); the composition root picks SQLite',
  },
  {
    from: 'server/auth',
    forbidden: SQLITE,
    why: 'records are reached through the store port (server/store/repositories.ts); the composition root picks SQLite',
  },
  {
    from: 'server/scheduler',
    forbidden: SQLITE,
    why: 'records are reached through the store port (server/store/repositories.ts); the composition root picks SQLite',
  },
  {
    from: 'server/retention',
    forbidden: SQLITE,
    why: 'records are reached through the store port (server/store/repositories.ts); the composition root picks SQLite',
  },
  {
    from: 'server/cli',
    forbidden: SQLITE.filter((path) => path !== 'server/store/sqlite-repositories.ts'),
    why: 'a CLI command opens the store as its port (openRepositories) and uses nothing below it',
  },
  {
    from: 'server/credentials',
    forbidden: [
      'server/api',
      'server/engine',
      'server/runs',
      'server/auth',
      'server/store',
      'server/sandbox',
      'server/pg',
      // `pg` is allowed: it is the postgres type's protocol. Stepwise's own databases stay out of
      // reach all the same (server/pg, server/store and server/engine are forbidden).
      'hono',
      'graphile-worker',
      'isolated-vm',
      ...SQLITE,
    ],
    why: 'credential capabilities serve both the API process and the workers: they know protocols, not who calls them or where secrets are kept',
  },
  {
    from: 'server/engine',
    forbidden: ['server/api', 'server/auth', 'server/runs', 'hono'],
    why: 'the engine runs steps; it does not know the HTTP API',
  },
  {
    from: 'server/sandbox',
    forbidden: ['server/store', 'server/api', 'server/auth', 'server/engine'],
    why: 'the sandbox runs user code and reaches nothing it could leak',
  },
  {
    from: 'web/src',
    forbidden: ['server/engine', 'server/store', 'server/auth', 'server/runs', 'server/pg', 'server/sandbox'],
    why: 'the web app takes its types from the API’s schemas and the shared core only',
  },
  {
    from: 'web/src',
    forbidden: ['csv-parse', 'csv-stringify', 'fast-xml-parser', 'luxon'],
    why: 'the data-format libraries nodes/ may use run in the worker; the editor only describes those nodes (GET /node-types)',
  },
  {
    from: '',
    forbidden: ['server/testing', 'nodes/testing'],
    why: 'test helpers are not production modules',
  },
];

/**
 * The chain of static value imports from `start` to `target` (empty when there is none), and every
 * file or package `start` reaches that way: what a bundler loads with it, before any dynamic import.
 */
function staticPath(start: string, target: string): { chain: string[]; reached: Set<string> } {
  const via = new Map<string, string>([[start, '']]);
  const queue = [start];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const next of importsOf(file, staticValueImportSpecifiers)) {
      if (via.has(next)) continue;
      via.set(next, file);
      if (existsSync(join(root, next)) && /\.tsx?$/.test(next)) queue.push(next);
    }
  }
  const chain: string[] = [];
  for (let at = via.has(target) ? target : ''; at !== ''; at = via.get(at) ?? '') chain.unshift(at);
  return { chain, reached: new Set(via.keys()) };
}

function violations(rule: (typeof RULES)[number]): string[] {
  const found: string[] = [];
  for (const [file, targets] of imports) {
    if (rule.from !== '' && !within(file, rule.from)) continue;
    for (const target of targets) {
      const bad = rule.forbidden.find((forbidden) => within(target, forbidden));
      if (bad) found.push(`${file} imports ${target}`);
    }
  }
  return found;
}

/** Every TypeScript file of the server and the benchmarks, tests included. */
const allFiles = ['server', 'bench'].flatMap((folder) =>
  (readdirSync(join(root, folder), { recursive: true }) as string[])
    .filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts'))
    .map((file) => join(folder, file)),
);

/** The SQLite driver and drizzle's binding to it: the store's business alone. */
const SQLITE_DRIVER = ['better-sqlite3', 'drizzle-orm/better-sqlite3'];

describe('dependency boundaries', () => {
  it('scans the production sources of the server, the nodes and the web app', () => {
    expect(productionFiles).toEqual(
      expect.arrayContaining([
        'server/core/engine/plan.ts',
        'server/api/route.ts',
        'server/auth/caller.ts',
        'server/engine/step-runner.ts',
        'nodes/catalogue.ts',
        'templates/catalogue.ts',
        'web/src/api/types.ts',
      ]),
    );
    expect(productionFiles.filter(isTestSupport)).toEqual([]);
  });

  it.each(RULES.map((rule) => [rule.from || 'production code', rule.forbidden.join(', '), rule] as const))(
    '%s imports none of: %s',
    (_, __, rule) => {
      expect(violations(rule), rule.why).toEqual([]);
    },
  );

  it('lets the web app import values from nodes/ and server/ only out of the shared graph module', () => {
    const webFiles = productionFiles.filter((file) => within(file, 'web/src'));
    const found = webFiles.flatMap((file) =>
      valueImportsOf(file)
        .filter((target) => (within(target, 'nodes') || within(target, 'server')) && !within(target, GRAPH_MODULE))
        .map((target) => `${file} imports ${target}`),
    );
    expect(found, 'the web app takes node types over HTTP (GET /node-types); use `import type` for types').toEqual([]);
    // The rule sees real imports: the editor does use the graph module, and types from elsewhere.
    expect(webFiles.flatMap(valueImportsOf).some((target) => within(target, GRAPH_MODULE))).toBe(true);
    expect(importsOf('web/src/api/types.ts').some((target) => within(target, 'server/api'))).toBe(true);
  });

  it('keeps the shared graph module free of node code and server adapters', () => {
    const graphFiles = productionFiles.filter((file) => within(file, GRAPH_MODULE));
    expect(graphFiles).toEqual(
      expect.arrayContaining([`${GRAPH_MODULE}/validate.ts`, `${GRAPH_MODULE}/connection.ts`]),
    );
    const found = graphFiles.flatMap((file) => [
      ...valueImportsOf(file)
        .filter((target) => !GRAPH_MODULE_VALUE_IMPORTS.some((allowed) => within(target, allowed)))
        .map((target) => `${file} imports ${target}`),
      // Types may come from nodes/ (NodeKind, PortsFromConfig); nothing else of the server.
      ...importsOf(file)
        .filter((target) => within(target, 'server') && !within(target, GRAPH_MODULE))
        .map((target) => `${file} imports ${target}`),
    ]);
    expect(found).toEqual([]);
    expect(valueImportsOf('nodes/template.ts')).toEqual(['zod']);
  });

  it('builds a web bundle without node code: no node type’s description is in it', () => {
    // vitest's global setup built the bundle from the current sources (ensureWebBundle).
    const assets = join(WEB_BUNDLE_DIR, 'assets');
    expect(existsSync(assets)).toBe(true);
    const scripts = (readdirSync(assets) as string[]).filter((file) => file.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    const bundle = scripts.map((file) => readFileSync(join(assets, file), 'utf8')).join('\n');
    for (const definition of catalogue) {
      expect(bundle.includes(definition.description), `${definition.type} is in the web bundle`).toBe(false);
    }
    // Nor the libraries those nodes parse with: words only their code holds.
    for (const [library, words] of [
      ['csv-parse', 'Invalid Closing Quote'],
      ['fast-xml-parser', 'External entities are not supported'],
      ['luxon', "can't be parsed as ISO 8601"],
    ]) {
      expect(bundle.includes(words as string), `${library} is in the web bundle`).toBe(false);
    }
    // The bundle is real: it carries the web app's own words.
    expect(bundle).toContain('Select a node on the canvas to configure it.');
  });

  it('keeps the expression parser out of the editor’s first load: it comes with the graph rules, after the canvas', () => {
    // acorn (~100 kB) loads with web/src/editor/problems.ts, imported dynamically once the canvas is
    // drawn (store.ts); a static import path from the editor page to it puts it back in front of the
    // canvas (issue 14's 500-node figure). The path found is named, to say which import to split.
    const { chain, reached } = staticPath('web/src/editor/editor-page.tsx', 'acorn');
    expect(chain, 'the editor page reaches acorn through static imports').toEqual([]);
    expect(reached.has('web/src/editor/store.ts')).toBe(true);
  });

  it('keeps React Flow out of the templates gallery: its drawings are plain SVG', () => {
    // A gallery of graph drawings could pull the canvas library (~150 kB) for what one SVG draws.
    const { chain, reached } = staticPath('web/src/pages/templates/templates-page.tsx', '@xyflow/react');
    expect(chain, 'the templates page reaches React Flow through static imports').toEqual([]);
    expect(reached.has('web/src/pages/templates/graph-preview.tsx')).toBe(true);
  });

  it('keeps the SQLite driver inside the store: no other file imports it, tests and benchmarks included', () => {
    // server/testing/ lives beside the store (temp stores, `storeFile`); bench/sql-style.ts measures
    // raw SQL against drizzle, so it holds the driver's statements through the store's handle only.
    const outside = allFiles.filter((file) => !within(file, 'server/store') && !within(file, 'server/testing'));
    expect(outside).toEqual(expect.arrayContaining(['server/engine/authenticated-http.ts', 'server/api/app.ts']));
    const found = outside.flatMap((file) =>
      importsOf(file)
        .filter((target) => SQLITE_DRIVER.some((driver) => within(target, driver)))
        .map((target) => `${file} imports ${target}`),
    );
    expect(
      found,
      'records are reached through the store port; tests use repositories or server/testing/store.ts',
    ).toEqual([]);
  });

  it('would catch a violation: the rules match real import paths', () => {
    const api = RULES.find((rule) => rule.from === 'server/api');
    expect(api?.forbidden.some((forbidden) => within('server/engine/runs.ts', forbidden))).toBe(true);
    expect(importsOf('server/api/route.ts')).toContain('server/auth/caller.ts');
  });

  it('has no import cycle between server folders', () => {
    // Folder of each server file (server/api/routes counts as server/api).
    const folderOf = (path: string) => path.split('/').slice(0, 2).join('/');
    const edges = new Map<string, Set<string>>();
    for (const [file, targets] of imports) {
      if (!file.startsWith('server/')) continue;
      for (const target of targets) {
        if (!target.startsWith('server/') || folderOf(target) === folderOf(file)) continue;
        const from = folderOf(file);
        if (!target.includes('/', 'server/'.length)) continue; // a top-level file such as server/log.ts
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)?.add(folderOf(target));
      }
    }
    const cycles: string[] = [];
    const visit = (folder: string, path: string[]) => {
      for (const next of edges.get(folder) ?? []) {
        if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' → '));
        else visit(next, [...path, next]);
      }
    };
    for (const folder of edges.keys()) visit(folder, [folder]);
    expect(cycles).toEqual([]);
  });
});
