/** Step 4: the generated agent, to check before talking to it. */
import { Link } from "react-router";
import { getAgent } from "../../client/sdk.gen";
import { call } from "../api";
import { useLoad } from "../load";
import { AgentSummary } from "../agent/summary";
import { ErrorNote, Loading } from "../ui";

export function ReviewStep({ agentId }: { agentId: string }) {
  const agent = useLoad(() => call(getAgent({ path: { agent_id: agentId } })), [agentId]);
  return (
    <section className="card step" aria-labelledby="review-title">
      <h2 id="review-title">Your agent</h2>
      {agent.loading && <Loading label="Loading the generated agent" />}
      <ErrorNote error={agent.error} retry={agent.reload} />
      {agent.data && (
        <>
          <p className="muted">
            Written from your website, documents and answers. Change anything in the settings; it takes
            its exam in the background.
          </p>
          <AgentSummary agent={agent.data} />
          <div className="actions">
            <Link className="button secondary" to={`/agents/${agentId}/settings`}>
              Edit settings
            </Link>
            <Link className="button" to={`/agents/${agentId}/test`}>
              Talk to it
            </Link>
          </div>
        </>
      )}
    </section>
  );
}
