// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Graph } from '../../api/types.ts';
import { StepList } from './step-list.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const at = { x: 0, y: 0 };

/**
 * Hook ──▶ Each (loop) ──done──▶ Email, with Row inside the loop's frame; the nodes were added in
 * the order an analyst might: the loop's body last, after what follows the loop.
 */
const graph = {
  nodes: [
    { id: 'hook', type: 'trigger.manual', name: 'Hook', position: at, config: {} },
    { id: 'each', type: 'flow.loop', name: 'Each', position: at, config: { items: '{{ input }}' } },
    { id: 'email', type: 'transform.set', name: 'Email', position: at, config: {} },
    { id: 'row', type: 'transform.set', name: 'Row', position: at, config: {}, parentId: 'each' },
  ],
  edges: [
    { id: 'e1', source: 'hook', sourcePort: 'main', target: 'each' },
    { id: 'e2', source: 'each', sourcePort: 'each', target: 'row' },
    { id: 'e3', source: 'row', sourcePort: 'main', target: 'each' },
    { id: 'e4', source: 'each', sourcePort: 'done', target: 'email' },
  ],
} as unknown as Graph;

describe('the step list of an execution', () => {
  it('lists steps in the order they run, a loop’s body right after its loop, not in the order they were added', () => {
    // The node catalogue is not needed to order steps: its request never answers here.
    vi.stubGlobal('fetch', () => new Promise(() => {}));
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <StepList graph={graph} latest={new Map()} onSelect={() => {}} />
      </QueryClientProvider>,
    );
    const names = within(screen.getByRole('complementary', { name: 'Steps' }))
      .getAllByRole('button')
      .map((button) => button.querySelector('.font-medium')?.textContent);
    expect(names).toEqual(['Hook', 'Each', 'Row', 'Email']);
  });
});
