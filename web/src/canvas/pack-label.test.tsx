// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { PackLabel } from './pack-label.tsx';

afterEach(cleanup);

describe('pack label', () => {
  it('names the pack as name@version, and says so in full on hover', () => {
    render(<PackLabel pack={{ name: 'example', version: '1.0.0' }} />);
    const label = screen.getByTestId('pack-label');
    expect(label.textContent).toBe('example@1.0.0');
    expect(label.title).toBe('From the node pack example, version 1.0.0');
  });

  it('shows nothing for a built-in type', () => {
    expect(render(<PackLabel pack={undefined} />).container.innerHTML).toBe('');
  });
});
