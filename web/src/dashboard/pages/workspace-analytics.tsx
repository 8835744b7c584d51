/** Workspace analytics (being built in this change; its owner replaces this file). */
import { Empty } from "../ui";

export function WorkspaceAnalyticsPage() {
  return <Empty title="Workspace analytics" />;
}
