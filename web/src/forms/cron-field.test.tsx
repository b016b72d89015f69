// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogue } from '../../../nodes/catalogue.ts';
import { describeNodeType } from '../../../server/api/routes/node-types.ts';
import { initialValue, type JsonSchema } from './schema.ts';
import { SchemaForm } from './schema-form.tsx';

afterEach(cleanup);

/** The schedule trigger's form, from the schema the server serves for it. */
const schema = catalogue.map(describeNodeType).find((type) => type.type === 'trigger.schedule')
  ?.configSchema as JsonSchema;

function Schedule({ changes, initial }: { changes: Record<string, unknown>[]; initial?: Record<string, unknown> }) {
  const [value, setValue] = useState(() => initial ?? (initialValue(schema, schema) as Record<string, unknown>));
  return (
    <SchemaForm
      schema={schema}
      value={value}
      onChange={(next) => {
        changes.push(next);
        setValue(next);
      }}
    />
  );
}

const summary = () => screen.getByTestId('cron-summary');

describe('the schedule trigger’s form', () => {
  it('starts every day at 09:00, in words with its next runs; the simple mode writes the cron', () => {
    const changes: Record<string, unknown>[] = [];
    render(<Schedule changes={changes} />);
    expect(within(summary()).getByText('At 09:00')).toBeTruthy();
    expect(within(summary()).getAllByRole('listitem')).toHaveLength(3);

    fireEvent.change(screen.getByLabelText('Unit'), { target: { value: 'hours' } });
    expect(changes.at(-1)).toEqual({ cron: '0 * * * *', timezone: 'UTC' });
    fireEvent.change(screen.getByLabelText('Every how many'), { target: { value: '2' } });
    fireEvent.change(screen.getByLabelText('At minute'), { target: { value: '30' } });
    expect(changes.at(-1)).toEqual({ cron: '30 */2 * * *', timezone: 'UTC' });
    expect(within(summary()).getByText(/At 30 minutes past the hour, every 2 hours/)).toBeTruthy();

    // Another unit starts from its usual count, keeping the minute: not "every 2 days" by surprise.
    fireEvent.change(screen.getByLabelText('Unit'), { target: { value: 'days' } });
    expect(changes.at(-1)).toEqual({ cron: '30 9 * * *', timezone: 'UTC' });
    fireEvent.change(screen.getByLabelText('Every how many'), { target: { value: '2' } });
    fireEvent.change(screen.getByLabelText('At time'), { target: { value: '18:45' } });
    expect(changes.at(-1)).toEqual({ cron: '45 18 */2 * *', timezone: 'UTC' });
    expect(screen.getByTestId('cron-written').textContent).toBe('45 18 */2 * *');
  });

  it('takes raw cron, says when it is not a schedule, and reads the next runs in the picked time zone', () => {
    const changes: Record<string, unknown>[] = [];
    render(<Schedule changes={changes} initial={{ cron: '0 9 * * 1-5', timezone: 'UTC' }} />);
    // A cron the simple mode cannot say opens as cron.
    const cron = screen.getByLabelText('Cron expression') as HTMLInputElement;
    expect(cron.value).toBe('0 9 * * 1-5');
    expect(within(summary()).getByText('At 09:00, Monday through Friday')).toBeTruthy();

    fireEvent.change(cron, { target: { value: '0 9 * *' } });
    expect(within(summary()).getByText('Not a schedule yet')).toBeTruthy();
    expect(within(summary()).queryAllByRole('listitem')).toHaveLength(0);
    fireEvent.change(cron, { target: { value: '0 9 * * *' } });

    const zone = screen.getByLabelText(/Timezone/) as HTMLSelectElement;
    fireEvent.change(zone, { target: { value: 'Asia/Tokyo' } });
    expect(changes.at(-1)).toEqual({ cron: '0 9 * * *', timezone: 'Asia/Tokyo' });
    expect(within(summary()).getByText(/\(Asia\/Tokyo\)/)).toBeTruthy();
    // Each next run says its time in the schedule's zone when the browser is elsewhere.
    const runs = within(summary()).getAllByRole('listitem');
    expect(runs).toHaveLength(3);
    for (const run of runs) expect(run.textContent).toMatch(/09:00 in Asia\/Tokyo/);
  });
});
