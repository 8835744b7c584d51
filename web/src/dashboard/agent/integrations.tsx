/** What the agent connects to outside Frontdesk: its own CalDAV calendar and MCP servers. */
import { CalendarConnection } from "./calendar-connection";
import { McpServers } from "./mcp-servers";

export function IntegrationsTab() {
  return (
    <>
      <CalendarConnection />
      <McpServers />
    </>
  );
}
