/** Step 2: the sources being read, live; on to the interview once they are. */
import { IngestionList, useIngestion } from "../agent/ingestion";

export function ReadingStep({ agentId, onDone }: { agentId: string; onDone: () => void }) {
  const ingestion = useIngestion(agentId);
  const ready = ingestion.sources.filter((s) => s.status === "ready");
  const failed = ingestion.sources.filter((s) => s.status === "failed");
  return (
    <section className="card step" aria-labelledby="reading-title">
      <h2 id="reading-title">Reading your sources</h2>
      <p className="muted">
        Pages and documents become your agent's knowledge as they are read. This page updates by itself.
      </p>
      <IngestionList ingestion={ingestion} />
      {ingestion.done && (
        <div className="actions">
          {failed.length > 0 && ready.length === 0 && (
            <p className="problem">
              Nothing could be read. You can still go on: the interview will ask about everything.
            </p>
          )}
          <button type="button" onClick={onDone}>
            Continue to the interview
          </button>
        </div>
      )}
    </section>
  );
}
