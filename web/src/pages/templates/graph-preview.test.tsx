// @vitest-environment jsdom
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogue } from '../../../../nodes/catalogue.ts';
import { describeNodeType } from '../../../../server/api/routes/node-types.ts';
import { findTemplate } from '../../../../templates/catalogue.ts';
import type { Graph } from '../../api/types.ts';
import { NodeTypes } from '../../canvas/node-types.ts';
import { GraphPreview } from './graph-preview.tsx';

afterEach(cleanup);

const types = new NodeTypes(catalogue.map(describeNodeType));
const graphOf = (slug: string) => findTemplate(slug)?.graph as Graph;

const draw = (graph: Graph, allowCompact = false) =>
  render(<GraphPreview graph={graph} types={types} label="Steps" allowCompact={allowCompact} />).container;

describe('graph preview', () => {
  it('draws every node with its name and type, every edge, and a loop as a frame around its body', () => {
    const graph = graphOf('sync-new-orders');
    const svg = draw(graph).querySelector('svg[aria-label="Steps"]') as SVGSVGElement;
    const node = (name: string) => svg.querySelector(`[data-testid="preview-node-${name}"]`);
    expect(node('New orders')?.textContent).toBe('New ordersWebhook');
    expect(node('Upsert in CRM')?.textContent).toBe('Upsert in CRMHTTP request');
    expect(node('Each order')?.textContent).toContain('Each of {{ input.body.orders }}');
    expect(svg.querySelectorAll('path[stroke="#94a3b8"]')).toHaveLength(graph.edges.length);
    // The body is drawn inside its frame: the frame's rectangle holds the body node's.
    const frame = node('Each order')?.querySelector('rect') as SVGRectElement;
    const body = node('Upsert in CRM')?.querySelector('rect') as SVGRectElement;
    const at = (rect: SVGRectElement, name: string) => Number(rect.getAttribute(name));
    expect(at(body, 'x')).toBeGreaterThan(at(frame, 'x'));
    expect(at(body, 'x') + at(body, 'width')).toBeLessThan(at(frame, 'x') + at(frame, 'width'));
    expect(at(body, 'y')).toBeGreaterThan(at(frame, 'y'));
  });

  it('names the ports of a node with several, the error port in red', () => {
    const retry = graphOf('retry-flaky-api-then-alert');
    const container = draw(retry);
    const fetch = container.querySelector('[data-testid="preview-node-Fetch stock levels"]');
    expect([...(fetch?.querySelectorAll('text') ?? [])].map((text) => text.textContent)).toEqual([
      'Fetch stock levels',
      'HTTP request',
      'main',
      'on error',
    ]);
    expect(container.querySelectorAll('path[stroke="#ef4444"]')).toHaveLength(1);
  });

  it('draws a long chain as icon tiles where allowed, names kept as tooltips', () => {
    const leads = graphOf('dedupe-sort-leads');
    const tiles = draw(leads, true).querySelectorAll('[data-testid^="preview-node-"] title');
    expect([...tiles].map((title) => title.textContent)).toEqual(leads.nodes.map((node) => node.name));
    cleanup();
    expect(draw(leads).querySelectorAll('title')).toHaveLength(0);
    // A short graph stays drawn in full even where tiles are allowed.
    expect(draw(graphOf('webhook-to-slack'), true).querySelectorAll('title')).toHaveLength(0);
  });

  it('tiles a long graph with a loop as a frame holding the loop’s tile above its body’s', () => {
    const container = draw(graphOf('csv-upload-summary'), true);
    const rect = (name: string) =>
      container.querySelector(`[data-testid="preview-node-${name}"] rect`) as SVGRectElement;
    const at = (element: SVGRectElement, name: string) => Number(element.getAttribute(name));
    const frame = rect('Each row');
    const body = rect('Row');
    expect(container.querySelector('[data-testid="preview-node-Each row"] title')?.textContent).toBe('Each row');
    expect(at(body, 'x')).toBeGreaterThan(at(frame, 'x'));
    expect(at(body, 'x') + at(body, 'width')).toBeLessThan(at(frame, 'x') + at(frame, 'width'));
    expect(at(body, 'y') + at(body, 'height')).toBeLessThan(at(frame, 'y') + at(frame, 'height'));
    expect(at(body, 'y')).toBeGreaterThan(at(frame, 'y') + at(body, 'height'));
  });
});
