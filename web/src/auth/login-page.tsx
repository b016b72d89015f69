import { useMutation, useQueryClient } from '@tanstack/react-query';
import { LogIn } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError, call } from '../api/client.ts';
import { TextField } from '../components/field.tsx';
import { Button, errorMessage } from '../components/ui.tsx';
import { AuthLayout } from './auth-layout.tsx';
import { safeNext } from './safe-next.ts';
import { ME_QUERY_KEY } from './session.tsx';

export function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => call('POST /auth/login', { body: { email, password } }),
    onSuccess: async () => {
      await queryClient.resetQueries({ queryKey: ME_QUERY_KEY });
      navigate(safeNext(params.get('next')), { replace: true });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };
  const error = login.error;
  const message =
    error instanceof ApiError && error.status === 429
      ? 'Too many attempts. Wait a moment, then try again.'
      : error instanceof ApiError && error.status === 401
        ? 'That email and password do not match an active account.'
        : error && errorMessage(error);

  return (
    <AuthLayout title="Sign in" subtitle="Welcome back. Sign in to build and run your workflows.">
      <form onSubmit={submit} className="space-y-4">
        <TextField
          label="Email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        {message && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {message}
          </p>
        )}
        <Button
          type="submit"
          variant="primary"
          className="w-full"
          busy={login.isPending}
          icon={<LogIn className="size-4" />}
        >
          Sign in
        </Button>
      </form>
    </AuthLayout>
  );
}
