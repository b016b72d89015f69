import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError, call } from '../api/client.ts';
import { authQueries } from '../api/queries/auth.ts';
import { fieldErrors, TextField } from '../components/field.tsx';
import { Button, errorMessage } from '../components/ui.tsx';
import { AuthLayout } from './auth-layout.tsx';

/** First start: the person who installed Stepwise creates the first admin (the owner). */
export function SetupPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ name: '', email: '', password: '', confirm: '' });
  const setup = useMutation({
    mutationFn: () =>
      call('POST /auth/setup', { body: { name: form.name, email: form.email, password: form.password } }),
    onSuccess: async () => {
      await queryClient.resetQueries({ queryKey: authQueries.all });
      navigate('/workflows', { replace: true });
    },
  });
  const mismatch = form.confirm !== '' && form.confirm !== form.password;
  const errors = setup.error instanceof ApiError ? fieldErrors(setup.error.details) : {};
  const alreadySetUp = setup.error instanceof ApiError && setup.error.status === 409;
  const update = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm({ ...form, [key]: event.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!mismatch) setup.mutate();
  };

  return (
    <AuthLayout title="Set up Stepwise" subtitle="Create the owner account. You can invite your team afterwards.">
      <form onSubmit={submit} className="space-y-4">
        <TextField
          label="Your name"
          required
          autoFocus
          value={form.name}
          onChange={update('name')}
          error={errors.name}
        />
        <TextField
          label="Email"
          type="email"
          autoComplete="username"
          required
          value={form.email}
          onChange={update('email')}
          error={errors.email}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          hint="At least 10 characters."
          value={form.password}
          onChange={update('password')}
          error={errors.password}
        />
        <TextField
          label="Confirm password"
          type="password"
          autoComplete="new-password"
          required
          value={form.confirm}
          onChange={update('confirm')}
          error={mismatch ? 'The passwords differ' : undefined}
        />
        {setup.error && !errors.name && !errors.email && !errors.password && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {errorMessage(setup.error)}{' '}
            {alreadySetUp && (
              <Link to="/login" className="font-medium underline">
                Sign in
              </Link>
            )}
          </p>
        )}
        <Button type="submit" variant="primary" className="w-full" busy={setup.isPending} disabled={mismatch}>
          Create owner account
        </Button>
      </form>
    </AuthLayout>
  );
}
