import { describe, expect, it } from 'vitest';
import { iconProblem, MAX_SVG_LENGTH, NODE_ICONS } from './appearance.ts';

const svg = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">${body}</svg>`;

describe('iconProblem', () => {
  it('accepts every name of the documented set, and nothing else by name', () => {
    for (const name of NODE_ICONS) expect(iconProblem(name), name).toBeUndefined();
    expect(iconProblem('rocket' as never)).toMatch(/not one of NODE_ICONS/);
  });

  it('accepts one SVG document of a bounded size', () => {
    expect(iconProblem({ svg: svg('<circle cx="12" cy="12" r="9"/>') })).toBeUndefined();
    expect(iconProblem({ svg: '<img src=x onerror=alert(1)>' })).toMatch(/one <svg/);
    expect(iconProblem({ svg: '<svg viewBox="0 0 24 24"></svg>' })).toMatch(/xmlns/);
    expect(iconProblem({ svg: svg('x'.repeat(MAX_SVG_LENGTH)) })).toMatch(/at most/);
  });
});
