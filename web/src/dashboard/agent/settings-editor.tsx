/**
 * Everything the agent says and knows beyond its knowledge: persona, greeting, instructions,
 * business facts, tools and calendar. Saved with one PATCH; the server validates it all.
 */
import { useState, type FormEvent } from "react";
import { updateAgent } from "../../client/sdk.gen";
import type { AgentSettings, AgentUpdate, AppointmentType, BusinessFacts, CallerChanges, HandoffContact, OpeningInterval, Service } from "../../client/types.gen";
import { call } from "../api";
import { useAction } from "../load";
import { Field, FormStatus } from "../ui";
import { useAgent } from "./agent-page";
import { TOOL_TEXT } from "./summary";

const DAYS = [
  ["mon", "Monday"],
  ["tue", "Tuesday"],
  ["wed", "Wednesday"],
  ["thu", "Thursday"],
  ["fri", "Friday"],
  ["sat", "Saturday"],
  ["sun", "Sunday"],
] as const;
type Day = (typeof DAYS)[number][0];

/** Where callers may cancel or move their own bookings; the server's defaults when unset. */
const CALLER_CHANGES: [keyof CallerChanges, string][] = [
  ["owner", "Your test console and the API"],
  ["widget_text", "Website widget chat"],
  ["widget_voice", "Website widget calls"],
  ["phone", "Phone calls (the number they call from proves the booking)"],
];
const CALLER_CHANGES_DEFAULT: Required<CallerChanges> = { owner: true, widget_text: false, widget_voice: false, phone: true };

/** "09:00–12:00, 13:00–17:00" ↔ intervals; blank is closed. */
function hoursText(intervals: OpeningInterval[] | undefined): string {
  return (intervals ?? []).map((i) => `${i.opens.slice(0, 5)}–${i.closes.slice(0, 5)}`).join(", ");
}

function parseHours(day: string, text: string): OpeningInterval[] {
  if (!text.trim()) return [];
  return text.split(",").map((part) => {
    const match = part.trim().match(/^(\d{1,2}):(\d{2})\s*[–-]\s*(\d{1,2}):(\d{2})$/);
    if (!match) throw new Error(`${day}: write hours like 09:00–17:00, several separated by commas.`);
    const pad = (h: string) => h.padStart(2, "0");
    return { opens: `${pad(match[1])}:${match[2]}`, closes: `${pad(match[3])}:${match[4]}` };
  });
}

function Rows<T>({
  label,
  rows,
  columns,
  blank,
  onChange,
}: {
  label: string;
  rows: T[];
  columns: { key: keyof T & string; label: string; type?: string }[];
  blank: T;
  onChange: (rows: T[]) => void;
}) {
  const set = (index: number, key: keyof T, value: string) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, [key]: columns.find((c) => c.key === key)?.type === "number" ? Number(value) : value } : row)));
  return (
    <fieldset className="rows">
      <legend>{label}</legend>
      {rows.map((row, index) => (
        <div className="row" key={index}>
          {columns.map((column) => (
            <label key={column.key}>
              <span className="visually-hidden">
                {column.label} {index + 1}
              </span>
              <input
                placeholder={column.label}
                type={column.type ?? "text"}
                value={String(row[column.key] ?? "")}
                onChange={(e) => set(index, column.key, e.target.value)}
              />
            </label>
          ))}
          <button type="button" className="link" aria-label={`Remove ${label.toLowerCase()} ${index + 1}`} onClick={() => onChange(rows.filter((_, i) => i !== index))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" className="secondary small" onClick={() => onChange([...rows, { ...blank }])}>
        Add
      </button>
    </fieldset>
  );
}

function draftOf(agent: AgentSettings) {
  return {
    name: agent.name,
    persona_name: agent.persona_name ?? "",
    greeting: agent.greeting ?? "",
    instructions: agent.instructions ?? "",
    facts: { ...agent.business_facts } as BusinessFacts,
    tools: agent.enabled_tools,
    scheduling: agent.scheduling,
    hours: Object.fromEntries(DAYS.map(([d]) => [d, hoursText(agent.scheduling.hours?.[d])])) as Record<Day, string>,
  };
}

export function SettingsEditor() {
  const { agent, replace } = useAgent();
  const [draft, setDraft] = useState(() => draftOf(agent));
  const action = useAction();
  const facts = draft.facts;
  const setFact = (key: keyof BusinessFacts, value: unknown) => setDraft({ ...draft, facts: { ...facts, [key]: value } });
  const text = (key: "address" | "phone" | "email" | "hours_note" | "business_name" | "description") => ({
    value: (facts[key] as string | null | undefined) ?? "",
    onChange: (e: { target: { value: string } }) => setFact(key, e.target.value || null),
  });

  const save = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const hours = Object.fromEntries(DAYS.map(([d, label]) => [d, parseHours(label, draft.hours[d])]));
      const body: AgentUpdate = {
        name: draft.name,
        persona_name: draft.persona_name || null,
        greeting: draft.greeting || null,
        instructions: draft.instructions || null,
        business_facts: facts,
        enabled_tools: draft.tools,
        scheduling: { ...draft.scheduling, hours },
      };
      const updated = await call(updateAgent({ path: { agent_id: agent.id }, body }));
      replace({ ...agent, ...updated });
    }, "Saved.");
  };

  return (
    <form className="settings-form" onSubmit={(e) => void save(e)}>
      <section className="card" aria-labelledby="persona-title">
        <h3 id="persona-title">Persona</h3>
        <Field label="Agent name (in the dashboard)" id="s-name">
          <input id="s-name" required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        </Field>
        <Field label="Receptionist's name" id="s-persona">
          <input id="s-persona" value={draft.persona_name} onChange={(e) => setDraft({ ...draft, persona_name: e.target.value })} />
        </Field>
        <Field label="Greeting" id="s-greeting">
          <textarea id="s-greeting" rows={2} value={draft.greeting} onChange={(e) => setDraft({ ...draft, greeting: e.target.value })} />
        </Field>
        <Field label="Instructions" id="s-instructions">
          <textarea id="s-instructions" rows={6} value={draft.instructions} onChange={(e) => setDraft({ ...draft, instructions: e.target.value })} />
        </Field>
      </section>
      <section className="card" aria-labelledby="facts-title">
        <h3 id="facts-title">Business facts</h3>
        <div className="grid-2 tight">
          <Field label="Business name" id="f-business">
            <input id="f-business" {...text("business_name")} />
          </Field>
          <Field label="Phone" id="f-phone">
            <input id="f-phone" type="tel" {...text("phone")} />
          </Field>
          <Field label="Email" id="f-email">
            <input id="f-email" type="email" {...text("email")} />
          </Field>
          <Field label="Address" id="f-address">
            <input id="f-address" {...text("address")} />
          </Field>
        </div>
        <Field label="Hours (as the agent says them)" id="f-hours">
          <input id="f-hours" {...text("hours_note")} />
        </Field>
        <Rows<Service>
          label="Services"
          rows={facts.services ?? []}
          columns={[
            { key: "name", label: "Service" },
            { key: "price", label: "Price" },
          ]}
          blank={{ name: "", price: "" }}
          onChange={(rows) => setFact("services", rows)}
        />
        <Rows<HandoffContact>
          label="People to hand off to"
          rows={facts.handoff_contacts ?? []}
          columns={[
            { key: "name", label: "Name" },
            { key: "phone", label: "Phone" },
            { key: "email", label: "Email" },
            { key: "when", label: "When" },
          ]}
          blank={{ name: "" }}
          onChange={(rows) => setFact("handoff_contacts", rows)}
        />
      </section>
      <section className="card" aria-labelledby="tools-title">
        <h3 id="tools-title">What it can do</h3>
        <fieldset className="checks">
          <legend className="visually-hidden">Tools</legend>
          {Object.entries(TOOL_TEXT).map(([tool, label]) => (
            <label key={tool}>
              <input
                type="checkbox"
                checked={draft.tools.includes(tool)}
                onChange={(e) =>
                  setDraft({ ...draft, tools: e.target.checked ? [...draft.tools, tool] : draft.tools.filter((t) => t !== tool) })
                }
              />
              {label}
            </label>
          ))}
        </fieldset>
      </section>
      <section className="card" aria-labelledby="calendar-title">
        <h3 id="calendar-title">Calendar</h3>
        <Field label="Time zone" id="c-zone" hint="An IANA name, e.g. America/Chicago.">
          <input
            id="c-zone"
            aria-describedby="c-zone-hint"
            value={draft.scheduling.timezone ?? "UTC"}
            onChange={(e) => setDraft({ ...draft, scheduling: { ...draft.scheduling, timezone: e.target.value } })}
          />
        </Field>
        <fieldset className="hours">
          <legend>Opening hours (blank = closed)</legend>
          {DAYS.map(([day, label]) => (
            <label key={day}>
              <span>{label}</span>
              <input
                value={draft.hours[day]}
                placeholder="closed"
                onChange={(e) => setDraft({ ...draft, hours: { ...draft.hours, [day]: e.target.value } })}
              />
            </label>
          ))}
        </fieldset>
        <Rows<AppointmentType>
          label="Appointment types"
          rows={draft.scheduling.appointment_types ?? []}
          columns={[
            { key: "key", label: "Short id" },
            { key: "name", label: "Name" },
            { key: "duration_minutes", label: "Minutes", type: "number" },
          ]}
          blank={{ key: "", name: "", duration_minutes: 30 }}
          onChange={(rows) => setDraft({ ...draft, scheduling: { ...draft.scheduling, appointment_types: rows } })}
        />
        <fieldset className="checks" aria-describedby="c-changes-hint">
          <legend>Callers may cancel or move their own bookings on</legend>
          {CALLER_CHANGES.map(([channel, label]) => {
            const changes = { ...CALLER_CHANGES_DEFAULT, ...draft.scheduling.caller_changes };
            return (
              <label key={channel}>
                <input
                  type="checkbox"
                  checked={changes[channel]}
                  onChange={(e) =>
                    setDraft({ ...draft, scheduling: { ...draft.scheduling, caller_changes: { ...changes, [channel]: e.target.checked } } })
                  }
                />
                {label}
              </label>
            );
          })}
          <p className="hint" id="c-changes-hint">
            Only a booking made earlier in the same conversation can be changed; otherwise the agent takes a message for you. Anyone can open the widget, so it
            is off there unless you turn it on.
          </p>
        </fieldset>
      </section>
      <div className="sticky-actions">
        <FormStatus error={action.error} done={action.done} />
        <button type="submit" disabled={action.busy}>
          {action.busy ? "Saving…" : "Save changes"}
        </button>
      </div>
    </form>
  );
}
