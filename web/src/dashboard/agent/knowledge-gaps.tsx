/** Knowledge gaps (being built in this change; its owner replaces this file). */
import { Empty } from "../ui";

export function KnowledgeGapsTab() {
  return <Empty title="Knowledge gaps" />;
}
