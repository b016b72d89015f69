import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, call } from '../../api/client.ts';
import { ROLE_LABELS } from '../../auth/permissions.ts';
import { useCurrentUser } from '../../auth/session.tsx';
import { fieldErrors, TextField } from '../../components/field.tsx';
import { Button, errorMessage, PageHeader } from '../../components/ui.tsx';
import { ApiKeysSection } from './api-keys-section.tsx';

export function AccountPage() {
  const user = useCurrentUser();
  return (
    <>
      <PageHeader title="Account" description={`${user.name} · ${user.email} · ${ROLE_LABELS[user.role]}`} />
      <div className="space-y-8">
        <PasswordSection />
        <ApiKeysSection />
      </div>
    </>
  );
}

function PasswordSection() {
  const [form, setForm] = useState({ currentPassword: '', newPassword: '' });
  const change = useMutation({
    mutationFn: () => call('POST /auth/password', { body: form }),
    onSuccess: () => setForm({ currentPassword: '', newPassword: '' }),
  });
  const errors = change.error instanceof ApiError ? fieldErrors(change.error.details) : {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate();
  };
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h2 className="text-base font-semibold text-slate-900">Password</h2>
      <p className="mt-1 text-sm text-slate-500">Changing it signs you out everywhere else.</p>
      <form onSubmit={submit} className="mt-5 grid max-w-md gap-4">
        <TextField
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          value={form.currentPassword}
          onChange={(e) => setForm({ ...form, currentPassword: e.target.value })}
          error={errors.currentPassword}
        />
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          hint="At least 10 characters."
          value={form.newPassword}
          onChange={(e) => setForm({ ...form, newPassword: e.target.value })}
          error={errors.newPassword}
        />
        {change.error && Object.keys(errors).length === 0 && (
          <p role="alert" className="text-sm text-red-600">
            {errorMessage(change.error)}
          </p>
        )}
        {change.isSuccess && (
          <p role="status" className="text-sm text-emerald-700">
            Password changed.
          </p>
        )}
        <div>
          <Button type="submit" variant="primary" busy={change.isPending}>
            Change password
          </Button>
        </div>
      </form>
    </section>
  );
}
