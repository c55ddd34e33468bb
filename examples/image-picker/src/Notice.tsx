import { useState, type FormEvent, type ReactElement } from 'react';
import type { Notice } from './errors.js';
import { useSecondsLeft } from './hooks.js';

/** A failed query, as its `extensions.code` calls for: a sign-in form, a countdown, or the error and a retry. */
export function NoticeBanner({ notice, onRetry, onSignIn }: { notice: Notice; onRetry: () => void; onSignIn: (token: string) => void }): ReactElement {
  switch (notice.kind) {
    case 'sign-in':
      return <SignIn onSignIn={onSignIn} />;
    case 'rate-limited':
      return <RateLimited retryAfterSeconds={notice.retryAfterSeconds} onRetry={onRetry} />;
    case 'failed':
      return (
        <div className="notice" role="alert">
          <p>
            <code>{notice.code}</code>: {notice.message}
          </p>
          <button type="button" onClick={onRetry}>
            Retry
          </button>
        </div>
      );
  }
}

function SignIn({ onSignIn }: { onSignIn: (token: string) => void }): ReactElement {
  const [token, setToken] = useState('');
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (token.trim()) onSignIn(token.trim());
  };
  return (
    <form className="notice" role="alert" onSubmit={submit}>
      <p>
        Please sign in: the API did not accept your token (<code>UNAUTHENTICATED</code>).
      </p>
      <label>
        Token <input type="password" autoComplete="off" value={token} onChange={(event) => setToken(event.target.value)} />
      </label>
      <button type="submit">Sign in</button>
    </form>
  );
}

function RateLimited({ retryAfterSeconds, onRetry }: { retryAfterSeconds: number; onRetry: () => void }): ReactElement {
  const [until] = useState(() => Date.now() + retryAfterSeconds * 1000);
  const left = useSecondsLeft(until);
  return (
    <div className="notice" role="alert">
      <p>
        Too many requests (<code>RATE_LIMITED</code>): {left > 0 ? `retry in ${left} s.` : 'you can retry now.'}
      </p>
      <button type="button" onClick={onRetry} disabled={left > 0}>
        Retry
      </button>
    </div>
  );
}
