// @vitest-environment jsdom
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeDocs } from './node-docs.tsx';

afterEach(cleanup);

describe('node docs', () => {
  it('splits paragraphs at blank lines and shows `code` as code', () => {
    const { container } = render(<NodeDocs docs={'Reads `input.id`\nand more.\n\nSecond `a` and `b`.'} />);
    const paragraphs = [...container.querySelectorAll('p')];
    expect(paragraphs.map((paragraph) => paragraph.textContent)).toEqual([
      'Reads input.id and more.',
      'Second a and b.',
    ]);
    expect([...container.querySelectorAll('code')].map((code) => code.textContent)).toEqual(['input.id', 'a', 'b']);
  });

  it('renders markup in docs as text', () => {
    const { container } = render(<NodeDocs docs={'<img src=x onerror="alert(1)"> and <b>bold</b>'} />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(container.querySelector('p')?.textContent).toBe('<img src=x onerror="alert(1)"> and <b>bold</b>');
  });

  it('shows nothing for empty docs', () => {
    expect(render(<NodeDocs docs={' \n\n '} />).container.innerHTML).toBe('');
  });
});
