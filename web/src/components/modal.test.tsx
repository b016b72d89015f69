// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Modal } from './modal.tsx';

afterEach(cleanup);

describe('Modal', () => {
  it('takes focus, keeps Tab inside, closes on Escape and gives focus back', () => {
    const opener = document.createElement('button');
    document.body.append(opener);
    opener.focus();
    const onClose = vi.fn();
    const { unmount } = render(
      <Modal title="Confirm" onClose={onClose}>
        <input aria-label="Reason" />
        <button type="button">Go</button>
      </Modal>,
    );
    const close = screen.getByRole('button', { name: 'Close' });
    const go = screen.getByRole('button', { name: 'Go' });
    expect(document.activeElement).toBe(close);
    go.focus();
    fireEvent.keyDown(window, { key: 'Tab' });
    expect(document.activeElement).toBe(close);
    fireEvent.keyDown(window, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(go);
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
    unmount();
    expect(document.activeElement).toBe(opener);
    opener.remove();
  });
});
