import { JsonView } from '../../components/json-view.tsx';

/** `StepRun.request` as the server stores it; anything else (an older shape) is not shown. */
interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

function asSentRequest(value: unknown): SentRequest | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const request = value as Partial<SentRequest>;
  if (typeof request.method !== 'string' || typeof request.url !== 'string') return undefined;
  return { ...request, headers: request.headers ?? {} } as SentRequest;
}

/** A JSON body is shown as a tree; any other text (or the size-cap marker) as it is. */
function bodyValue(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/**
 * What an HTTP step sent, beside its answer: method and URL, headers and body, with the
 * credential's secrets already masked by the worker (the browser never receives them).
 */
export function SentRequestView({ request }: { request: unknown }) {
  const operation = asOperationRecord(request);
  if (operation) return <OperationView operation={operation} />;
  const sent = asSentRequest(request);
  if (!sent) return null;
  const headers = Object.entries(sent.headers);
  return (
    <div data-testid="sent-request">
      <h3 className="mb-1 text-xs font-medium tracking-wide text-slate-500 uppercase">Request sent</h3>
      <div className="space-y-2 rounded-md border border-slate-200 bg-slate-50 p-2.5 font-mono text-xs leading-5">
        <p className="break-all text-slate-900">
          <span className="mr-1.5 rounded bg-slate-200/80 px-1 py-0.5 font-semibold">{sent.method}</span>
          {sent.url}
        </p>
        {headers.length > 0 && (
          <dl className="grid grid-cols-[max-content_1fr] gap-x-2 border-t border-slate-200 pt-2">
            {headers.map(([name, value]) => (
              <div key={name} className="contents">
                <dt className="text-slate-500">{name}:</dt>
                <dd className="break-all text-slate-800">{value}</dd>
              </div>
            ))}
          </dl>
        )}
      </div>
      {sent.body !== undefined && (
        <div className="mt-1.5">
          <JsonView value={bodyValue(sent.body)} label="request body" />
        </div>
      )}
    </div>
  );
}

/** What a step did with a protocol credential (an email sent, a query run), as the worker recorded it. */
interface OperationRecord {
  operation: string;
  title: string;
  details?: Record<string, unknown>;
}

function asOperationRecord(value: unknown): OperationRecord | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Partial<OperationRecord>;
  if (typeof record.operation !== 'string' || typeof record.title !== 'string') return undefined;
  const details = record.details !== null && typeof record.details === 'object' ? record.details : undefined;
  return { operation: record.operation, title: record.title, ...(details ? { details } : {}) };
}

/**
 * The operation's one-line title, then each detail: text (a query, a subject) as written, with its
 * line breaks, anything else as a tree. Two names read better laid out for what they are: a
 * `query` is code, in a block that keeps its layout, and `parameters` (a list) are the values of
 * its placeholders, each shown beside its `$n`. Secrets were masked by the worker before it was stored.
 */
function OperationView({ operation }: { operation: OperationRecord }) {
  const details = Object.entries(operation.details ?? {});
  return (
    <div data-testid="sent-request">
      <h3 className="mb-1 text-xs font-medium tracking-wide text-slate-500 uppercase">Sent</h3>
      <div className="space-y-2 rounded-md border border-slate-200 bg-slate-50 p-2.5 text-xs leading-5">
        <p className="font-medium break-all text-slate-900">{operation.title}</p>
        {details.length > 0 && (
          <dl className="space-y-1.5 border-t border-slate-200 pt-2">
            {details.map(([name, value]) => (
              <div key={name}>
                <dt className="text-slate-500">{name}</dt>
                <dd className="mt-0.5 text-slate-800">
                  <DetailValue name={name} value={value} />
                </dd>
              </div>
            ))}
          </dl>
        )}
      </div>
    </div>
  );
}

function DetailValue({ name, value }: { name: string; value: unknown }) {
  if (name === 'query' && typeof value === 'string') {
    return (
      <pre
        data-testid="sql-query"
        className="overflow-x-auto rounded border border-slate-200 bg-white px-2 py-1.5 font-mono whitespace-pre text-slate-900"
      >
        {value}
      </pre>
    );
  }
  if (name === 'parameters' && Array.isArray(value)) {
    if (value.length === 0) return <p className="text-slate-400">none</p>;
    return (
      <ol className="space-y-0.5">
        {value.map((parameter, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a parameter is known by its position ($1, $2…)
          <li key={index} data-testid={`sql-parameter-${index + 1}`} className="flex items-baseline gap-2">
            <span className="w-7 shrink-0 text-right font-mono text-slate-500">${index + 1}</span>
            <span className="min-w-0 flex-1 font-mono break-all">
              {typeof parameter === 'string' ? (
                <span className="rounded bg-white px-1 ring-1 ring-slate-200">{parameter}</span>
              ) : (
                <JsonView value={parameter} label={`$${index + 1}`} />
              )}
            </span>
          </li>
        ))}
      </ol>
    );
  }
  return typeof value === 'string' ? (
    <pre className="font-mono break-all whitespace-pre-wrap">{value}</pre>
  ) : (
    <JsonView value={value} label={name} />
  );
}
