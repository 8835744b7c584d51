/**
 * The analytics charts, drawn by Chart.js (MIT). Only the parts used are registered, so the
 * bundle carries bars, lines and bubbles and nothing else; this module is loaded lazily with
 * the analytics screens and never grows the main dashboard bundle.
 *
 * A canvas is a picture to a screen reader: each chart has a name (aria-label) that says
 * what it shows, and the same numbers in a visually hidden table next to it.
 */
import {
  BarController,
  BarElement,
  BubbleController,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartType,
} from "chart.js";
import { useEffect, useMemo, useRef } from "react";
import type { AnalyticsReport, Bucket } from "../client/types.gen";
import { millis } from "./format";

Chart.register(
  BarController,
  BarElement,
  BubbleController,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

export const OUTCOMES = [
  ["answered", "Answered", "#2f5bd3"],
  ["lead_captured", "Lead captured", "#7a4fd1"],
  ["booked", "Booked", "#1f7a4d"],
  ["message_taken", "Message taken", "#0e7c86"],
  ["handed_off", "Handed off", "#c26a00"],
  ["abandoned", "Abandoned", "#b42318"],
  ["not_analysed", "Not analysed yet", "#98a2b3"],
] as const;

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

const shortDate = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });

/** "Oct 26", or "Oct 26 – Nov 1" for a week: the bucket's own days, in no time zone. */
export function bucketLabel(bucket: Bucket): string {
  const start = shortDate.format(new Date(`${bucket.start}T00:00:00Z`));
  if (bucket.start === bucket.end) return start;
  return `${start} – ${shortDate.format(new Date(`${bucket.end}T00:00:00Z`))}`;
}

/** One Chart.js chart on a canvas, redrawn when its configuration changes. */
function ChartCanvas<T extends ChartType>({ config, label, name }: { config: ChartConfiguration<T>; label: string; name: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [config]);
  return (
    <div className="chart-box" data-chart={name}>
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}

const baseOptions = { responsive: true, maintainAspectRatio: false, animation: false } as const;

export function ConversationsChart({ buckets, interval }: { buckets: Bucket[]; interval: string }) {
  const config = useMemo<ChartConfiguration<"bar">>(
    () => ({
      type: "bar",
      data: {
        labels: buckets.map(bucketLabel),
        datasets: OUTCOMES.map(([key, label, color]) => ({
          label,
          data: buckets.map((b) => b.outcomes[key] ?? 0),
          backgroundColor: color,
        })),
      },
      options: {
        ...baseOptions,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } },
      },
    }),
    [buckets],
  );
  const total = buckets.reduce((sum, b) => sum + b.conversations, 0);
  return (
    <figure className="chart">
      <figcaption>Conversations per {interval}, by outcome</figcaption>
      <ChartCanvas
        name="conversations"
        config={config}
        label={`Bar chart: ${total} conversations over ${buckets.length} ${interval}s, stacked by outcome. The numbers are in the table that follows.`}
      />
      {/* In a div: a table sizes itself to its cells, whatever width it is given. */}
      <div className="visually-hidden">
        <table>
          <caption>Conversations per {interval}</caption>
          <thead>
            <tr>
              <th scope="col">{interval === "week" ? "Week" : "Day"}</th>
              <th scope="col">Conversations</th>
              {OUTCOMES.map(([key, label]) => (
                <th scope="col" key={key}>
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr key={b.start}>
                <th scope="row">{bucketLabel(b)}</th>
                <td>{b.conversations}</td>
                {OUTCOMES.map(([key]) => (
                  <td key={key}>{b.outcomes[key] ?? 0}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

const LATENCY_LINES = [
  ["text", "average_ms", "Typed reply, average", "#2f5bd3", false],
  ["text", "p95_ms", "Typed reply, p95", "#2f5bd3", true],
  ["voice", "average_ms", "Spoken answer, average", "#c26a00", false],
  ["voice", "p95_ms", "Spoken answer, p95", "#c26a00", true],
] as const;

export function LatencyChart({ buckets, interval }: { buckets: Bucket[]; interval: string }) {
  const config = useMemo<ChartConfiguration<"line">>(
    () => ({
      type: "line",
      data: {
        labels: buckets.map(bucketLabel),
        datasets: LATENCY_LINES.map(([channel, measure, label, color, dashed]) => ({
          label,
          data: buckets.map((b) => b.latency[channel][measure] ?? null),
          borderColor: color,
          backgroundColor: color,
          borderDash: dashed ? [6, 4] : [],
          spanGaps: false,
        })),
      },
      options: {
        ...baseOptions,
        scales: { y: { beginAtZero: true, title: { display: true, text: "milliseconds" } } },
        plugins: { legend: { position: "bottom" } },
      },
    }),
    [buckets],
  );
  const cell = (value: number | null | undefined) => (value === null || value === undefined ? "—" : millis(value));
  return (
    <figure className="chart">
      <figcaption>Response time per {interval}</figcaption>
      <ChartCanvas
        name="latency"
        config={config}
        label={`Line chart: average and 95th percentile response time per ${interval}, for typed replies and spoken answers. The numbers are in the table that follows.`}
      />
      {/* In a div: a table sizes itself to its cells, whatever width it is given. */}
      <div className="visually-hidden">
        <table>
          <caption>Response time per {interval}</caption>
          <thead>
            <tr>
              <th scope="col">{interval === "week" ? "Week" : "Day"}</th>
              {LATENCY_LINES.map(([, , label]) => (
                <th scope="col" key={label}>
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr key={b.start}>
                <th scope="row">{bucketLabel(b)}</th>
                {LATENCY_LINES.map(([channel, measure, label]) => (
                  <td key={label}>{cell(b.latency[channel][measure])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, "0")}:00`;
}

/** Weekday × hour as bubbles on a grid: the bigger and darker, the busier. */
export function BusiestHoursChart({ grid, zone }: { grid: AnalyticsReport["busiest_hours"]; zone: string }) {
  const cells = useMemo(
    () =>
      grid
        .flatMap((row, day) => row.map((count, hour) => ({ day, hour, count })))
        .filter((c) => c.count > 0)
        .sort((a, b) => b.count - a.count || a.day - b.day || a.hour - b.hour),
    [grid],
  );
  const most = cells[0]?.count ?? 0;
  const config = useMemo<ChartConfiguration<"bubble">>(
    () => ({
      type: "bubble",
      data: {
        datasets: [
          {
            label: "Conversations started",
            data: cells.map((c) => ({ x: c.hour, y: c.day, r: 3 + 11 * Math.sqrt(c.count / Math.max(1, most)), count: c.count })),
            backgroundColor: cells.map((c) => `rgb(47 91 211 / ${Math.round(25 + 75 * (c.count / Math.max(1, most)))}%)`),
          },
        ],
      },
      options: {
        ...baseOptions,
        scales: {
          // Half a step of room on each side so the edge bubbles show whole; the ticks are
          // set by hand, or they would start at the half step.
          x: {
            type: "linear",
            min: -0.5,
            max: 23.5,
            afterBuildTicks: (axis) => {
              axis.ticks = [0, 3, 6, 9, 12, 15, 18, 21].map((value) => ({ value }));
            },
            ticks: { callback: (v) => hourLabel(Number(v)) },
          },
          y: {
            type: "linear",
            min: -0.5,
            max: 6.5,
            reverse: true,
            afterBuildTicks: (axis) => {
              axis.ticks = WEEKDAYS.map((_, value) => ({ value }));
            },
            ticks: { callback: (v) => WEEKDAYS[Number(v)]?.slice(0, 3) ?? "" },
          },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item) => {
                const raw = item.raw as { x: number; y: number; count: number };
                return `${WEEKDAYS[raw.y]} ${hourLabel(raw.x)}: ${raw.count}`;
              },
            },
          },
        },
      },
    }),
    [cells, most],
  );
  const top = cells[0];
  return (
    <figure className="chart">
      <figcaption>Busiest hours ({zone})</figcaption>
      <ChartCanvas
        name="hours"
        config={config}
        label={
          top
            ? `Grid of weekdays and hours: the busiest is ${WEEKDAYS[top.day]} ${hourLabel(top.hour)} with ${top.count} conversations. The numbers are in the table that follows.`
            : "Grid of weekdays and hours: no conversations."
        }
      />
      {/* In a div: a table sizes itself to its cells, whatever width it is given. */}
      <div className="visually-hidden">
        <table>
          <caption>Conversations started by weekday and hour, busiest first</caption>
          <thead>
            <tr>
              <th scope="col">Weekday</th>
              <th scope="col">Hour</th>
              <th scope="col">Conversations</th>
            </tr>
          </thead>
          <tbody>
            {cells.map((c) => (
              <tr key={`${c.day}-${c.hour}`}>
                <td>{WEEKDAYS[c.day]}</td>
                <td>{hourLabel(c.hour)}</td>
                <td>{c.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
