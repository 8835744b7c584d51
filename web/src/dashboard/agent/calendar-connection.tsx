/** CalDAV calendar (being built in this change; its owner replaces this file). */
import { Empty } from "../ui";

export function CalendarConnection() {
  return <Empty title="CalDAV calendar" />;
}
