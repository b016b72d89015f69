// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionDetail } from '../api/types.ts';
import { RunBar } from './run-bar.tsx';

afterEach(cleanup);

describe('RunBar', () => {
  it('shows a quick run in milliseconds, not "0.0 s"', () => {
    const detail = { durationMs: 42 } as ExecutionDetail;
    render(
      <MemoryRouter>
        <RunBar
          run={{
            executionId: 'e1',
            status: 'succeeded',
            statuses: { start: 'succeeded', greet: 'succeeded' },
            detail,
            startedAt: Date.now(),
            dismissed: false,
          }}
          onDismiss={() => {}}
        />
      </MemoryRouter>,
    );
    expect(screen.getByTestId('run-bar').textContent).toContain('2 steps done · 42 ms');
  });
});
