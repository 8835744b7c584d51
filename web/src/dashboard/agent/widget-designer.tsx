/**
 * The widget designer: how the button and panel look on the business's site, where they may
 * run (allowed origins), the daily minutes cap, a live preview, the snippet, and the switch
 * that puts the agent live or pauses it.
 */
import { useEffect, useState, type FormEvent } from "react";
import { deployAgent, getWidget, pauseAgent, updateWidget } from "../../client/sdk.gen";
import type { WidgetSettings } from "../../client/types.gen";
import { call } from "../api";
import { useAction, useLoad } from "../load";
import { ErrorNote, Field, FormStatus, Loading, StatusBadge } from "../ui";
import { useAgent } from "./agent-page";

type Mode = "voice" | "text";

/** What the preview draws: the look part of the settings. */
export type WidgetLook = Pick<
  Required<WidgetSettings>,
  "color" | "position" | "button_label" | "greeting" | "avatar_initials" | "avatar_url" | "modes"
>;

/** A drawing of the widget with these settings, as callers will see it on the page. */
export function WidgetPreview({ look, name, greeting }: { look: WidgetLook; name: string; greeting: string }) {
  const initials = look.avatar_initials || name.slice(0, 1).toUpperCase();
  return (
    <div className="widget-preview" aria-label="Preview of the widget" role="img">
      <div className="preview-page">
        <div className="preview-line" />
        <div className="preview-line short" />
        <div className="preview-line" />
      </div>
      <div className={`preview-panel ${look.position}`} style={{ ["--widget-color" as string]: look.color }}>
        <div className="preview-head">
          <span className="preview-avatar">{look.avatar_url ? <img src={look.avatar_url} alt="" /> : initials}</span>
          <strong>{name}</strong>
        </div>
        <p className="preview-greeting">{look.greeting || greeting}</p>
        <div className="preview-actions">
          {look.modes.includes("voice") && <span className="preview-call">Call</span>}
          {look.modes.includes("text") && <span className="preview-input">Type a message…</span>}
        </div>
      </div>
      <span className={`preview-button ${look.position}`} style={{ ["--widget-color" as string]: look.color }}>
        {look.button_label}
      </span>
    </div>
  );
}

export function WidgetDesigner() {
  const { agent, replace } = useAgent();
  const path = { agent_id: agent.id };
  const widget = useLoad(() => call(getWidget({ path })), [agent.id]);
  const [draft, setDraft] = useState<Required<WidgetSettings>>();
  const [origins, setOrigins] = useState("");
  const action = useAction();

  useEffect(() => {
    if (widget.data) {
      setDraft(widget.data.settings as Required<WidgetSettings>);
      setOrigins((widget.data.settings.allowed_origins ?? []).join("\n"));
    }
  }, [widget.data]);

  if (!widget.data || !draft) return widget.loading ? <Loading label="Loading the widget" /> : <ErrorNote error={widget.error} retry={widget.reload} />;
  const state = widget.data;

  const save = (event: FormEvent) => {
    event.preventDefault();
    const body = { ...draft, allowed_origins: origins.split(/[\s,]+/).filter(Boolean) };
    void action.run(async () => widget.set(await call(updateWidget({ path, body }))), "Saved.");
  };

  const switchLive = (to: "deploy" | "pause") =>
    action.run(
      async () => {
        const updated = await call((to === "deploy" ? deployAgent : pauseAgent)({ path }));
        replace({ ...agent, ...updated });
        widget.set({ ...state, status: updated.status });
      },
      to === "deploy" ? "The widget is live." : "The widget is paused: it politely refuses new conversations.",
    );

  const copy = () =>
    action.run(async () => {
      try {
        await navigator.clipboard.writeText(state.snippet);
      } catch {
        throw new Error("Select the snippet and copy it (the browser did not allow copying).");
      }
    }, "Snippet copied.");

  const setMode = (mode: Mode, on: boolean) =>
    setDraft({ ...draft, modes: on ? [...new Set([...draft.modes, mode])] : draft.modes.filter((m) => m !== mode) });
  const live = state.status === "deployed";

  return (
    <div className="grid-2 designer">
      <form className="card" onSubmit={(e) => void save(e)} aria-labelledby="widget-title">
        <div className="card-top">
          <h3 id="widget-title">Widget</h3>
          <StatusBadge status={state.status} />
        </div>
        <div className="switch-row">
          {live ? (
            <button type="button" className="secondary" onClick={() => void switchLive("pause")}>
              Pause the widget
            </button>
          ) : (
            <button type="button" onClick={() => void switchLive("deploy")}>
              Deploy the widget
            </button>
          )}
          <span className="muted">
            {Math.round(state.minutes_used_today)} of {state.daily_minutes_cap} minutes used today
          </span>
        </div>
        <div className="grid-2 tight">
          <Field label="Colour" id="w-color">
            <input id="w-color" type="color" value={draft.color} onChange={(e) => setDraft({ ...draft, color: e.target.value })} />
          </Field>
          <Field label="Position" id="w-position">
            <select
              id="w-position"
              value={draft.position}
              onChange={(e) => setDraft({ ...draft, position: e.target.value as WidgetLook["position"] })}
            >
              <option value="bottom-right">Bottom right</option>
              <option value="bottom-left">Bottom left</option>
            </select>
          </Field>
          <Field label="Button label" id="w-label">
            <input id="w-label" required maxLength={40} value={draft.button_label} onChange={(e) => setDraft({ ...draft, button_label: e.target.value })} />
          </Field>
          <Field label="Avatar initials" id="w-initials">
            <input
              id="w-initials"
              maxLength={3}
              value={draft.avatar_initials ?? ""}
              onChange={(e) => setDraft({ ...draft, avatar_initials: e.target.value || null })}
            />
          </Field>
        </div>
        <Field label="Greeting in the panel" id="w-greeting" hint="Left empty, the agent's own greeting.">
          <textarea
            id="w-greeting"
            rows={2}
            maxLength={300}
            aria-describedby="w-greeting-hint"
            value={draft.greeting ?? ""}
            onChange={(e) => setDraft({ ...draft, greeting: e.target.value || null })}
          />
        </Field>
        <Field label="Avatar image (https address, optional)" id="w-avatar">
          <input id="w-avatar" type="url" value={draft.avatar_url ?? ""} onChange={(e) => setDraft({ ...draft, avatar_url: e.target.value || null })} />
        </Field>
        <fieldset className="checks">
          <legend>Callers can</legend>
          <label>
            <input type="checkbox" checked={draft.modes.includes("voice")} onChange={(e) => setMode("voice", e.target.checked)} />
            Talk (voice call)
          </label>
          <label>
            <input type="checkbox" checked={draft.modes.includes("text")} onChange={(e) => setMode("text", e.target.checked)} />
            Type (text chat)
          </label>
        </fieldset>
        <Field label="Allowed sites" id="w-origins" hint="One origin per line, e.g. https://www.example.com. The widget works only there.">
          <textarea id="w-origins" rows={3} aria-describedby="w-origins-hint" value={origins} onChange={(e) => setOrigins(e.target.value)} />
        </Field>
        <Field label="Daily minutes cap" id="w-cap" hint="Conversations stop for the day once callers used this many minutes (0 turns the widget off).">
          <input
            id="w-cap"
            type="number"
            min={0}
            max={100000}
            aria-describedby="w-cap-hint"
            value={draft.daily_minutes_cap}
            onChange={(e) => setDraft({ ...draft, daily_minutes_cap: Number(e.target.value) })}
          />
        </Field>
        <FormStatus error={action.error} done={action.done} />
        <div className="actions">
          <button type="submit" disabled={action.busy}>
            {action.busy ? "Saving…" : "Save widget"}
          </button>
        </div>
      </form>
      <div>
        <section className="card" aria-labelledby="preview-title">
          <h3 id="preview-title">Preview</h3>
          <WidgetPreview look={draft} name={agent.persona_name ?? agent.name} greeting={agent.greeting ?? "Hello! How can I help?"} />
        </section>
        <section className="card" aria-labelledby="snippet-title">
          <h3 id="snippet-title">Put it on your site</h3>
          <p className="muted">Paste this before the closing &lt;/body&gt; tag of your pages.</p>
          <pre className="snippet" tabIndex={0} aria-label="Widget snippet">
            {state.snippet}
          </pre>
          <button type="button" className="secondary" onClick={() => void copy()}>
            Copy snippet
          </button>
        </section>
      </div>
    </div>
  );
}
