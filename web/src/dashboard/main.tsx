/**
 * The dashboard: one page application served by `frontdesk serve` for every dashboard URL.
 * The server renders an empty `<div id="dashboard">`; routing happens here.
 */
import "./base.css";
import "./screens.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Navigate, RouterProvider, createBrowserRouter } from "react-router";
import { Shell } from "./layout";
import { SessionProvider, RequireSignIn } from "./session";
import { LoginPage } from "./pages/login";
import { SetupPage } from "./pages/setup";
import { AgentsPage } from "./pages/agents-list";
import { NewAgentPage } from "./wizard/new-agent";
import { AgentPage } from "./agent/agent-page";
import { AgentOverview } from "./agent/overview";
import { KnowledgeTab } from "./agent/knowledge";
import { SettingsEditor } from "./agent/settings-editor";
import { TestConsole } from "./agent/test-console";
import { ExamsTab } from "./agent/exams";
import { ConversationsTab, ConversationView } from "./agent/conversations";
import { LeadsTab } from "./agent/leads";
import { AppointmentsTab } from "./agent/appointments";
import { WidgetDesigner } from "./agent/widget-designer";
import { KnowledgeGapsTab } from "./agent/knowledge-gaps";
import { AgentAnalyticsTab } from "./agent/analytics";
import { IntegrationsTab } from "./agent/integrations";
import { PhoneTab } from "./agent/phone";
import { WorkspaceAnalyticsPage } from "./pages/workspace-analytics";
import { WorkspaceSettingsPage } from "./pages/workspace-settings";
import { NotFoundPage } from "./pages/not-found";

const router = createBrowserRouter([
  { path: "/setup", element: <SetupPage /> },
  { path: "/login", element: <LoginPage /> },
  {
    path: "/",
    element: (
      <RequireSignIn>
        <Shell />
      </RequireSignIn>
    ),
    children: [
      { index: true, element: <AgentsPage /> },
      { path: "agents", element: <Navigate to="/" replace /> },
      { path: "agents/new", element: <NewAgentPage /> },
      {
        path: "agents/:agentId",
        element: <AgentPage />,
        children: [
          { index: true, element: <AgentOverview /> },
          { path: "knowledge", element: <KnowledgeTab /> },
          { path: "gaps", element: <KnowledgeGapsTab /> },
          { path: "settings", element: <SettingsEditor /> },
          { path: "test", element: <TestConsole /> },
          { path: "exams", element: <ExamsTab /> },
          { path: "conversations", element: <ConversationsTab /> },
          { path: "conversations/:conversationId", element: <ConversationView /> },
          { path: "leads", element: <LeadsTab /> },
          { path: "appointments", element: <AppointmentsTab /> },
          { path: "analytics", element: <AgentAnalyticsTab /> },
          { path: "integrations", element: <IntegrationsTab /> },
          { path: "widget", element: <WidgetDesigner /> },
          { path: "phone", element: <PhoneTab /> },
        ],
      },
      { path: "analytics", element: <WorkspaceAnalyticsPage /> },
      { path: "settings", element: <WorkspaceSettingsPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
]);

const root = document.getElementById("dashboard");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <SessionProvider>
        <RouterProvider router={router} />
      </SessionProvider>
    </StrictMode>,
  );
}
