import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../nodes/catalogue.ts';
import { credentialCatalogue } from '../nodes/credentials/catalogue.ts';
import { apiRoutes } from '../server/api/app.ts';
import { ConfigSchema } from '../server/config.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The README and every page under docs/, by path from the repository root. */
const pages = ['README.md', ...markdownUnder('docs')];
const readme = read('README.md');

function markdownUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => join(dir, file))
    .sort();
}

/** Source files whose comments may cite an engine invariant. */
function sourceFiles(): string[] {
  return ['server', 'nodes', 'web', 'bench', 'e2e'].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.tsx?$/.test(file) && !file.split(/[\\/]/).includes('node_modules'))
      .map((file) => join(dir, file)),
  );
}

/** Markdown without fenced code blocks: what is there is shown, not linked. */
const prose = (markdown: string) => markdown.replace(/^```[\s\S]*?^```/gm, '');

/** `[text](target)` and `![alt](target)`. */
const links = (markdown: string) =>
  [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string);

/** The anchors GitHub makes for a page: one per heading, plus explicit `<a id="...">`. */
function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6}\s+(.+)$/gm)) {
    found.add(
      (heading as string)
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  for (const [, id] of markdown.matchAll(/<a id="([^"]+)"><\/a>/g)) found.add(id as string);
  return found;
}

/** The section of a page under the heading `title`, up to the next heading of its level or above. */
function section(markdown: string, title: string): string {
  const start = markdown.search(new RegExp(`^## ${title}$`, 'm'));
  if (start < 0) return '';
  const rest = markdown.slice(markdown.indexOf('\n', start) + 1);
  const end = rest.search(/^#{1,2} /m);
  return end < 0 ? rest : rest.slice(0, end);
}

/** The README is the front door and docs/ holds the rest; these keep both from drifting away from the code. */
describe('documentation', () => {
  it('documents every environment variable in docs/configuration.md', () => {
    const page = read('docs/configuration.md');
    for (const name of Object.keys(ConfigSchema.shape)) expect(page, name).toContain(`\`${name}\``);
  });

  it('mentions every API path in docs/api.md', () => {
    const page = read('docs/api.md');
    for (const route of apiRoutes) {
      // The whole path: `/api/v1/schedules` is not documented by `/api/v1/schedules/:id/pause` alone.
      const path = `/api/v1${route.path}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(page, route.path).toMatch(new RegExp(`${path}(?![\\w/:-])`));
    }
  });

  it('lists every node type in the README, linked to the file that defines it', () => {
    for (const definition of catalogue) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${definition.type}\``));
      expect(row, definition.type).toBeDefined();
      const file = row?.match(/\]\((nodes\/[^)]+\.node\.ts)\)/)?.[1];
      expect(file, `${definition.type}: no link to its .node.ts file`).toBeDefined();
      expect(read(file as string), `${file} defines ${definition.type}`).toContain(`type: '${definition.type}'`);
    }
  });

  it('lists every credential type in the README, linked to the file that defines it', () => {
    for (const definition of credentialCatalogue) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${definition.type}\``));
      expect(row, definition.type).toBeDefined();
      const file = row?.match(/\]\((nodes\/credentials\/[^)]+\.credential\.ts)\)/)?.[1];
      expect(file, `${definition.type}: no link to its .credential.ts file`).toBeDefined();
      expect(read(file as string), `${file} defines ${definition.type}`).toContain(`type: '${definition.type}'`);
    }
  });

  it('lists every engine invariant the code cites in docs/architecture.md', () => {
    const invariants = section(read('docs/architecture.md'), 'Engine invariants');
    const listed = new Map(
      [...invariants.matchAll(/^\d+\. (?:<a id="([^"]+)"><\/a>)?\*\*([^*]+)\*\*/gm)].map((match) => [
        match[2] as string,
        match[1],
      ]),
    );
    expect(listed.size).toBeGreaterThan(0);
    // Each has an anchor made of its name, so a link can point at it: #unique-step.
    for (const [name, id] of listed) expect(id, name).toBe(name.replace(/\s+/g, '-'));
    const cited = new Set<string>();
    for (const file of sourceFiles()) {
      // Comments wrap: join the lines so a citation split over two is still seen.
      const text = read(file).replace(/\s*\n\s*(?:\/\/|\*(?!\/))?\s*/g, ' ');
      for (const [, name] of text.matchAll(/\binvariant "([^"]+)"/g)) cited.add(`${file}: ${name}`);
    }
    for (const citation of cited) {
      const name = citation.slice(citation.indexOf(': ') + 2);
      expect(listed.has(name), `${citation} is not listed in docs/architecture.md`).toBe(true);
    }
  });

  it('has every relative link point at a file (and heading) that exists', () => {
    for (const page of pages) {
      for (const link of links(read(page))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:
        const [path = '', anchor] = link.split('#');
        const target = path === '' ? join(ROOT, page) : resolve(ROOT, dirname(page), decodeURI(path));
        expect(existsSync(target), `${page} links to ${link}`).toBe(true);
        expect(relative(ROOT, target).startsWith('..'), `${page} links outside the repository: ${link}`).toBe(false);
        if (anchor && target.endsWith('.md') && statSync(target).isFile()) {
          expect(anchors(readFileSync(target, 'utf8')), `${page} links to ${link}`).toContain(anchor);
        }
      }
    }
  });

  it('lists every docs page in the docs index', () => {
    const index = read('docs/README.md');
    for (const page of markdownUnder('docs').filter((path) => path !== join('docs', 'README.md'))) {
      expect(index, page).toContain(`](${relative('docs', page)})`);
    }
  });

  it('keeps the README a front door: under 180 lines', () => {
    expect(readme.split('\n').length).toBeLessThan(180);
  });
});
