/**
 * First run: the owner account is made here, with the link `frontdesk serve` printed (its
 * token proves the visitor can read the server's console or data folder).
 */
import { useEffect, useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { setup, setupStatus } from "../../client/sdk.gen";
import { call } from "../api";
import { useSession } from "../session";
import { useAction } from "../load";
import { AuthCard, ErrorNote, Field, Loading } from "../ui";

export function SetupPage() {
  const { me, refresh } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [needed, setNeeded] = useState<boolean>();
  const [form, setForm] = useState({ workspace_name: "", name: "", email: "", password: "" });
  const action = useAction();

  useEffect(() => {
    void setupStatus().then((result) => setNeeded(result.data?.needed ?? false));
  }, []);

  if (me) return <Navigate to="/" replace />;
  if (needed === undefined) return <Loading label="Checking this installation" />;
  if (!needed) return <Navigate to="/login" replace />;

  const change = (field: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [field]: e.target.value });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      await call(setup({ body: { ...form, token } }));
      await refresh();
      navigate("/", { replace: true });
    });
  };

  return (
    <AuthCard title="Welcome! Create the owner account" onSubmit={submit}>
        {!token && (
          <p className="notice" role="alert">
            Open this page with the setup link that <code>make run</code> printed (it is also
            saved in <code>data/first-run-setup.txt</code>).
          </p>
        )}
        <Field label="Business name" id="setup-workspace">
          <input id="setup-workspace" required value={form.workspace_name} onChange={change("workspace_name")} />
        </Field>
        <Field label="Your name" id="setup-name">
          <input id="setup-name" autoComplete="name" required value={form.name} onChange={change("name")} />
        </Field>
        <Field label="Email" id="setup-email">
          <input
            id="setup-email"
            type="email"
            autoComplete="username"
            required
            value={form.email}
            onChange={change("email")}
          />
        </Field>
        <Field label="Password" id="setup-password" hint="At least 8 characters.">
          <input
            id="setup-password"
            type="password"
            autoComplete="new-password"
            minLength={8}
            required
            aria-describedby="setup-password-hint"
            value={form.password}
            onChange={change("password")}
          />
        </Field>
        <ErrorNote error={action.error} />
        <button type="submit" disabled={action.busy || !token}>
          {action.busy ? "Creating…" : "Create account"}
        </button>
    </AuthCard>
  );
}
