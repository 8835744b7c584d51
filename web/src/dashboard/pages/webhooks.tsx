/** Webhooks (being built in this change; its owner replaces this file). */
import { Empty } from "../ui";

export function WebhooksSection() {
  return <Empty title="Webhooks" />;
}
