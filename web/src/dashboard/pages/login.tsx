/** Sign in with email and password; back to the page that asked for it. */
import { useEffect, useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { login, setupStatus } from "../../client/sdk.gen";
import { call } from "../api";
import { useSession } from "../session";
import { ErrorNote, Field } from "../ui";

/** Only paths of this site: `next` must not send the owner elsewhere after signing in. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function LoginPage() {
  const { me, refresh } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  // An install without an owner yet has nobody to sign in: first-run setup comes first.
  useEffect(() => {
    void setupStatus().then((result) => {
      if (result.data?.needed) navigate("/setup" + window.location.search, { replace: true });
    });
  }, [navigate]);

  if (me) return <Navigate to={safeNext(params.get("next"))} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await call(login({ body: { email, password } }));
      await refresh();
      navigate(safeNext(params.get("next")), { replace: true });
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth-page" id="main">
      <form className="card auth-card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            F
          </span>
          Frontdesk
        </div>
        <h1 id="login-title">Sign in</h1>
        <Field label="Email" id="login-email">
          <input
            id="login-email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field label="Password" id="login-password">
          <input
            id="login-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <ErrorNote error={error} />
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
