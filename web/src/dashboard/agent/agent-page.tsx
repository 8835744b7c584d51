/** One agent: its name and status on top, a tab per part below (each tab has its own URL). */
import { useEffect } from "react";
import { NavLink, Outlet, useOutletContext, useParams } from "react-router";
import { getAgent } from "../../client/sdk.gen";
import type { AgentDetail } from "../../client/types.gen";
import { call } from "../api";
import { useLoad } from "../load";
import { ErrorNote, Loading, StatusBadge } from "../ui";

export interface AgentContext {
  agent: AgentDetail;
  reload(): void;
  replace(agent: AgentDetail): void;
}

/** The agent the tab belongs to, loaded once by the page around it. */
export function useAgent(): AgentContext {
  return useOutletContext<AgentContext>();
}

const TABS = [
  ["", "Overview"],
  ["knowledge", "Knowledge"],
  ["gaps", "Knowledge gaps"],
  ["settings", "Settings"],
  ["test", "Test console"],
  ["exams", "Exams"],
  ["conversations", "Conversations"],
  ["leads", "Leads"],
  ["appointments", "Appointments"],
  ["analytics", "Analytics"],
  ["integrations", "Integrations"],
  ["widget", "Widget"],
  ["phone", "Phone"],
] as const;

export function AgentPage() {
  const { agentId = "" } = useParams();
  const agent = useLoad(() => call(getAgent({ path: { agent_id: agentId } })), [agentId]);
  const reading = agent.data?.status === "ingesting" || agent.data?.status === "draft";
  const reload = agent.reload;
  // While sources are being read the status changes by itself: look again every few seconds.
  useEffect(() => {
    if (!reading) return;
    const timer = window.setInterval(reload, 3000);
    return () => window.clearInterval(timer);
  }, [reading, reload]);
  if (!agent.data) {
    return (
      <>
        {agent.loading && <Loading label="Loading the agent" />}
        <ErrorNote error={agent.error} retry={agent.reload} />
      </>
    );
  }
  const context: AgentContext = { agent: agent.data, reload: agent.reload, replace: agent.set };
  return (
    <>
      <header className="page-header">
        <div>
          <h1>{agent.data.name}</h1>
          {agent.data.website_url && <p className="muted ellipsis">{agent.data.website_url}</p>}
        </div>
        <StatusBadge status={agent.data.status} />
      </header>
      <nav className="tabs" aria-label="Agent">
        {TABS.map(([path, label]) => (
          <NavLink key={path} to={path ? `/agents/${agentId}/${path}` : `/agents/${agentId}`} end={!path}>
            {label}
          </NavLink>
        ))}
      </nav>
      <div className="tab-panel">
        <Outlet context={context} />
      </div>
    </>
  );
}
