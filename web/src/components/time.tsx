import { formatDateTime, relativeTime } from '../lib/format.ts';

/** A moment shown relative ("5 minutes ago"), exact on hover and for screen readers. */
export function RelativeTime({ iso, className = '' }: { iso: string; className?: string }) {
  return (
    <time dateTime={iso} title={formatDateTime(iso)} className={className}>
      {relativeTime(iso)}
    </time>
  );
}
