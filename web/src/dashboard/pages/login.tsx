/** Sign in with email and password; back to the page that asked for it. */
import { useEffect, useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { login, setupStatus } from "../../client/sdk.gen";
import { call } from "../api";
import { useAction } from "../load";
import { useSession } from "../session";
import { AuthCard, ErrorNote, Field } from "../ui";

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
  const action = useAction();

  // An install without an owner yet has nobody to sign in: first-run setup comes first.
  useEffect(() => {
    void setupStatus().then((result) => {
      if (result.data?.needed) navigate("/setup" + window.location.search, { replace: true });
    });
  }, [navigate]);

  if (me) return <Navigate to={safeNext(params.get("next"))} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      await call(login({ body: { email, password } }));
      await refresh();
      navigate(safeNext(params.get("next")), { replace: true });
    });
  };

  return (
    <AuthCard title="Sign in" onSubmit={submit}>
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
      <ErrorNote error={action.error} />
      <button type="submit" disabled={action.busy}>
        {action.busy ? "Signing in…" : "Sign in"}
      </button>
    </AuthCard>
  );
}
