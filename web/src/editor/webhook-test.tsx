import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Check, CircleAlert, Lock, Radio } from 'lucide-react';
import { useEffect, useState } from 'react';
import { listenForTestRequest, webhookTestQueries } from '../api/queries/webhook-tests.ts';
import { CopyField } from '../components/code-block.tsx';
import { JsonView } from '../components/json-view.tsx';
import { Button, errorMessage } from '../components/ui.tsx';
import { formatDateTime } from '../lib/format.ts';
import { readTestPayload, writeTestPayload } from './test-payload.ts';
import { UploadedFiles, uploadedFiles } from './uploaded-files.tsx';

/**
 * Test URLs armed in this page, by workflow: the server answers one only when arming it, and the
 * panel unmounts whenever another node is selected.
 */
const armedUrls = new Map<string, string>();

/** `m:ss` left until `until`. */
function timeLeft(until: string, now: number): string {
  const seconds = Math.max(0, Math.ceil((Date.parse(until) - now) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The current time, ticking each second while `active`. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/**
 * "Listen for a test request" on a webhook trigger: arms a test URL that takes one request within
 * five minutes, checked as the live webhook checks it, and shows it when it arrives; "Use as test
 * data" makes it the draft's test payload (the Test run dialog's, and `trigger` in completions).
 */
export function WebhookTest({ workflowId, flush }: { workflowId: string; flush: () => Promise<unknown> }) {
  const queryClient = useQueryClient();
  const query = webhookTestQueries.state(workflowId);
  const test = useQuery(query).data;
  // The URL is in the answer that armed it only: the server keeps its hash.
  const [url, setUrl] = useState<string | null>(() => armedUrls.get(workflowId) ?? null);
  const [used, setUsed] = useState(false);
  const [notKept, setNotKept] = useState(false);
  const listen = useMutation({
    mutationFn: async () => {
      await flush();
      return listenForTestRequest(workflowId);
    },
    onSuccess: (armed) => {
      if (armed.url) armedUrls.set(workflowId, armed.url);
      setUrl(armed.url);
      setUsed(false);
      queryClient.setQueryData(query.queryKey, armed);
    },
  });
  const listening = test?.status === 'listening';
  const now = useNow(listening);
  // The clock passing the expiry says so before the next poll does.
  const status = listening && test?.expiresAt && Date.parse(test.expiresAt) <= now ? 'expired' : test?.status;
  const payloadText = test?.payload == null ? null : JSON.stringify(test.payload, null, 2);
  const inUse = used || (payloadText !== null && readTestPayload(workflowId) === payloadText);

  return (
    <div className="mt-3 border-t border-violet-100 pt-3" data-testid="webhook-test">
      {status === 'listening' && test?.expiresAt ? (
        <div className="space-y-2">
          <p className="flex items-center gap-1.5 text-xs font-medium text-violet-800" role="status">
            <Radio className="size-3.5 animate-pulse" aria-hidden />
            Waiting for a {test.method} request · {timeLeft(test.expiresAt, now)} left
          </p>
          {url ? (
            <>
              <CopyField value={url} label="test URL" wrap />
              <p className="text-xs leading-5 text-slate-600">
                Send one request here, as the sender would. It is checked like a live one and kept as test data; no run
                starts.
              </p>
            </>
          ) : (
            <p className="text-xs leading-5 text-slate-600">
              A test URL opened earlier is listening; its address is shown only once. Listen again for a new one.
            </p>
          )}
          {test.signed && (
            <p className="flex items-start gap-1.5 text-xs leading-5 text-amber-800">
              <Lock className="mt-1 size-3 shrink-0" aria-hidden />
              It must be signed with the trigger’s secret, as live requests are.
            </p>
          )}
          {test.refusal && (
            <p className="flex items-start gap-1.5 text-xs leading-5 text-red-700" role="alert">
              <CircleAlert className="mt-0.5 size-3.5 shrink-0" aria-hidden />
              <span>
                A request was refused ({test.refusal.status}): {test.refusal.message}. Still listening.
              </span>
            </p>
          )}
        </div>
      ) : (
        <>
          {status === 'expired' && (
            <p className="mb-2 text-xs text-slate-600">No request arrived in time; the test URL has closed.</p>
          )}
          {status === 'captured' && test?.capturedAt && (
            <div className="mb-2 space-y-2" data-testid="captured-request">
              <p className="text-xs font-medium text-slate-700">
                Test request captured {formatDateTime(test.capturedAt)}
              </p>
              <CapturedRequest payload={test.payload} />
              {inUse ? (
                <p className="flex items-center gap-1.5 text-xs text-emerald-700" role="status">
                  <Check className="size-3.5" aria-hidden /> This is the draft’s test data: Test run starts with it.
                </p>
              ) : (
                <Button
                  size="sm"
                  variant="primary"
                  onClick={() => {
                    if (payloadText === null) return;
                    try {
                      writeTestPayload(workflowId, payloadText);
                      setUsed(true);
                    } catch {
                      // The browser's storage is full: a few megabytes of uploads can fill it.
                      setNotKept(true);
                    }
                  }}
                >
                  Use as test data
                </Button>
              )}
              {notKept && !inUse && (
                <p className="text-xs leading-5 text-red-700" role="alert">
                  This request is too big for the browser to keep as test data. Send a smaller one, or paste what you
                  need into the Test run dialog.
                </p>
              )}
            </div>
          )}
          <Button
            size="sm"
            icon={<Radio className="size-3.5" />}
            busy={listen.isPending}
            onClick={() => listen.mutate()}
          >
            {status === 'captured' || status === 'expired' ? 'Listen again' : 'Listen for a test request'}
          </Button>
        </>
      )}
      {listen.error && (
        <p className="mt-2 text-xs text-red-700" role="alert">
          {errorMessage(listen.error)}
        </p>
      )}
    </div>
  );
}

/** The captured request: its method and path, an upload's files listed, its body open, headers and query folded. */
function CapturedRequest({ payload }: { payload: unknown }) {
  const request = (payload ?? {}) as {
    method?: string;
    path?: string;
    headers?: unknown;
    query?: unknown;
    body?: unknown;
  };
  const files = uploadedFiles(request.body);
  return (
    <>
      <p className="font-mono text-xs text-slate-800">
        <span className="mr-1.5 rounded bg-white px-1 py-0.5 font-semibold ring-1 ring-slate-200">
          {request.method}
        </span>
        {request.path}
      </p>
      {files && (
        <>
          <p className="text-[11px] font-medium tracking-wide text-slate-500 uppercase">Files</p>
          <UploadedFiles files={files} />
        </>
      )}
      <p className="text-[11px] font-medium tracking-wide text-slate-500 uppercase">Body</p>
      {/* An upload's file entries open too: their content is abbreviated, the rest is short. */}
      <JsonView value={request.body} label="captured body" openDepth={files ? 3 : 2} />
      <p className="text-[11px] font-medium tracking-wide text-slate-500 uppercase">Headers and query</p>
      <JsonView
        value={{ headers: request.headers, query: request.query }}
        label="captured headers and query"
        openDepth={1}
      />
    </>
  );
}
