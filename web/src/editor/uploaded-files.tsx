import { Paperclip } from 'lucide-react';
import { formatBytes } from '../lib/format.ts';

/*
 * The files of a webhook's multipart upload, as a list people read at a glance: the payload's body
 * is then `{ fields, files }`, each file `{ field, name, type, size, content (base64) }`
 * (server/api/multipart-body.ts). The content itself stays in the JSON view below, abbreviated.
 */

interface UploadedFile {
  field: string;
  name: string;
  type: string;
  size: number;
}

/** The uploaded files in a webhook body, or undefined when the body is no multipart upload. */
export function uploadedFiles(body: unknown): UploadedFile[] | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const { fields, files } = body as { fields?: unknown; files?: unknown };
  if (fields === null || typeof fields !== 'object' || !Array.isArray(files)) return undefined;
  const readable = files.every(
    (file) =>
      typeof file?.name === 'string' &&
      typeof file.type === 'string' &&
      typeof file.size === 'number' &&
      typeof file.field === 'string',
  );
  return readable ? (files as UploadedFile[]) : undefined;
}

export function UploadedFiles({ files }: { files: UploadedFile[] }) {
  if (files.length === 0) return <p className="text-xs text-slate-500">A form without files.</p>;
  return (
    <ul className="divide-y divide-slate-200 rounded-md border border-slate-200 bg-white" aria-label="Uploaded files">
      {files.map((file, index) => (
        // Names may repeat; the order is the request's.
        // biome-ignore lint/suspicious/noArrayIndexKey: the list is fixed once captured
        <li key={index} className="flex items-start gap-2 px-2.5 py-1.5 text-xs">
          <Paperclip className="mt-0.5 size-3.5 shrink-0 text-slate-400" aria-hidden />
          <div className="min-w-0">
            <p className="truncate font-medium text-slate-800" title={file.name}>
              {file.name}
            </p>
            <p className="text-slate-500">
              {file.type || 'no type'} · {formatBytes(file.size)} · field{' '}
              <span className="font-mono">{file.field}</span>
            </p>
          </div>
        </li>
      ))}
    </ul>
  );
}
