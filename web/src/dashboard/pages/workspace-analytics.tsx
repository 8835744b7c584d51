/** Analytics of every agent in the workspace, or of one picked in the filter. The screen and
 * its charting library load when the page is opened (see agent/analytics.tsx). */
import { lazy, Suspense } from "react";
import { Loading, PageHeader } from "../ui";

const AnalyticsScreen = lazy(() => import("../analytics-screen"));

export function WorkspaceAnalyticsPage() {
  return (
    <>
      <PageHeader title="Analytics" />
      <Suspense fallback={<Loading label="Loading analytics" />}>
        <AnalyticsScreen chooseAgent />
      </Suspense>
    </>
  );
}
