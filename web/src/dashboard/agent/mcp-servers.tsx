/** MCP servers (being built in this change; its owner replaces this file). */
import { Empty } from "../ui";

export function McpServers() {
  return <Empty title="MCP servers" />;
}
