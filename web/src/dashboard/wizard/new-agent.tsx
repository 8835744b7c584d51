/**
 * The new-agent wizard: sources → reading them (live) → the onboarding interview → review
 * → talk to it. The step and the agent live in the URL, so a reload resumes where it was.
 */
import { Link, useNavigate, useSearchParams } from "react-router";
import { PageHeader } from "../ui";
import { SourcesStep } from "./sources-step";
import { ReadingStep } from "./reading-step";
import { InterviewStep } from "./interview-step";
import { ReviewStep } from "./review-step";

const STEPS = [
  { key: "sources", label: "Sources" },
  { key: "reading", label: "Reading" },
  { key: "interview", label: "Interview" },
  { key: "review", label: "Review" },
] as const;
type Step = (typeof STEPS)[number]["key"];

export function NewAgentPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const agentId = params.get("agent");
  const asked = (params.get("step") ?? "sources") as Step;
  const step: Step = agentId ? asked : "sources";
  const current = STEPS.findIndex((s) => s.key === step);
  const go = (next: Step, id = agentId) => navigate(`/agents/new?agent=${id}&step=${next}`);

  return (
    <>
      <PageHeader title="New agent">
        {agentId && <Link to={`/agents/${agentId}`}>Open the agent page</Link>}
      </PageHeader>
      <ol className="stepper" aria-label="Steps">
        {STEPS.map((s, i) => (
          <li key={s.key} className={i < current ? "done" : i === current ? "current" : ""} aria-current={i === current ? "step" : undefined}>
            <span className="step-number" aria-hidden="true">
              {i + 1}
            </span>
            {s.label}
          </li>
        ))}
        <li className={""}>
          <span className="step-number" aria-hidden="true">
            5
          </span>
          Talk to it
        </li>
      </ol>
      {step === "sources" && <SourcesStep onCreated={(id) => go("reading", id)} />}
      {step === "reading" && agentId && <ReadingStep agentId={agentId} onDone={() => go("interview")} />}
      {step === "interview" && agentId && <InterviewStep agentId={agentId} onDone={() => go("review")} />}
      {step === "review" && agentId && <ReviewStep agentId={agentId} />}
    </>
  );
}
