/**
 * The widget's button and panel, drawn inside a shadow root: a text chat and a voice call
 * (through the voice client), captions of both sides, mute and end.
 */
import { createCall, type Call, type CallState, type Caption, type Role, type Turn } from "../voice";
import { WidgetApi, WidgetError, type WidgetConfig } from "./api";
import { element as el } from "../element";
import styles from "./widget.css?inline";

const CALL_TEXT: Record<CallState, string> = {
  idle: "",
  connecting: "Connecting…",
  connected: "On the call",
  reconnecting: "Reconnecting…",
  ended: "Call ended",
  error: "The call stopped",
};

export function mountWidget(root: ShadowRoot, config: WidgetConfig, api: WidgetApi, base: URL): void {
  const side = config.position === "bottom-left" ? "left" : "right";
  const name = config.persona_name ?? config.agent_name;
  const style = el("style");
  style.textContent = styles;
  // Everything sits in one frame element that resets what it would inherit from the page
  // (the host element takes the page's fonts and colours like any other element).
  const frame = el("div", { class: "frame" });
  frame.style.setProperty("--color", config.color);

  const launcher = el("button", { type: "button", class: `launcher ${side}`, "aria-expanded": "false", "aria-controls": "fd-panel" }, config.button_label);
  const panel = el("div", { id: "fd-panel", class: `panel ${side}`, role: "dialog", "aria-label": `Chat with ${name}`, hidden: "" });

  const avatar = el("span", { class: "avatar", "aria-hidden": "true" });
  if (config.avatar_url) avatar.append(el("img", { src: config.avatar_url, alt: "" }));
  else avatar.textContent = config.avatar_initials ?? name.slice(0, 1).toUpperCase();
  const close = el("button", { type: "button", class: "close", "aria-label": "Close" }, "×");
  const head = el("div", { class: "head" });
  head.append(avatar, el("span", { class: "name" }, name), close);

  const log = el("ol", { class: "log", role: "log", "aria-label": "Conversation", "aria-live": "polite" });
  const notice = el("p", { class: "notice", role: "alert" });

  const voice = config.modes.includes("voice");
  const text = config.modes.includes("text");
  const callRow = el("div", { class: "call-row" });
  const callButton = el("button", { type: "button", class: "action" }, "Call");
  const muteButton = el("button", { type: "button", class: "action quiet", "aria-pressed": "false", disabled: "" }, "Mute");
  const state = el("span", { class: "state", role: "status" });
  callRow.append(callButton, muteButton, state);

  const form = el("form");
  const input = el("input", { type: "text", autocomplete: "off", placeholder: "Type a message…", "aria-label": "Message", maxlength: "4000" });
  const sendButton = el("button", { type: "submit", class: "action" }, "Send");
  form.append(input, sendButton);

  panel.append(head, log, notice);
  if (voice) panel.append(callRow);
  if (text) panel.append(form);
  frame.append(panel, launcher);
  root.append(style, frame);

  const line = (role: Role, words: string, pending = false): HTMLLIElement => {
    const item = el("li", { class: `line ${role}${pending ? " pending" : ""}` }, words);
    log.append(item);
    item.scrollIntoView({ block: "nearest" });
    return item;
  };
  line("agent", config.greeting);
  // The greeting is on screen from the start; a call speaks it again (its captions and its
  // turn, in either order), which must not print it twice.
  let greeting = false;
  const isGreeting = (role: Role, words: string) => {
    if (!greeting) return false;
    if (role === "agent" && words.trim() && config.greeting.startsWith(words.trim())) return true;
    greeting = false;
    return false;
  };
  const say = (problem: unknown) => {
    notice.textContent = problem instanceof Error ? problem.message : String(problem);
  };
  if (!config.available) {
    say(config.notice ?? "The assistant is not available right now.");
    callButton.disabled = sendButton.disabled = input.disabled = true;
  }

  const toggle = (open: boolean) => {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) (text ? input : callButton).focus();
    else launcher.focus();
  };
  launcher.addEventListener("click", () => toggle(panel.hasAttribute("hidden")));
  close.addEventListener("click", () => toggle(false));
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") toggle(false);
  });

  // Text: one conversation per panel, opened on the first message.
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const words = input.value.trim();
    if (!words) return;
    if (call && live(call.state)) {
      call.sendText(words);
      input.value = "";
      return;
    }
    input.value = "";
    notice.textContent = "";
    line("caller", words);
    const waiting = line("agent", "…", true);
    sendButton.disabled = true;
    void (async () => {
      try {
        if (!api.chatting) await api.open("text");
        const reply = await api.say(words);
        waiting.textContent = reply.reply;
        waiting.classList.remove("pending");
      } catch (problem) {
        waiting.remove();
        say(problem instanceof WidgetError ? problem : new Error("Something went wrong; please try again."));
      } finally {
        sendButton.disabled = false;
      }
    })();
  });

  // Voice: the same client as the dashboard, started with a widget session.
  let call: Call | null = null;
  const live = (s: CallState) => s === "connecting" || s === "connected" || s === "reconnecting";
  const lines: Record<Role, HTMLLIElement | null> = { caller: null, agent: null };
  const caption = (c: Caption) => {
    if (isGreeting(c.role, c.text)) return;
    let item = lines[c.role];
    if (!item) item = lines[c.role] = line(c.role, c.text, true);
    else item.textContent = c.text;
    if (c.final) lines[c.role] = null;
    item.scrollIntoView({ block: "nearest" });
  };
  const turn = (t: Turn) => {
    if (isGreeting(t.role, t.text)) return;
    const pending = Array.from(log.querySelectorAll(`.line.${t.role}.pending`));
    const item = (pending[0] as HTMLLIElement | undefined) ?? line(t.role, t.text);
    item.textContent = t.text;
    item.classList.remove("pending");
    if (lines[t.role] === item) lines[t.role] = null;
  };

  callButton.addEventListener("click", () => {
    if (call && live(call.state)) {
      callButton.disabled = true;
      void call.hangUp().finally(() => (callButton.disabled = false));
      return;
    }
    notice.textContent = "";
    greeting = true;
    call = createCall({
      agentId: "",
      baseUrl: base,
      reconnect: { attempts: 2 },
      start: async () => {
        const session = await api.open("voice");
        if (!session.call) throw new WidgetError("Voice calls are not available.", 0);
        return session.call;
      },
    });
    call.on("state", (s) => {
      state.textContent = CALL_TEXT[s];
      callButton.textContent = live(s) ? "End call" : "Call";
      muteButton.disabled = !live(s);
      if (!live(s)) {
        muteButton.setAttribute("aria-pressed", "false");
        muteButton.textContent = "Mute";
      }
    });
    call.on("caption", caption);
    call.on("turn", turn);
    call.on("error", (problem) => say(new Error(problem.message)));
    void call.connect();
  });
  muteButton.addEventListener("click", () => {
    if (!call) return;
    const muted = !call.muted;
    call.setMuted(muted);
    muteButton.setAttribute("aria-pressed", String(muted));
    muteButton.textContent = muted ? "Unmute" : "Mute";
  });

  window.addEventListener("pagehide", () => {
    void call?.hangUp();
    void api.end();
  });
}
