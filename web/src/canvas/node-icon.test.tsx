// @vitest-environment jsdom
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogue } from '../../../nodes/catalogue.ts';
import { describeNodeType } from '../../../server/api/routes/node-types.ts';
import type { NodeType } from '../api/types.ts';
import { NodeChip } from './node-icon.tsx';

afterEach(cleanup);

const served = catalogue.map(describeNodeType);
const http = served.find((type) => type.type === 'action.http') as NodeType;
const hostile =
  '<svg xmlns="http://www.w3.org/2000/svg" onload="window.pwned=1"><script>window.pwned=1</script><circle r="4"/></svg>';

describe('node chip', () => {
  it('draws a named icon of the set in the type’s accent', () => {
    const { container } = render(<NodeChip type={http} />);
    const chip = container.firstElementChild as HTMLElement;
    expect(chip.dataset.accent).toBe(http.accent);
    expect(chip.style.color).toBe('rgb(4, 120, 87)'); // #047857
    expect(chip.querySelector('svg.lucide-globe')).not.toBeNull();
  });

  it('shows a node’s own SVG as an image, so nothing in it reaches the page', () => {
    const { container } = render(<NodeChip type={{ ...http, icon: { svg: hostile } }} />);
    const image = container.querySelector('img') as HTMLImageElement;
    expect(decodeURIComponent(image.src.replace('data:image/svg+xml,', ''))).toBe(hostile);
    expect(image.alt).toBe('');
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('svg')).toBeNull();
    expect((window as { pwned?: number }).pwned).toBeUndefined();
  });

  it('falls back to a box and a neutral colour for what it does not know', () => {
    const stranger = { ...http, icon: { name: 'rocket' }, accent: 'red; background: url(x)' };
    const { container } = render(<NodeChip type={stranger} />);
    const chip = container.firstElementChild as HTMLElement;
    expect(chip.dataset.accent).toBe('#475569');
    expect(chip.querySelector('svg.lucide-box')).not.toBeNull();
    expect(render(<NodeChip type={undefined} />).container.querySelector('svg.lucide-box')).not.toBeNull();
  });
});
