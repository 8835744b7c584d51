/**
 * The analytics of one agent or of the whole workspace: the range and interval pickers,
 * summary tiles, conversations by outcome, response times, busiest hours and top topics.
 * Loaded lazily (see agent/analytics.tsx), with the charting library it draws with.
 */
import { useState } from "react";
import { Link } from "react-router";
import { getAgentAnalytics, getWorkspaceAnalytics, listAgents } from "../client/sdk.gen";
import type { AnalyticsReport, Figures, Latency } from "../client/types.gen";
import { call } from "./api";
import { BusiestHoursChart, ConversationsChart, LatencyChart, OUTCOMES } from "./charts";
import { millis } from "./format";
import { useLoad } from "./load";
import { Empty, ErrorNote, Loading } from "./ui";

type Interval = "day" | "week";
const PRESETS = [
  ["7", "Last 7 days"],
  ["30", "Last 30 days"],
  ["90", "Last 90 days"],
  ["365", "Last 365 days"],
  ["custom", "Choose dates"],
] as const;
type Preset = (typeof PRESETS)[number][0];

/** Today's date (YYYY-MM-DD) in `zone`: the ranges are counted in the report's zone. */
function todayIn(zone: string | undefined): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

function daysBefore(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

function share(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${Math.round(value * 1000) / 10}%`;
}

function latencyText(latency: Latency): string {
  if (latency.average_ms === null || latency.average_ms === undefined) return "—";
  return `${millis(latency.average_ms)} · p95 ${millis(latency.p95_ms ?? latency.average_ms)}`;
}

function Tiles({ totals }: { totals: Figures }) {
  const tiles: [string, string, string][] = [
    ["Conversations", String(totals.conversations), ""],
    ["Minutes", totals.minutes.toLocaleString(), "calls from answer to end; chats to the last message"],
    ["Containment", share(totals.containment), `${totals.contained} of ${totals.containment_base} resolved without a hand-off`],
    ["Leads", String(totals.leads), ""],
    ["Bookings", String(totals.bookings), ""],
    ["Typed reply time", latencyText(totals.latency.text), `average · 95th percentile, ${totals.latency.text.turns} replies`],
    ["Spoken answer time", latencyText(totals.latency.voice), `average · 95th percentile, ${totals.latency.voice.turns} answers`],
  ];
  return (
    <dl className="stats analytics-tiles">
      {tiles.map(([name, value, hint]) => (
        <div key={name} className="analytics-tile" data-tile={name}>
          <dt>{name}</dt>
          <dd>{value}</dd>
          {hint && <dd className="muted small-text">{hint}</dd>}
        </div>
      ))}
    </dl>
  );
}

function Outcomes({ totals }: { totals: Figures }) {
  return (
    <ul className="analytics-outcomes" aria-label="Conversations by outcome">
      {OUTCOMES.map(([key, label, color]) => (
        <li key={key}>
          <span className="analytics-swatch" style={{ background: color }} aria-hidden="true" />
          {label}: <strong>{totals.outcomes[key] ?? 0}</strong>
        </li>
      ))}
    </ul>
  );
}

/** Every agent side by side, on the workspace page. */
function ByAgent({ report }: { report: AnalyticsReport }) {
  return (
    <section className="card" aria-labelledby="analytics-agents">
      <h3 id="analytics-agents">By agent</h3>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Conversations</th>
            <th scope="col">Minutes</th>
            <th scope="col">Containment</th>
            <th scope="col">Leads</th>
            <th scope="col">Bookings</th>
            <th scope="col">Typed reply</th>
            <th scope="col">Spoken answer</th>
          </tr>
        </thead>
        <tbody>
          {report.agents.map((a) => (
            <tr key={a.agent_id}>
              <th scope="row">
                <Link to={`/agents/${a.agent_id}/analytics`}>{a.name}</Link>
              </th>
              <td>{a.conversations}</td>
              <td>{a.minutes.toLocaleString()}</td>
              <td>{share(a.containment)}</td>
              <td>{a.leads}</td>
              <td>{a.bookings}</td>
              <td>{latencyText(a.latency.text)}</td>
              <td>{latencyText(a.latency.voice)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Report({ report, byAgent }: { report: AnalyticsReport; byAgent: boolean }) {
  const { totals, buckets, interval } = report;
  return (
    <>
      <section className="card" aria-labelledby="analytics-summary">
        <h3 id="analytics-summary" className="visually-hidden">
          Summary
        </h3>
        <Tiles totals={totals} />
        <Outcomes totals={totals} />
      </section>
      {byAgent && report.agents.length > 1 && <ByAgent report={report} />}
      {totals.conversations === 0 ? (
        <Empty title="No conversations in this range">Pick a longer range, or come back once callers have talked to the agent.</Empty>
      ) : (
        <>
          <section className="card">
            <ConversationsChart buckets={buckets} interval={interval} />
          </section>
          <div className="grid-2 analytics-pair">
            <section className="card">
              <LatencyChart buckets={buckets} interval={interval} />
            </section>
            <section className="card">
              <BusiestHoursChart grid={report.busiest_hours} zone={report.timezone} />
            </section>
          </div>
          <section className="card" aria-labelledby="analytics-topics">
            <h3 id="analytics-topics">Top topics</h3>
            <p className="muted small-text">The words and phrases callers used in the most conversations, common words left out.</p>
            {report.topics.length === 0 ? (
              <p>Callers have not said enough yet.</p>
            ) : (
              <ol className="analytics-topics">
                {report.topics.map((t) => (
                  <li key={t.phrase}>
                    <span>{t.phrase}</span> <span className="muted">{t.conversations === 1 ? "1 conversation" : `${t.conversations} conversations`}</span>
                  </li>
                ))}
              </ol>
            )}
          </section>
        </>
      )}
    </>
  );
}

/** The whole screen; `agentId` fixes the agent, `chooseAgent` offers a filter instead. */
export default function AnalyticsScreen({ agentId, chooseAgent = false }: { agentId?: string; chooseAgent?: boolean }) {
  const [preset, setPreset] = useState<Preset>("30");
  const [interval, setChosenInterval] = useState<Interval>("day");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [picked, setPicked] = useState("");
  const [zone, setZone] = useState<string>();
  const agents = useLoad(() => (chooseAgent ? call(listAgents()) : Promise.resolve([])), [chooseAgent]);

  // Presets end today in the report's zone (the agent's calendar zone, or UTC); before the
  // first answer the server's own default (30 days) is asked for.
  let range: { from?: string; to?: string } = {};
  if (preset === "custom") range = { from: from || undefined, to: to || undefined };
  else if (zone && preset !== "30") {
    const today = todayIn(zone);
    range = { from: daysBefore(today, Number(preset) - 1), to: today };
  }
  const agent = agentId ?? (picked || undefined);
  const report = useLoad(async () => {
    const query = { ...range, interval };
    const answer = agentId
      ? await call(getAgentAnalytics({ path: { agent_id: agentId }, query }))
      : await call(getWorkspaceAnalytics({ query: { ...query, agent_id: agent } }));
    setZone(answer.timezone);
    return answer;
    // The zone is learnt from the answer: it is not a reason to ask again by itself.
  }, [agentId, agent, range.from, range.to, interval]);

  const data = report.data;
  return (
    <div className="analytics">
      <div className="toolbar analytics-toolbar">
        {chooseAgent && (
          <>
            <label htmlFor="analytics-agent" className="visually-hidden">
              Agent
            </label>
            <select id="analytics-agent" value={picked} onChange={(e) => setPicked(e.target.value)}>
              <option value="">Every agent</option>
              {(agents.data ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </>
        )}
        <label htmlFor="analytics-range" className="visually-hidden">
          Range
        </label>
        <select id="analytics-range" value={preset} onChange={(e) => setPreset(e.target.value as Preset)}>
          {PRESETS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        {preset === "custom" && (
          <>
            <label htmlFor="analytics-from" className="visually-hidden">
              From
            </label>
            <input id="analytics-from" type="date" value={from} max={to || undefined} onChange={(e) => setFrom(e.target.value)} />
            <label htmlFor="analytics-to" className="visually-hidden">
              To
            </label>
            <input id="analytics-to" type="date" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} />
          </>
        )}
        <label htmlFor="analytics-interval" className="visually-hidden">
          Interval
        </label>
        <select id="analytics-interval" value={interval} onChange={(e) => setChosenInterval(e.target.value as Interval)}>
          <option value="day">Per day</option>
          <option value="week">Per week</option>
        </select>
      </div>
      <ErrorNote error={agents.error} retry={agents.reload} />
      {data && (
        <p className="muted small-text" aria-live="polite">
          {data.from_date} to {data.to_date}, in {data.timezone}. Exam conversations are not counted.
        </p>
      )}
      {report.loading && !data && <Loading label="Loading analytics" />}
      <ErrorNote error={report.error} retry={report.reload} />
      {data && <Report report={data} byAgent={chooseAgent && !agent} />}
    </div>
  );
}
