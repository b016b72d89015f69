import { Compass } from 'lucide-react';
import { Link } from 'react-router';
import { EmptyState } from '../components/ui.tsx';

export function NotFoundPage() {
  return (
    <EmptyState
      icon={<Compass className="size-5" />}
      title="Page not found"
      action={
        <Link to="/workflows" className="text-sm font-medium text-accent-600 hover:text-accent-700">
          Back to workflows
        </Link>
      }
    >
      The address may be mistyped, or what it pointed to was removed.
    </EmptyState>
  );
}
