/** Analytics (being built in this change; its owner replaces this file). */
import { Empty } from "../ui";

export function AgentAnalyticsTab() {
  return <Empty title="Analytics" />;
}
