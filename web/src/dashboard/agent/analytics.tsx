/** The agent's Analytics tab; the screen and its charting library load when it is opened. */
import { lazy, Suspense } from "react";
import { Loading } from "../ui";
import { useAgent } from "./agent-page";

const AnalyticsScreen = lazy(() => import("../analytics-screen"));

export function AgentAnalyticsTab() {
  const { agent } = useAgent();
  return (
    <section aria-labelledby="agent-analytics-title">
      <h2 id="agent-analytics-title" className="visually-hidden">
        Analytics
      </h2>
      <Suspense fallback={<Loading label="Loading analytics" />}>
        <AnalyticsScreen agentId={agent.id} />
      </Suspense>
    </section>
  );
}
