/** The frame around every signed-in page: the navigation, who is signed in, sign out. */
import { NavLink, Outlet, useNavigate } from "react-router";
import { useSession } from "./session";

export function Shell() {
  const { me, logout } = useSession();
  const navigate = useNavigate();
  const signOut = async () => {
    await logout().catch(() => undefined);
    navigate("/login");
  };
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand" aria-label="Frontdesk, all agents">
          <span className="brand-mark" aria-hidden="true">
            F
          </span>
          Frontdesk
        </NavLink>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Agents
          </NavLink>
          <NavLink to="/analytics">Analytics</NavLink>
          <NavLink to="/settings">Settings</NavLink>
        </nav>
        <div className="whoami">
          <span className="workspace-name">{me?.workspace_name}</span>
          <span className="user-email">{me?.email}</span>
          <button type="button" className="secondary small" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
