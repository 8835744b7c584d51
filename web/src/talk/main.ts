/**
 * The talk page: an owner calls their own agent from the browser. The server renders an
 * empty `<main id="talk">` carrying the agent's id and name; everything inside is built here.
 */
import "./talk.css";
import { element } from "../element";
import { createCall } from "../voice";
import type { CallState, Caption, Role, Turn } from "../voice";

const STATE_TEXT: Record<CallState, string> = {
  idle: "Not connected",
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Connection lost, reconnecting…",
  ended: "Call ended",
  error: "Call failed",
};

const ROLE_NAME: Record<Role, string> = { caller: "You", agent: "Agent" };

/** `end_of_speech_to_audio_ms: 812.4` → "end of speech to audio 812 ms". */
function timingText(name: string, value: number): string {
  const label = name.replace(/_ms$/, "").replaceAll("_", " ");
  return value >= 1000 ? `${label} ${(value / 1000).toFixed(2)} s` : `${label} ${Math.round(value)} ms`;
}

function mount(root: HTMLElement): void {
  const agentId = root.dataset.agentId ?? "";
  const agentName = root.dataset.agentName ?? "your agent";
  const call = createCall({ agentId });

  const heading = element("h1", {}, `Talk to ${agentName}`);
  const status = element("p", { class: "status", role: "status", "data-state": "idle" });
  status.textContent = STATE_TEXT.idle;
  const callButton = element("button", { type: "button", class: "call" }, "Call");
  const muteButton = element(
    "button",
    { type: "button", class: "mute", "aria-pressed": "false", disabled: "" },
    "Mute",
  );
  const meterLabel = element("label", { for: "mic-level" }, "Microphone");
  const meter = element("meter", { id: "mic-level", min: "0", max: "1", low: "0.6", high: "0.9", value: "0" });
  const agentState = element("p", { class: "agent-state", "aria-live": "polite" });
  const controls = element("div", { class: "controls" });
  controls.append(callButton, muteButton, element("span", { class: "level" }));
  controls.lastElementChild?.append(meterLabel, meter);

  const transcriptHeading = element("h2", { id: "transcript-heading" }, "Conversation");
  // role=log: screen readers announce new lines without re-reading the whole transcript.
  const transcript = element("ol", { class: "transcript", role: "log", "aria-labelledby": "transcript-heading" });

  const form = element("form", { class: "say" });
  const inputLabel = element("label", { for: "say-text" }, "Type instead of speaking");
  const input = element("input", { id: "say-text", type: "text", autocomplete: "off", disabled: "" });
  const send = element("button", { type: "submit", disabled: "" }, "Send");
  form.append(inputLabel, element("div", { class: "say-row" }));
  form.lastElementChild?.append(input, send);

  const problem = element("p", { class: "problem", role: "alert" });
  root.replaceChildren(heading, status, controls, agentState, problem, transcriptHeading, transcript, form);

  // Captions fill a line per utterance; the turn that follows replaces it with the stored text
  // and adds its timings. Lines wait for their turn in order, per side.
  const waiting: Record<Role, HTMLLIElement[]> = { caller: [], agent: [] };

  const newLine = (role: Role): HTMLLIElement => {
    const line = element("li", { class: `line ${role}`, "data-role": role });
    line.append(element("span", { class: "who" }, ROLE_NAME[role]), element("span", { class: "words" }));
    transcript.append(line);
    waiting[role].push(line);
    return line;
  };

  const scrollDown = (): void => {
    transcript.lastElementChild?.scrollIntoView({ block: "nearest" });
  };

  const showCaption = (caption: Caption): void => {
    const queue = waiting[caption.role];
    let line = queue.at(-1);
    if (!line || line.dataset.final === "true") line = newLine(caption.role);
    line.querySelector(".words")!.textContent = caption.text;
    if (caption.final) line.dataset.final = "true";
    scrollDown();
  };

  const showTurn = (turn: Turn): void => {
    const line = waiting[turn.role].shift() ?? newLine(turn.role);
    waiting[turn.role] = waiting[turn.role].filter((other) => other !== line);
    line.dataset.final = "true";
    line.dataset.done = "true";
    line.querySelector(".words")!.textContent = turn.text;
    const notes: string[] = [];
    if (turn.interrupted) notes.push("cut off");
    for (const tool of turn.toolCalls) notes.push(`${tool.name}${tool.error ? " (failed)" : ""}`);
    for (const [name, value] of Object.entries(turn.timings)) {
      if (typeof value === "number") notes.push(timingText(name, value));
    }
    if (notes.length) line.append(element("span", { class: "timings" }, notes.join(" · ")));
    scrollDown();
  };

  const render = (state: CallState): void => {
    status.dataset.state = state;
    status.textContent = state === "ended" && call.endReason ? `Call ended (${call.endReason})` : STATE_TEXT[state];
    const live = state === "connecting" || state === "connected" || state === "reconnecting";
    callButton.textContent = live ? "Hang up" : "Call";
    callButton.classList.toggle("live", live);
    muteButton.disabled = !live;
    input.disabled = send.disabled = state !== "connected";
    if (!live) agentState.textContent = "";
    if (state === "connecting") problem.textContent = "";
  };

  call.on("state", render);
  call.on("conversation", (id) => {
    root.dataset.conversationId = id;
  });
  call.on("agentState", (state) => {
    agentState.textContent = `${agentName} is ${state}`;
  });
  call.on("caption", showCaption);
  call.on("turn", showTurn);
  call.on("level", (level) => {
    meter.value = level;
  });
  call.on("error", (error) => {
    problem.textContent = error.message;
  });

  callButton.addEventListener("click", () => {
    const live = ["connecting", "connected", "reconnecting"].includes(call.state);
    if (live) {
      callButton.disabled = true;
      callButton.textContent = "Hanging up…";
      void call.hangUp().finally(() => {
        callButton.disabled = false;
      });
    } else {
      void call.connect();
    }
  });
  muteButton.addEventListener("click", () => {
    const muted = !call.muted;
    call.setMuted(muted);
    muteButton.setAttribute("aria-pressed", String(muted));
    muteButton.textContent = muted ? "Unmute" : "Mute";
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    call.sendText(text);
    input.value = "";
  });
  window.addEventListener("pagehide", () => void call.hangUp());
}

const root = document.getElementById("talk");
if (root) mount(root);
