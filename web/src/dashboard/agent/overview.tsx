/** The agent at a glance, and the next thing to do with it. */
import { Link } from "react-router";
import { percent, plural, when } from "../format";
import { useAgent } from "./agent-page";
import { AgentSummary } from "./summary";

function NextStep() {
  const { agent } = useAgent();
  const base = `/agents/${agent.id}`;
  if (agent.status === "ingesting" || agent.status === "draft") {
    return (
      <p>
        Still reading its sources. <Link to={`/agents/new?agent=${agent.id}&step=reading`}>Watch the progress</Link>
      </p>
    );
  }
  if (!agent.onboarded_at) {
    return (
      <p>
        Answer a few questions so it knows what your website leaves out.{" "}
        <Link className="button" to={`/agents/new?agent=${agent.id}&step=interview`}>
          Start the interview
        </Link>
      </p>
    );
  }
  if (agent.status === "ready") {
    return (
      <p>
        Ready. <Link to={`${base}/test`}>Talk to it</Link>, then put it on your site from the{" "}
        <Link to={`${base}/widget`}>widget</Link> tab.
      </p>
    );
  }
  return (
    <p>
      {agent.status === "deployed" ? "Live on your site." : "Paused: the widget refuses new conversations."}{" "}
      <Link to={`${base}/widget`}>Widget settings</Link>
    </p>
  );
}

export function AgentOverview() {
  const { agent } = useAgent();
  const chunks = agent.sources.reduce((sum, s) => sum + s.chunk_count, 0);
  return (
    <>
      <section className="card">
        <NextStep />
        <dl className="stats">
          <div>
            <dt>Knowledge</dt>
            <dd>
              {plural(agent.sources.length, "source")}, {plural(chunks, "passage")}
            </dd>
          </div>
          <div>
            <dt>Exam score</dt>
            <dd>{percent(agent.exam_score)}</dd>
          </div>
          <div>
            <dt>Onboarded</dt>
            <dd>{when(agent.onboarded_at)}</dd>
          </div>
        </dl>
      </section>
      <section className="card">
        <AgentSummary agent={agent} />
      </section>
    </>
  );
}
