/**
 * Step 3: the onboarding interview as a chat. The server plans the questions from what the
 * knowledge does not say, words each one as it comes, and keeps every move (a reload resumes).
 */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { answerQuestion, finishInterview, previousQuestion, skipQuestion, startInterview } from "../../client/sdk.gen";
import type { InterviewQuestion, InterviewState } from "../../client/types.gen";
import { ApiError, call } from "../api";
import { ErrorNote, Loading } from "../ui";

function Question({ question }: { question: InterviewQuestion }) {
  return (
    <div className="bubble agent">
      <span className="topic">{question.topic_label}</span>
      <p>{question.text}</p>
      {question.quote && <blockquote>{question.quote}</blockquote>}
    </div>
  );
}

export function InterviewStep({ agentId, onDone }: { agentId: string; onDone: () => void }) {
  const [state, setState] = useState<InterviewState>();
  const [answer, setAnswer] = useState("");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string | null>("Preparing your questions");
  const input = useRef<HTMLTextAreaElement>(null);
  const log = useRef<HTMLOListElement>(null);

  useEffect(() => {
    let cancelled = false;
    let timer = 0;
    const start = async () => {
      try {
        const started = await call(startInterview({ path: { agent_id: agentId }, body: { restart: false } }));
        if (!cancelled) {
          setState(started);
          setBusy(null);
        }
      } catch (problem) {
        // Still reading: try again shortly instead of failing the step.
        if (problem instanceof ApiError && problem.status === 409 && !cancelled) {
          setBusy("Your sources are still being read; the interview starts when they are");
          timer = window.setTimeout(() => void start(), 2000);
          return;
        }
        if (!cancelled) {
          setError(problem);
          setBusy(null);
        }
      }
    };
    void start();
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [agentId]);

  useEffect(() => {
    log.current?.lastElementChild?.scrollIntoView({ block: "nearest" });
    if (!busy) input.current?.focus();
  }, [state, busy]);

  const move = async (label: string, request: () => Promise<InterviewState>, clear = true) => {
    setBusy(label);
    setError(undefined);
    try {
      setState(await request());
      if (clear) setAnswer("");
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(null);
    }
  };

  const current = state?.current ?? null;
  const send = (event: FormEvent) => {
    event.preventDefault();
    if (!current || !answer.trim()) return;
    void move("Thinking about your answer", () =>
      call(answerQuestion({ path: { agent_id: agentId }, body: { question_id: current.id, answer: answer.trim() } })),
    );
  };
  const skip = () =>
    current && void move("Skipping", () => call(skipQuestion({ path: { agent_id: agentId }, body: { question_id: current.id } })));
  const back = () => void move("Going back", () => call(previousQuestion({ path: { agent_id: agentId } })), false);
  const finish = async () => {
    setBusy("Writing your agent");
    setError(undefined);
    try {
      await call(finishInterview({ path: { agent_id: agentId }, body: { overwrite: false } }));
      onDone();
    } catch (problem) {
      setError(problem);
      setBusy(null);
    }
  };

  if (!state) {
    return (
      <section className="card step">
        {busy && <Loading label={busy} />}
        <ErrorNote error={error} />
      </section>
    );
  }

  const earlier = state.questions.slice(0, current ? state.position : state.questions.length);
  return (
    <section className="card step interview" aria-labelledby="interview-title">
      <div className="card-top">
        <h2 id="interview-title">A few questions about your business</h2>
        <span className="muted" aria-live="polite">
          {state.done ? "All questions done" : `Question ${state.position + 1} of ${state.total}`}
        </span>
      </div>
      <ol className="chat" ref={log} aria-label="Interview" aria-live="polite">
        {earlier.map((q) => (
          <li key={q.id}>
            <Question question={q} />
            <div className={`bubble owner${q.skipped ? " skipped" : ""}`}>{q.skipped ? "Skipped" : q.answer}</div>
          </li>
        ))}
        {current && (
          <li key={current.id} className="current-question" data-question-id={current.id}>
            <Question question={current} />
          </li>
        )}
      </ol>
      {busy && <Loading label={busy} />}
      <ErrorNote error={error} />
      {current && (
        <form className="answer" onSubmit={send}>
          <label htmlFor="interview-answer" className="visually-hidden">
            Your answer
          </label>
          <textarea
            id="interview-answer"
            ref={input}
            rows={3}
            placeholder="Your answer"
            value={answer}
            disabled={Boolean(busy)}
            onChange={(e) => setAnswer(e.target.value)}
            onKeyDown={(e) => {
              // Enter sends, Shift+Enter starts a new line, as in any chat.
              if (e.key === "Enter" && !e.shiftKey) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
          />
          <div className="actions">
            <button type="button" className="secondary" onClick={back} disabled={Boolean(busy) || state.position === 0}>
              Back
            </button>
            <button type="button" className="secondary" onClick={skip} disabled={Boolean(busy)}>
              Skip
            </button>
            <button type="submit" disabled={Boolean(busy) || !answer.trim()}>
              Send answer
            </button>
          </div>
        </form>
      )}
      {state.done && (
        <div className="actions">
          <button type="button" className="secondary" onClick={back} disabled={Boolean(busy)}>
            Change an answer
          </button>
          <button type="button" onClick={() => void finish()} disabled={Boolean(busy)}>
            Generate my agent
          </button>
        </div>
      )}
    </section>
  );
}
