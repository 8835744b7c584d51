/** The agent's exam: run one, follow it, and read the questions it got wrong. */
import { useEffect, useState } from "react";
import { listExams, readExam, startExam } from "../../client/sdk.gen";
import type { ExamPublic } from "../../client/types.gen";
import { call } from "../api";
import { percent, when } from "../format";
import { useAction, useLoad } from "../load";
import { Empty, ErrorNote, Loading, StatusBadge } from "../ui";
import { useAgent } from "./agent-page";

interface ExamResult {
  question?: string;
  reply?: string;
  passed?: boolean;
  reason?: string;
  expected?: string;
  [field: string]: unknown;
}

function ExamDetailView({ agentId, exam }: { agentId: string; exam: ExamPublic }) {
  const detail = useLoad(() => call(readExam({ path: { agent_id: agentId, exam_id: exam.id } })), [agentId, exam.id, exam.status, exam.answered]);
  if (!detail.data) return detail.loading ? <Loading label="Loading the exam" /> : <ErrorNote error={detail.error} retry={detail.reload} />;
  const failures = detail.data.failures as ExamResult[];
  return (
    <div className="exam-detail">
      {failures.length === 0 && exam.status === "completed" && <p className="ok">Every question passed.</p>}
      {failures.length > 0 && (
        <>
          <h4>Missed questions ({failures.length})</h4>
          <ol className="failures">
            {failures.map((f, i) => (
              <li key={i} className="card">
                <p>
                  <strong>Q:</strong> {f.question}
                </p>
                <p>
                  <strong>Agent:</strong> {f.reply}
                </p>
                {f.expected && (
                  <p className="muted">
                    <strong>Expected:</strong> {String(f.expected)}
                  </p>
                )}
                {f.reason && <p className="problem">{f.reason}</p>}
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}

export function ExamsTab() {
  const { agent, reload: reloadAgent } = useAgent();
  const exams = useLoad(() => call(listExams({ path: { agent_id: agent.id } })), [agent.id]);
  const [open, setOpen] = useState<string | null>(null);
  const action = useAction();
  const running = exams.data?.some((e) => e.status === "running" || e.status === "queued");
  const reloadExams = exams.reload;

  // Follow a running exam every few seconds.
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(reloadExams, 3000);
    return () => {
      window.clearInterval(timer);
      reloadAgent();
    };
  }, [running, reloadExams, reloadAgent]);

  const start = () =>
    action.run(async () => {
      const exam = await call(startExam({ path: { agent_id: agent.id } }));
      setOpen(exam.id);
      exams.reload();
    });

  return (
    <section className="card" aria-labelledby="exams-title">
      <div className="card-top">
        <h3 id="exams-title">Exams</h3>
        <button type="button" onClick={() => void start()} disabled={running}>
          {running ? "Exam running…" : "Run the exam"}
        </button>
      </div>
      <p className="muted">
        20–50 questions from the agent's own facts and knowledge, and a few it must admit it cannot answer.
      </p>
      <ErrorNote error={action.error ?? exams.error} retry={exams.reload} />
      {exams.loading && !exams.data && <Loading label="Loading exams" />}
      {exams.data?.length === 0 && <Empty title="No exam yet">Run one to see how the agent answers.</Empty>}
      <ul className="exam-list">
        {exams.data?.map((exam) => (
          <li key={exam.id}>
            <button type="button" className="row-button" aria-expanded={open === exam.id} onClick={() => setOpen(open === exam.id ? null : exam.id)}>
              <span>{when(exam.created_at)}</span>
              <StatusBadge status={exam.status} />
              <span>
                {exam.status === "running" || exam.status === "queued"
                  ? `${exam.answered} of ${exam.total} answered`
                  : `${exam.passed} of ${exam.total} passed (${percent(exam.score)})`}
              </span>
            </button>
            {exam.error && <p className="problem">{exam.error}</p>}
            {open === exam.id && <ExamDetailView agentId={agent.id} exam={exam} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
