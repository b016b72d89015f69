import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../../../server/testing/api.ts';
import type { Draft, Graph } from '../api/types.ts';
import { backupKey, DraftSaver, type DraftSaverOptions, restorableBackup, type SaveState } from './autosave.ts';

/** Autosave against the real API in process (`app.request`, a real SQLite file): no mocks of the server. */

const graph = (name: string): Graph => ({
  nodes: [{ id: 'start', type: 'trigger.manual', name, position: { x: 0, y: 0 }, config: {} }],
  edges: [],
});

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The browser sends its session cookie; here an analyst's key stands in for it. */
function signedIn(init: RequestInit): RequestInit {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${api.keys.analyst}`);
  return { ...init, headers };
}

let api: TestApi;
let workflowId: string;
let puts: number;
let states: SaveState['kind'][];
let saved: Draft[];

beforeEach(async () => {
  api = testApi();
  const created = await api.call('POST', '/api/v1/workflows', { name: 'Autosave' });
  workflowId = created.body.id;
  puts = 0;
  states = [];
  saved = [];
});
afterEach(() => api.cleanup());

function saver(overrides: Partial<DraftSaverOptions> = {}): DraftSaver {
  return new DraftSaver({
    workflowId,
    revision: 0,
    delayMs: 30,
    backoffMs: () => 20,
    onState: (state) => states.push(state.kind),
    onSaved: (draft) => saved.push(draft),
    fetch: async (url, init) => {
      if (init.method === 'PUT') puts++;
      return api.app.request(url, signedIn(init));
    },
    ...overrides,
  });
}

const serverDraft = async () => (await api.call('GET', `/api/v1/workflows/${workflowId}/draft`)).body as Draft;

describe('draft autosave', () => {
  it('debounces a burst of edits into one save and keeps the revision from the answer', async () => {
    const initial = await serverDraft();
    const autosave = saver({ revision: initial.revision });
    for (const name of ['A', 'Ab', 'Abc']) autosave.change(graph(name));
    expect(autosave.state.kind).toBe('pending');
    await sleep(120);
    expect(puts).toBe(1);
    expect(autosave.state.kind).toBe('saved');
    expect(autosave.currentRevision).toBe(initial.revision + 1);
    expect((await serverDraft()).graph.nodes[0]?.name).toBe('Abc');

    // The next save carries the new revision, so it is accepted too.
    autosave.change(graph('Next'));
    await autosave.flush();
    expect(puts).toBe(2);
    expect(autosave.currentRevision).toBe(initial.revision + 2);
    expect(saved.map((draft) => draft.graph.nodes[0]?.name)).toEqual(['Abc', 'Next']);
    expect(states).toEqual(['pending', 'saving', 'saved', 'pending', 'saving', 'saved']);
  });

  it('reports the draft problems the server found', async () => {
    const autosave = saver({ revision: (await serverDraft()).revision });
    autosave.change({ nodes: [], edges: [] });
    await autosave.flush();
    expect(saved[0]?.problems.map((problem) => problem.code)).toEqual(['trigger_count']);
  });

  it('stops with a conflict, overwriting nothing, when the draft was saved elsewhere', async () => {
    const initial = await serverDraft();
    const autosave = saver({ revision: initial.revision });
    // Another tab saves first.
    await api.call('PUT', `/api/v1/workflows/${workflowId}/draft`, {
      graph: graph('Theirs'),
      revision: initial.revision,
    });
    autosave.change(graph('Mine'));
    await expect(autosave.flush()).rejects.toThrow(/saved elsewhere/);
    expect(autosave.state.kind).toBe('conflict');
    expect((await serverDraft()).graph.nodes[0]?.name).toBe('Theirs');
    // Further edits are not sent while in conflict.
    autosave.change(graph('Mine again'));
    await sleep(80);
    expect(puts).toBe(1);

    // The user chooses to keep their version: it is saved over theirs, and saving goes on.
    autosave.keepMine();
    await sleep(80);
    expect(autosave.state.kind).toBe('saved');
    expect((await serverDraft()).graph.nodes[0]?.name).toBe('Mine again');
    autosave.change(graph('Mine, later'));
    await autosave.flush();
    expect((await serverDraft()).graph.nodes[0]?.name).toBe('Mine, later');
  });

  it('retries with backoff when the server cannot be reached, then saves', async () => {
    let failures = 2;
    const autosave = saver({
      revision: (await serverDraft()).revision,
      fetch: async (url, init) => {
        puts++;
        if (failures-- > 0) throw new TypeError('Failed to fetch');
        return api.app.request(url, signedIn(init));
      },
    });
    autosave.change(graph('Offline edit'));
    await sleep(200);
    expect(puts).toBe(3);
    expect(states).toContain('retrying');
    expect(autosave.state.kind).toBe('saved');
    expect((await serverDraft()).graph.nodes[0]?.name).toBe('Offline edit');
  });

  it('keeps an unsent edit when the page goes away, and restores it only onto the draft it was based on', async () => {
    const storage = new MemoryStorage();
    const initial = await serverDraft();
    const autosave = saver({
      revision: initial.revision,
      storage,
      fetch: async () => {
        throw new TypeError('page is unloading');
      },
    });
    autosave.change(graph('Unsaved'));
    autosave.flushOnExit();
    expect(storage.items.has(backupKey(workflowId))).toBe(true);
    autosave.dispose();

    // The next page finds the server draft unchanged: the edit comes back.
    expect(restorableBackup(storage, workflowId, initial)?.nodes[0]?.name).toBe('Unsaved');
    // If someone saved meanwhile, the copy is stale and is dropped rather than overwriting them.
    const newer = { ...initial, revision: initial.revision + 5 };
    expect(restorableBackup(storage, workflowId, newer)).toBeUndefined();
    expect(storage.items.has(backupKey(workflowId))).toBe(false);
  });

  it('sends what is pending at once when the page is hidden, without waiting for the debounce', async () => {
    const storage = new MemoryStorage();
    const autosave = saver({ revision: (await serverDraft()).revision, storage, delayMs: 10_000 });
    autosave.change(graph('Before close'));
    autosave.flushOnExit();
    await sleep(50);
    expect(puts).toBe(1);
    expect((await serverDraft()).graph.nodes[0]?.name).toBe('Before close');
    // Once saved, the local copy is no longer needed.
    expect(storage.items.has(backupKey(workflowId))).toBe(false);
    autosave.dispose();
  });
});
